#include "event.hpp"

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/binary_from_base64.hpp>
#include <boost/archive/iterators/transform_width.hpp>

#include <chrono>
#include <stdexcept>

namespace agent {

namespace {

namespace iterators = boost::archive::iterators;

// 6 bits at a time out of 8-bit bytes, each mapped to its base64 character.
using base64_encoder = iterators::base64_from_binary<iterators::transform_width<const char*, 6, 8>>;
// And back: characters to 6-bit values, 8 bits at a time.
using base64_decoder = iterators::transform_width<iterators::binary_from_base64<const char*>, 8, 6>;

bool is_base64_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

boost::json::object event_of_type(std::string_view type) {
  boost::json::object event;
  event["type"] = type;
  event["time_ms"] = unix_time_ms();
  return event;
}

boost::json::value optional_int(const std::optional<int>& value) {
  if (value) return *value;
  return nullptr;
}

}  // namespace

std::int64_t unix_time_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string base64_encode(std::string_view bytes) {
  // transform_width fills the last group's missing bits with zeros; the
  // '=' padding that says how many bytes that group really had is ours.
  std::string text(base64_encoder(bytes.data()), base64_encoder(bytes.data() + bytes.size()));
  text.append((3 - bytes.size() % 3) % 3, '=');
  return text;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=')
    ++padding;
  const std::string_view body = text.substr(0, text.size() - padding);
  for (char c : body) {
    if (!is_base64_character(c)) return std::nullopt;  // also a third '=' or one in the middle
  }
  // Decoding the characters without their padding yields the bytes, and at
  // most the zero bits that filled the last group, which round down away:
  // 4 characters per 3 bytes, so n characters carry n*6/8 whole bytes.
  std::string bytes(base64_decoder(body.data()), base64_decoder(body.data() + body.size()));
  bytes.resize(body.size() * 6 / 8);
  return bytes;
}

std::string_view outcome_of(const process_end& end, bool cancelled_by_agent) {
  if (cancelled_by_agent) return outcome_cancelled;
  if (end.signal) return outcome_killed;
  return end.exit_code == 0 ? outcome_succeeded : outcome_failed;
}

boost::json::object make_start_event(const std::vector<std::string>& command, int pid,
                                     std::int64_t heartbeat_ms, std::string_view host) {
  boost::json::object event = event_of_type("start");
  boost::json::array argv;
  for (const std::string& argument : command)
    argv.emplace_back(argument);
  event["command"] = std::move(argv);
  event["pid"] = pid;
  event["heartbeat_ms"] = heartbeat_ms;
  event["agent"] = "gofer";
  event["host"] = host;
  return event;
}

boost::json::object make_heartbeat_event(const resource_sample& sample) {
  boost::json::object event = event_of_type("heartbeat");
  event["cpu_percent"] = sample.cpu_percent;
  event["rss_bytes"] = sample.rss_bytes;
  event["processes"] = sample.processes;
  return event;
}

boost::json::object make_output_event(std::string_view stream, std::string_view bytes) {
  boost::json::object event = event_of_type("output");
  event["stream"] = stream;
  event["data_b64"] = base64_encode(bytes);
  return event;
}

boost::json::object make_finish_event(std::string_view outcome, const process_end& end,
                                      std::string_view error) {
  boost::json::object event = event_of_type("finish");
  event["outcome"] = outcome;
  event["exit_code"] = optional_int(end.exit_code);
  event["signal"] = optional_int(end.signal);
  event["wall_ms"] = end.wall_ms;
  event["user_cpu_ms"] = end.user_cpu_ms;
  event["system_cpu_ms"] = end.system_cpu_ms;
  event["max_rss_bytes"] = end.max_rss_bytes;
  event["error"] = error;
  return event;
}

int exit_status_of_finish(const boost::json::object& finish) {
  const boost::json::value* signal = finish.if_contains("signal");
  const boost::json::value* exit_code = finish.if_contains("exit_code");
  if (signal == nullptr || exit_code == nullptr) {
    throw std::invalid_argument("a finish event without signal or exit_code");
  }
  if (signal->is_int64()) return 128 + static_cast<int>(signal->as_int64());
  if (exit_code->is_int64()) return static_cast<int>(exit_code->as_int64());
  return 1;
}

std::string_view type_of(const boost::json::object& event) {
  const boost::json::value* type = event.if_contains("type");
  if (type == nullptr || !type->is_string()) return {};
  return type->get_string();
}

std::int64_t seq_of(const boost::json::object& event) {
  const boost::json::value* seq = event.if_contains("seq");
  if (seq == nullptr || !seq->is_int64()) return 0;
  return seq->as_int64();
}

}  // namespace agent
