// Exercise 3.1, a slow producer (docs/learn/exercises.md): values come 100,
// 200, 300 and 500 ms apart. First give up when one value takes more than
// 400 ms (a timeout per value), then stop after 500 ms whatever comes (a
// deadline for the whole stream).
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <ratio>

using namespace std::chrono_literals;

// Sends 1, 2, 3, 4 after the gaps below. The channel has room for all of
// them, so the producer never blocks once the receiver has left.
gofer::recv_chan<int> produce() {
  auto out = gofer::make_chan<int>(4);
  gofer::go([out] {
    int i = 0;
    for (gofer::duration gap : {100ms, 200ms, 300ms, 500ms}) {
      gofer::sleep(gap);
      out.send(++i);
    }
  });
  return out;
}

auto ms(gofer::duration d) {  // rounded to 100 ms
  return std::chrono::round<std::chrono::duration<long long, std::deci>>(d);
}

void timeout_per_value() {
  auto values = produce();
  gofer::time_point last = gofer::now();
  for (;;) {
    int v = 0;
    switch (gofer::select(gofer::recv_case(values, v),
                          gofer::recv_case(gofer::after(400ms)))) {  // a new timer each round
      case 0:
        fmt::print("got {} after {}\n", v, ms(gofer::since(last)));
        last = gofer::now();
        break;
      case 1:
        fmt::print("no value for 400ms: giving up\n");
        return;
    }
  }
}

void deadline_for_all() {
  auto values = produce();
  const gofer::time_point start = gofer::now();
  auto deadline = gofer::after(500ms);  // one timer for the whole loop
  for (int n = 0;;) {
    int v = 0;
    switch (gofer::select(gofer::recv_case(values, v), gofer::recv_case(deadline))) {
      case 0:
        ++n;
        fmt::print("got {} at {}\n", v, ms(gofer::since(start)));
        break;
      case 1:
        fmt::print("deadline of 500ms: stopped after {} values\n", n);
        return;
    }
  }
}

int main() {
  gofer::run([] {
    timeout_per_value();
    deadline_for_all();
  });
}

// Output:
// got 1 after 100ms
// got 2 after 200ms
// got 3 after 300ms
// no value for 400ms: giving up
// got 1 at 100ms
// got 2 at 300ms
// deadline of 500ms: stopped after 2 values
