// Shared state, two ways: a gofer::mutex that guards a map of counters
// (after Go by Example's "Mutexes"), and confinement, where one goroutine
// owns the map and the others send it requests (after "Stateful
// Goroutines"). Three goroutines add 1000 each: two to "a", one to "b".
// Two threads, so the goroutines also run in parallel.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <map>
#include <mutex>
#include <string>

// counters holds a map of counters; mu guards it.
struct counters {
  gofer::mutex mu;
  std::map<std::string, int> n;

  void inc(const std::string& name) {
    std::lock_guard lock{mu};  // blocks the goroutine, not the thread
    int value = n[name];
    gofer::yield();  // others run mid-update; the lock keeps them out
    n[name] = value + 1;
  }
};

void with_mutex() {
  counters c;
  gofer::wait_group wg;
  for (const char* name : {"a", "a", "b"}) {
    wg.go([&c, name] {
      for (int i = 0; i < 1000; ++i) {
        c.inc(name);
      }
    });
  }
  wg.wait();
  fmt::print("locked: a = {} b = {}\n", c.n["a"], c.n["b"]);
}

struct read_op {
  std::string name;
  gofer::chan<int> resp;
};

// owner is the only goroutine that touches the map: no lock needed.
void owner(gofer::recv_chan<std::string> incs, gofer::recv_chan<read_op> reads) {
  std::map<std::string, int> n;
  for (;;) {
    std::string name;
    read_op read;
    switch (gofer::select(gofer::recv_case(incs, name), gofer::recv_case(reads, read))) {
      case 0:
        ++n[name];
        break;
      case 1:
        read.resp.send(n[read.name]);
        break;
    }
  }
}

void confined() {
  auto incs = gofer::make_chan<std::string>();
  auto reads = gofer::make_chan<read_op>();
  gofer::go(owner, incs, reads);

  gofer::wait_group wg;
  for (const char* name : {"a", "a", "b"}) {
    wg.go([incs, name] {
      for (int i = 0; i < 1000; ++i) {
        incs.send(name);  // returns once the owner has it
      }
    });
  }
  wg.wait();

  auto get = [reads](const std::string& name) {
    auto resp = gofer::make_chan<int>();
    reads.send(read_op{name, resp});
    return resp.get();
  };
  fmt::print("confined: a = {} b = {}\n", get("a"), get("b"));
}

int main() {
  gofer::run(
      [] {
        with_mutex();
        confined();
      },
      {.threads = 2});
}

// Output:
// locked: a = 2000 b = 1000
// confined: a = 2000 b = 1000
