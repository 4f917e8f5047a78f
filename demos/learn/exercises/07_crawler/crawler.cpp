// Exercise 7.3, a web crawler, after the Go Tour's
// (docs/learn/exercises.md): fetch pages in parallel, on four threads,
// following links to a given depth, without fetching any URL twice. The
// fetcher is a fake: a map of pages. A gofer::mutex guards the set of URLs
// seen; a wait_group waits for every crawl goroutine.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

struct page {
  std::string body;
  std::vector<std::string> urls;
};

const std::map<std::string, page> pages{
    {"https://golang.org/",
     {"The Go Programming Language", {"https://golang.org/pkg/", "https://golang.org/cmd/"}}},
    {"https://golang.org/pkg/",
     {"Packages",
      {"https://golang.org/", "https://golang.org/cmd/", "https://golang.org/pkg/fmt/",
       "https://golang.org/pkg/os/"}}},
    {"https://golang.org/pkg/fmt/",
     {"Package fmt", {"https://golang.org/", "https://golang.org/pkg/"}}},
    {"https://golang.org/pkg/os/",
     {"Package os", {"https://golang.org/", "https://golang.org/pkg/"}}},
};

std::optional<page> fetch(const std::string& url) {
  auto it = pages.find(url);
  if (it == pages.end()) return std::nullopt;
  return it->second;
}

class crawler {
 public:
  void crawl(const std::string& url, int depth) {
    if (depth <= 0 || !claim(url)) return;
    std::optional<page> p = fetch(url);
    if (!p) {
      fmt::print("not found: {}\n", url);
      return;
    }
    fmt::print("found: {} \"{}\"\n", url, p->body);
    for (const std::string& u : p->urls) {
      wg_.go([this, u, depth] { crawl(u, depth - 1); });
    }
  }

  // Waits for every crawl started, then returns how many URLs were seen.
  std::size_t wait() {
    wg_.wait();
    std::lock_guard lock{mu_};
    return seen_.size();
  }

 private:
  // Whether url is new; marks it seen: one step, under the lock, so that
  // two goroutines cannot both claim it.
  bool claim(const std::string& url) {
    std::lock_guard lock{mu_};
    return seen_.insert(url).second;
  }

  gofer::mutex mu_;
  std::set<std::string> seen_;  // guarded by mu_
  gofer::wait_group wg_;
};

int main() {
  gofer::run(
      [] {
        crawler c;
        c.crawl("https://golang.org/", 4);
        fmt::print("URLs seen: {}\n", c.wait());
      },
      {.threads = 4});
}

// Unordered output:
// found: https://golang.org/ "The Go Programming Language"
// found: https://golang.org/pkg/ "Packages"
// not found: https://golang.org/cmd/
// found: https://golang.org/pkg/fmt/ "Package fmt"
// found: https://golang.org/pkg/os/ "Package os"
// URLs seen: 5
