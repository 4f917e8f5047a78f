#include "real_checks.hpp"

#include <gofer/context.hpp>
#include <gofer/defer.hpp>
#include <gofer/exec.hpp>
#include <gofer/fmt.hpp>
#include <gofer/http.hpp>
#include <gofer/net.hpp>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace monitor {

namespace {

constexpr std::string_view tcp_prefix = "tcp://";
constexpr std::string_view exec_prefix = "exec:";
constexpr std::string_view http_prefix = "http://";

std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> result;
  for (std::string word; in >> word;)
    result.push_back(std::move(word));
  return result;
}

std::optional<std::string> check_tcp(std::string_view address, gofer::duration timeout) {
  auto [conn, err] = gofer::net::dial_timeout("tcp", address, timeout);
  if (err) return err.message();
  conn.close();
  return std::nullopt;
}

std::optional<std::string> check_http(std::string_view url, gofer::duration timeout) {
  gofer::http::client client{{.timeout = timeout, .disable_keep_alives = true}};
  auto [response, err] = client.get(url);
  if (err == gofer::deadline_exceeded) return "no answer within " + gofer::format_duration(timeout);
  if (err) return err.message();
  if (response.status_code < 200 || response.status_code > 299) return response.status;
  return std::nullopt;
}

std::optional<std::string> check_exec(std::vector<std::string> argv, gofer::duration timeout) {
  auto [ctx, cancel] = gofer::with_timeout(gofer::background(), timeout);
  gofer::defer release{cancel};
  std::string name = std::move(argv.front());
  argv.erase(argv.begin());
  gofer::exec::cmd command = gofer::exec::command_context(ctx, std::move(name), std::move(argv));
  if (gofer::failure err = command.run()) {
    if (ctx.err() == gofer::deadline_exceeded) {
      return "no exit within " + gofer::format_duration(timeout);
    }
    return err.message();  // "exit status 1", "signal: killed", or why it did not start
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_spec_error(std::string_view spec) {
  if (spec.starts_with(tcp_prefix)) {
    auto [parts, err] = gofer::net::split_host_port(spec.substr(tcp_prefix.size()));
    if (err) return std::string(spec) + ": " + err.message();
    if (parts.port.empty()) return std::string(spec) + ": missing port";
    return std::nullopt;
  }
  if (spec.starts_with(http_prefix)) {
    if (spec.size() == http_prefix.size()) return std::string(spec) + ": no host after http://";
    return std::nullopt;
  }
  if (spec.starts_with(exec_prefix)) {
    if (words(spec.substr(exec_prefix.size())).empty()) {
      return std::string(spec) + ": no command after exec:";
    }
    return std::nullopt;
  }
  return std::string(spec) +
         ": a check is tcp://HOST:PORT, http://HOST[:PORT]/PATH or exec:COMMAND [ARGS...]";
}

std::optional<std::string> run_real_check(std::string_view spec, gofer::duration timeout) {
  if (spec.starts_with(tcp_prefix)) return check_tcp(spec.substr(tcp_prefix.size()), timeout);
  if (spec.starts_with(http_prefix)) return check_http(spec, timeout);
  return check_exec(words(spec.substr(exec_prefix.size())), timeout);
}

check make_real_check(const options& options, std::size_t index, timeline& timeline,
                      gofer::time_point start) {
  return [&timeline, start, index, spec = options.checks[index],
          timeout = options.check_timeout]() -> std::optional<std::string> {
    std::optional<std::string> problem = run_real_check(spec, timeout);
    if (problem) {
      fmt::print("check {} down ({}) @{:.3}\n", spec, *problem, gofer::since(start));
    } else {
      fmt::print("check {} up @{:.3}\n", spec, gofer::since(start));
    }
    timeline.record(index, problem ? timeline::kind::check_failed : timeline::kind::check_ok);
    return problem;
  };
}

}  // namespace monitor
