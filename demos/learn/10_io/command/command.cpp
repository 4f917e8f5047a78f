// Running another program: exec::command makes a child process; output()
// starts it, waits for it and returns what it wrote to stdout. A program
// that fails gives an exec::exit_error (in the returned gofer::failure, not
// thrown), with its exit status and, since output() collected it, its
// stderr. The wait parks only this goroutine, on the runtime's poller.
#include <gofer/exec.hpp>
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <exception>
#include <string>
#include <string_view>

namespace exec = gofer::exec;

namespace {

// Go's strings.TrimSpace, for the one trailing newline here.
std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.remove_suffix(1);
  return text;
}

}  // namespace

int main() {
  gofer::run([] {
    auto [out, err] = exec::command("echo", "hello from a child").output();
    if (err) std::rethrow_exception(err.exception());
    fmt::print("echo printed: {}\n", trim(out));

    auto [_, sh_err] = exec::command("sh", "-c", "echo oops >&2; exit 3").output();
    if (const exec::exit_error* exit_err = exec::as_exit_error(sh_err)) {
      fmt::print("sh: {}\n", sh_err.message());  // "exit status 3"
      fmt::print("exit code: {}\n", exit_err->exit_code());
      fmt::print("its stderr: {}\n", trim(exit_err->stderr_output()));
    }
  });
}

// Output:
// echo printed: hello from a child
// sh: exit status 3
// exit code: 3
// its stderr: oops
