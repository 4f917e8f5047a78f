// gofer-agent: runs one batch job and reports it to gofer-tracker
// (docs/design/jobs.md; agent.hpp tells how it is built).
//
//   gofer-agent --tracker http://127.0.0.1:8080 --job-id nightly-42
//       --heartbeat 5s --spool /var/spool/gofer-agent -- make -j2 all
#include <gofer/gofer.hpp>

#include <signal.h>

#include <cstdio>

#include "agent.hpp"
#include "options.hpp"

int main(int argc, char** argv) {
  // A write to a tracker that closed the connection, or to our own stdout
  // after its reader left, is an error to handle, not a reason to die. The
  // job starts with SIGPIPE at its default action again (gofer/exec.hpp).
  ::signal(SIGPIPE, SIG_IGN);
  const agent::parsed_options parsed = agent::parse_options(argc, argv);
  if (!parsed.options) {
    std::fputs(parsed.message.c_str(), parsed.exit_status == 0 ? stdout : stderr);
    return parsed.exit_status;
  }
  return gofer::run([&] { return agent::run_agent(*parsed.options); });
}
