// Google Search 1.0 to 3.0 (Pike, "Go Concurrency Patterns"): three fake
// searches, run one after the other, then concurrently, then with a
// timeout, then each sent to two replicas, keeping the first answer.
// Pike's searches take a random time; these take a fixed one.
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <chrono>
#include <functional>
#include <ratio>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;

using result = std::string;
using search = std::function<result(const std::string& query)>;

search fake_search(std::string kind, gofer::duration latency) {
  return [kind, latency](const std::string& query) {
    gofer::sleep(latency);
    return fmt::format("{} result for \"{}\"", kind, query);
  };
}

const search web1 = fake_search("web1", 100ms);
const search image1 = fake_search("image1", 300ms);
const search video1 = fake_search("video1", 600ms);
const search web2 = fake_search("web2", 500ms);
const search image2 = fake_search("image2", 700ms);
const search video2 = fake_search("video2", 200ms);

// google10 runs the searches one after the other.
std::vector<result> google10(const std::string& query) {
  std::vector<result> results;
  results.push_back(web1(query));
  results.push_back(image1(query));
  results.push_back(video1(query));
  return results;
}

// google20 runs them concurrently: fan-in, no waiting for the slowest first.
std::vector<result> google20(const std::string& query) {
  auto c = gofer::make_chan<result>();
  gofer::go([c, query] { c.send(web1(query)); });
  gofer::go([c, query] { c.send(image1(query)); });
  gofer::go([c, query] { c.send(video1(query)); });
  std::vector<result> results;
  for (int i = 0; i < 3; ++i) {
    results.push_back(c.get());
  }
  return results;
}

// google21 does not wait for slow servers: one timeout for the whole search.
std::vector<result> google21(const std::string& query) {
  auto c = gofer::make_chan<result>();
  gofer::go([c, query] { c.send(web1(query)); });
  gofer::go([c, query] { c.send(image1(query)); });
  gofer::go([c, query] { c.send(video1(query)); });
  auto timeout = gofer::after(400ms);
  std::vector<result> results;
  for (int i = 0; i < 3; ++i) {
    result r;
    switch (gofer::select(gofer::recv_case(c, r), gofer::recv_case(timeout))) {
      case 0:
        results.push_back(std::move(r));
        break;
      case 1:
        fmt::print("  timed out\n");
        return results;
    }
  }
  return results;
}

// first sends the query to every replica and returns the first answer. The
// goroutines outlive the call, so they hold copies, not references.
result first(const std::string& query, const std::vector<search>& replicas) {
  auto c = gofer::make_chan<result>();
  for (const search& replica : replicas) {
    gofer::go([c, query, replica] { c.send(replica(query)); });
  }
  return c.get();
}

// google30 asks two replicas of each search: the slow ones are rarely slow
// together.
std::vector<result> google30(const std::string& query) {
  auto c = gofer::make_chan<result>();
  gofer::go([c, query] { c.send(first(query, {web1, web2})); });
  gofer::go([c, query] { c.send(first(query, {image1, image2})); });
  gofer::go([c, query] { c.send(first(query, {video1, video2})); });
  auto timeout = gofer::after(400ms);
  std::vector<result> results;
  for (int i = 0; i < 3; ++i) {
    result r;
    switch (gofer::select(gofer::recv_case(c, r), gofer::recv_case(timeout))) {
      case 0:
        results.push_back(std::move(r));
        break;
      case 1:
        fmt::print("  timed out\n");
        return results;
    }
  }
  return results;
}

void show(const char* version, std::vector<result> (*google)(const std::string& query)) {
  fmt::print("{}\n", version);
  gofer::time_point start = gofer::now();
  std::vector<result> results = google("golang");
  using tenths = std::chrono::duration<long long, std::deci>;
  auto elapsed = std::chrono::round<tenths>(gofer::since(start));
  for (const result& r : results) {
    fmt::print("  {}\n", r);
  }
  fmt::print("  {} results in {}\n", results.size(), elapsed);
}

int main() {
  gofer::run([] {
    show("Search 1.0", google10);
    show("Search 2.0", google20);
    show("Search 2.1", google21);
    show("Search 3.0", google30);
  });
}

// Output:
// Search 1.0
//   web1 result for "golang"
//   image1 result for "golang"
//   video1 result for "golang"
//   3 results in 1s
// Search 2.0
//   web1 result for "golang"
//   image1 result for "golang"
//   video1 result for "golang"
//   3 results in 600ms
// Search 2.1
//   timed out
//   web1 result for "golang"
//   image1 result for "golang"
//   2 results in 400ms
// Search 3.0
//   web1 result for "golang"
//   video2 result for "golang"
//   image1 result for "golang"
//   3 results in 300ms
