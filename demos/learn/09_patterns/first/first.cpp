// The leak in Pike's First: the losing replicas send on an unbuffered
// channel that nobody receives from again, and block forever. A buffer with
// room for every replica lets them finish; a context stops them as soon as
// the first answer is in. gofer::dump, which writes a line per goroutine,
// counts what is left.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;

using result = std::string;
using search = std::function<result(const gofer::context& ctx, const std::string& query)>;

search fake_search(std::string kind, gofer::duration latency) {
  return [kind, latency](const gofer::context& ctx, const std::string&) {
    switch (gofer::select(gofer::recv_case(gofer::after(latency)), gofer::recv_case(ctx.done()))) {
      case 0:
        return kind + " result";
      default:  // only first_cancel's context is ever cancelled
        return kind + " cancelled";
    }
  };
}

// first_leaky is Pike's First: the losers block on c forever.
result first_leaky(const std::string& query, const std::vector<search>& replicas) {
  auto c = gofer::make_chan<result>();
  for (const search& replica : replicas) {
    gofer::go([c, query, replica] { c.send(replica(gofer::background(), query)); });
  }
  return c.get();
}

// first_buffered gives every replica room to send: the losers finish.
result first_buffered(const std::string& query, const std::vector<search>& replicas) {
  auto c = gofer::make_chan<result>(replicas.size());
  for (const search& replica : replicas) {
    gofer::go([c, query, replica] { c.send(replica(gofer::background(), query)); });
  }
  return c.get();
}

// first_cancel also cancels the losers as it returns.
result first_cancel(const gofer::context& parent, const std::string& query,
                    const std::vector<search>& replicas) {
  auto [ctx, cancel] = gofer::with_cancel(parent);
  gofer::defer release{cancel};  // the losers see ctx.done() and return at once
  auto c = gofer::make_chan<result>(replicas.size());
  for (const search& replica : replicas) {
    gofer::go([c, ctx = ctx, query, replica] { c.send(replica(ctx, query)); });
  }
  return c.get();
}

// Go's runtime.NumGoroutine(): gofer::dump writes a line per goroutine.
int num_goroutine() {
  std::ostringstream out;
  gofer::dump(out);
  std::istringstream lines{out.str()};
  int n = 0;
  for (std::string line; std::getline(lines, line);) {
    n += line.starts_with("goroutine ");
  }
  return n;
}

// measure calls first and counts the replicas still running soon after it
// returns, and once each replica has had time to finish.
void measure(const char* name, const std::function<result()>& first) {
  int before = num_goroutine();
  result r = first();
  gofer::sleep(100ms);
  int soon = num_goroutine() - before;
  gofer::sleep(500ms);  // every replica is done by now
  int later = num_goroutine() - before;
  fmt::print("{}: {}; replicas left 100ms later: {}, 600ms later: {}\n", name, r, soon, later);
}

int main() {
  gofer::run([] {
    const std::vector<search> replicas{
        fake_search("replica 1", 100ms),
        fake_search("replica 2", 300ms),
        fake_search("replica 3", 500ms),
    };
    measure("leaky", [&] { return first_leaky("golang", replicas); });
    measure("buffered", [&] { return first_buffered("golang", replicas); });
    measure("cancel", [&] { return first_cancel(gofer::background(), "golang", replicas); });
  });
}

// Output:
// leaky: replica 1 result; replicas left 100ms later: 2, 600ms later: 2
// buffered: replica 1 result; replicas left 100ms later: 2, 600ms later: 0
// cancel: replica 1 result; replicas left 100ms later: 0, 600ms later: 0
