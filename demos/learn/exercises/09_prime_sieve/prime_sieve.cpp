// Exercise 9.1, the prime sieve (docs/learn/exercises.md): a daisy chain of
// goroutines. A generator sends 2, 3, 4, ...; each prime found adds a
// filter stage that drops that prime's multiples. After ten primes, closing
// done stops every stage, and a wait_group shows that none is left.
#include <gofer/gofer.hpp>

#include <fmt/ranges.h>

#include <vector>

// Sends 2, 3, 4, ... until done is closed.
gofer::recv_chan<int> generate(gofer::recv_chan<gofer::signal> done, gofer::wait_group stages) {
  auto out = gofer::make_chan<int>();
  stages.go([done, out] {
    for (int i = 2;; ++i) {
      if (gofer::select(gofer::send_case(out, i), gofer::recv_case(done)) == 1) return;
    }
  });
  return out;
}

// Passes on the numbers from in that prime does not divide, until done is
// closed.
gofer::recv_chan<int> filter(gofer::recv_chan<gofer::signal> done, gofer::recv_chan<int> in,
                             int prime, gofer::wait_group stages) {
  auto out = gofer::make_chan<int>();
  stages.go([done, in, out, prime] {
    for (;;) {
      int i = 0;
      if (gofer::select(gofer::recv_case(in, i), gofer::recv_case(done)) == 1) return;
      if (i % prime != 0) {
        if (gofer::select(gofer::send_case(out, i), gofer::recv_case(done)) == 1) return;
      }
    }
  });
  return out;
}

int main() {
  gofer::run([] {
    auto done = gofer::make_chan<gofer::signal>();
    gofer::wait_group stages;  // a handle: the copies passed below share its count
    gofer::recv_chan<int> ch = generate(done, stages);
    std::vector<int> primes;
    while (primes.size() < 10) {
      const int prime = ch.get();  // the first number through every filter is a prime
      primes.push_back(prime);
      ch = filter(done, ch, prime, stages);
    }
    fmt::print("primes: {}\n", primes);
    done.close();
    stages.wait();
    fmt::print("every stage stopped: {} goroutines\n", primes.size() + 1);
  });
}

// Output:
// primes: [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
// every stage stopped: 11 goroutines
