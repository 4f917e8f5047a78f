// demos/monitor, step 4: the asyncio shape (tasks.py beside it).
// Each checker is a task that returns a feedback object when it finds a
// problem; main waits for the first task to complete (asyncio.wait with
// FIRST_COMPLETED), cancels the pending ones, reads the feedback and cleans
// up. Where the Go shape talks over channels, this one returns a value.
//
//   tasks [--virtual-time] [--periods 3s,5s,16s] [--fail 3] [--cleanup 2s]
//         [--timeline FILE]
#include <gofer/fmt.hpp>
#include <gofer/gofer.hpp>

#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "support.hpp"

using namespace std::chrono_literals;

namespace {

// What a checker hands back to main: which one, and what it found.
struct feedback {
  std::size_t checker = 0;  // 1-based
  std::string problem;
  gofer::duration at{};  // when it was found, since start
};

}  // namespace

int main(int argc, char** argv) {
  const monitor::options options = monitor::parse_options(
      argc, argv, "The monitor in asyncio's shape: tasks, wait(first_completed), cancel.",
      monitor::defaults({3s, 5s, 16s}, 3, 2s), 0);

  gofer::run(
      [&] {
        const gofer::time_point start = gofer::now() - monitor::startup_latency;
        monitor::timeline timeline{monitor::lane_names(options.periods), start};
        const std::size_t main_lane = options.periods.size();

        // Python: async def run_at_interval(dt, checker) -> Feedback
        auto run_at_interval = [&](std::size_t index) {
          return [&, index](const gofer::context& ctx) -> feedback {
            const monitor::check checker = monitor::make_check(options, index, timeline, start);
            gofer::ticker ticker{options.periods[index]};
            for (;;) {
              switch (gofer::select(gofer::recv_case(ticker.c), gofer::recv_case(ctx.done()))) {
                case 0:
                  if (std::optional<std::string> problem = checker()) {
                    timeline.record(index, monitor::timeline::kind::stopped);
                    return {index + 1, *problem, gofer::since(start)};
                  }
                  break;
                case 1:  // cancelled: asyncio raises CancelledError at the await
                  fmt::print("checker {} cancelled @{:.3}\n", index + 1, gofer::since(start));
                  timeline.record(index, monitor::timeline::kind::stopped);
                  throw std::system_error(ctx.err());
              }
            }
          };
        };

        std::vector<gofer::task<feedback>> checkers;
        for (std::size_t index = 0; index < options.periods.size(); ++index) {
          checkers.push_back(gofer::spawn(run_at_interval(index)));
        }

        auto [done, pending] = gofer::wait(checkers, gofer::return_when::first_completed);
        for (const gofer::task<feedback>& task : pending)
          task.cancel();
        for (const gofer::task<feedback>& task : pending)
          task.wait();  // let them finish

        const feedback found = done.front().get();
        fmt::print("Problem detected on {} checker: {} @{:.3}\n", monitor::ordinal(found.checker),
                   found.problem, found.at);
        timeline.record(main_lane, monitor::timeline::kind::detected);

        monitor::cleanup(options, timeline, main_lane, start);
        if (!options.timeline_path.empty()) {
          timeline.write_svg(options.timeline_path,
                             "tasks: wait(first_completed), then cancel the pending");
        }
      },
      {.virtual_time = options.virtual_time});
}

// Output:
// check health 3s @3.0
// check health 5s @5.0
// check health 3s @6.0
// check health 3s @9.0
// check health 5s @10.
// check health 3s @12.
// check health 5s @15.
// check health 3s @15.
// check health 16s @16.
// checker 2 cancelled @16.
// checker 1 cancelled @16.
// Problem detected on third checker: doom @16.
// cleanup started @16.
// cleanup done @18.
