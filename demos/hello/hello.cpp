// demos/hello: a producer, a consumer and a quit channel, driven by select.
// The same program in Go:
//
//   jobs, results, quit := make(chan int, 4), make(chan string), make(chan struct{})
//   go func() { for i := 1; i <= 5; i++ { jobs <- i }; close(jobs) }()
//   go func() { for j := range jobs { results <- fmt.Sprint(j, "² = ", j*j) }; close(quit) }()
//   for { select { case r := <-results: fmt.Println(r); case <-quit: fmt.Println("done"); return }
//   }
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <string>

int main() {
  gofer::run([] {
    auto jobs = gofer::make_chan<int>(4);            // buffered: holds 4
    auto results = gofer::make_chan<std::string>();  // unbuffered: a handoff
    auto quit = gofer::make_chan<gofer::signal>();

    gofer::go([jobs] {
      for (int i = 1; i <= 5; ++i)
        jobs.send(i);
      jobs.close();
    });
    gofer::go([jobs, results, quit] {
      for (int job : jobs)
        results.send(fmt::format("{}² = {}", job, job * job));
      quit.close();
    });

    for (;;) {
      std::string result;
      switch (gofer::select(gofer::recv_case(results, result), gofer::recv_case(quit))) {
        case 0:
          fmt::print("{}\n", result);
          break;
        case 1:
          fmt::print("done\n");
          return;
      }
    }
  });
}
