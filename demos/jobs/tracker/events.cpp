#include "events.hpp"

#include <boost/json.hpp>

#include <array>
#include <limits>
#include <utility>

namespace json = boost::json;

namespace tracker {

namespace {

constexpr std::array<std::string_view, 4> type_names{"start", "heartbeat", "output", "finish"};
constexpr std::array<std::string_view, 5> outcomes{"succeeded", "failed", "killed", "cancelled",
                                                   "failed_to_start"};

// Reads the fields of one JSON object, remembering the first problem: each
// getter returns a default once something is wrong, and error() says what
// (so a handler checks once, at the end, and answers with the first reason).
class field_reader {
 public:
  explicit field_reader(const json::object& object) : object_(object) {}

  const std::string& error() const noexcept { return error_; }

  std::int64_t integer(std::string_view name) {
    const json::value* value = find(name);
    if (value == nullptr) return 0;
    if (value->is_int64()) return value->get_int64();
    if (value->is_uint64() &&
        value->get_uint64() <= std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
      return std::int64_t(value->get_uint64());
    }
    fail(name, "an integer");
    return 0;
  }

  std::int64_t non_negative(std::string_view name) {
    const std::int64_t value = integer(name);
    if (value < 0) fail(name, "an integer >= 0");
    return value;
  }

  std::optional<std::int64_t> integer_or_null(std::string_view name) {
    const json::value* value = find(name);
    if (value == nullptr || value->is_null()) return std::nullopt;
    return integer(name);
  }

  double number(std::string_view name) {
    const json::value* value = find(name);
    if (value == nullptr) return 0;
    if (value->is_double()) return value->get_double();
    if (value->is_int64()) return double(value->get_int64());
    if (value->is_uint64()) return double(value->get_uint64());
    fail(name, "a number");
    return 0;
  }

  std::string string(std::string_view name) {
    const json::value* value = find(name);
    if (value == nullptr) return {};
    if (!value->is_string()) {
      fail(name, "a string");
      return {};
    }
    return std::string(value->get_string());
  }

  std::vector<std::string> strings(std::string_view name) {
    const json::value* value = find(name);
    if (value == nullptr) return {};
    std::vector<std::string> result;
    if (value->is_array()) {
      for (const json::value& element : value->get_array()) {
        if (!element.is_string()) break;
        result.emplace_back(element.get_string());
      }
      if (result.size() == value->get_array().size()) return result;
    }
    fail(name, "an array of strings");
    return {};
  }

  // For checks of a value's range or shape, after its type.
  void fail(std::string_view name, std::string_view what) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict, wrongly) on a + chain here.
    if (error_.empty()) error_.append("\"").append(name).append("\" must be ").append(what);
  }

 private:
  // Null when the field is missing or something failed before: so only the
  // first problem is reported. A missing field is a problem too; a field
  // given as null is missing, unless the contract allows null (those use
  // integer_or_null, which looks for null first).
  const json::value* find(std::string_view name) {
    if (!error_.empty()) return nullptr;
    const json::value* value = object_.if_contains(name);
    if (value == nullptr) {
      error_.append("missing field \"").append(name).append("\"");
      return nullptr;
    }
    return value;
  }

  const json::object& object_;
  std::string error_;
};

template <class Fields>
parse_result finish_parse(field_reader& reader, event e, Fields fields, json::object object) {
  if (!reader.error().empty()) return {std::nullopt, reader.error()};
  e.fields = std::move(fields);
  e.json = json::serialize(object);
  return {std::move(e), {}};
}

constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string_view to_string(event_type type) noexcept {
  return type_names[static_cast<std::size_t>(type)];
}

std::optional<event_type> parse_event_type(std::string_view text) noexcept {
  for (std::size_t i = 0; i < type_names.size(); ++i) {
    if (type_names[i] == text) return static_cast<event_type>(i);
  }
  return std::nullopt;
}

bool valid_job_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

bool is_outcome(std::string_view text) noexcept {
  for (const std::string_view outcome : outcomes) {
    if (outcome == text) return true;
  }
  return false;
}

parse_result parse_event(std::string_view job_id, event_type path_type, std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec) return {std::nullopt, "malformed JSON: " + ec.message()};
  if (!value.is_object()) return {std::nullopt, "the body must be a JSON object"};
  json::object& object = value.get_object();

  field_reader reader{object};
  event e;
  e.job_id = std::string(job_id);
  e.seq = reader.integer("seq");
  if (reader.error().empty() && e.seq < 1) reader.fail("seq", "an integer >= 1");
  const std::string type = reader.string("type");
  e.time_ms = reader.integer("time_ms");
  if (!reader.error().empty()) return {std::nullopt, reader.error()};
  const std::optional<event_type> body_type = parse_event_type(type);
  if (!body_type) return {std::nullopt, "unknown event type \"" + type + "\""};
  if (*body_type != path_type) {
    return {std::nullopt,
            "a \"" + type + "\" event posted to .../" + std::string(to_string(path_type))};
  }

  switch (path_type) {
    case event_type::start: {
      start_fields fields;
      fields.command = reader.strings("command");
      fields.pid = reader.non_negative("pid");
      fields.heartbeat_ms = reader.integer("heartbeat_ms");
      if (reader.error().empty() && fields.heartbeat_ms < 1) {
        reader.fail("heartbeat_ms", "an integer >= 1");
      }
      fields.agent = reader.string("agent");
      fields.host = reader.string("host");
      return finish_parse(reader, std::move(e), std::move(fields), std::move(object));
    }
    case event_type::heartbeat: {
      heartbeat_fields fields;
      fields.cpu_percent = reader.number("cpu_percent");
      if (reader.error().empty() && !(fields.cpu_percent >= 0)) {
        reader.fail("cpu_percent", "a number >= 0");
      }
      fields.rss_bytes = reader.non_negative("rss_bytes");
      fields.processes = reader.non_negative("processes");
      return finish_parse(reader, std::move(e), std::move(fields), std::move(object));
    }
    case event_type::output: {
      output_fields fields;
      fields.stream = reader.string("stream");
      if (reader.error().empty() && fields.stream != "stdout" && fields.stream != "stderr") {
        reader.fail("stream", "\"stdout\" or \"stderr\"");
      }
      const std::string encoded = reader.string("data_b64");
      if (reader.error().empty()) {
        std::optional<std::string> data = decode_base64(encoded);
        if (!data) {
          reader.fail("data_b64", "base64");
        } else {
          fields.data = std::move(*data);
        }
      }
      object.erase("data_b64");  // the bytes go to the output table, not twice
      return finish_parse(reader, std::move(e), std::move(fields), std::move(object));
    }
    case event_type::finish: {
      finish_fields fields;
      fields.outcome = reader.string("outcome");
      if (reader.error().empty() && !is_outcome(fields.outcome)) {
        reader.fail("outcome", "one of succeeded, failed, killed, cancelled, failed_to_start");
      }
      fields.exit_code = reader.integer_or_null("exit_code");
      fields.signal = reader.integer_or_null("signal");
      fields.wall_ms = reader.non_negative("wall_ms");
      fields.user_cpu_ms = reader.non_negative("user_cpu_ms");
      fields.system_cpu_ms = reader.non_negative("system_cpu_ms");
      fields.max_rss_bytes = reader.non_negative("max_rss_bytes");
      fields.error = reader.string("error");
      return finish_parse(reader, std::move(e), std::move(fields), std::move(object));
    }
  }
  return {std::nullopt, "unknown event type"};  // not reached: the switch is exhaustive
}

std::optional<std::string> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t bits = 0;
  int count = 0;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '=') {
      // Only at the end, at most two, and what follows is padding too.
      if (i + 2 < text.size()) return std::nullopt;
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;
    const std::size_t index = base64_alphabet.find(c);
    if (index == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | std::uint32_t(index);
    if (++count == 4) {
      out.push_back(char((bits >> 16) & 0xff));
      out.push_back(char((bits >> 8) & 0xff));
      out.push_back(char(bits & 0xff));
      bits = 0;
      count = 0;
    }
  }
  if (padding == 1 && count == 3) {  // 18 bits: two bytes and 2 zero bits
    if ((bits & 0x3) != 0) return std::nullopt;
    out.push_back(char((bits >> 10) & 0xff));
    out.push_back(char((bits >> 2) & 0xff));
  } else if (padding == 2 && count == 2) {  // 12 bits: one byte and 4 zero bits
    if ((bits & 0xf) != 0) return std::nullopt;
    out.push_back(char((bits >> 4) & 0xff));
  } else if (padding != 0 || count != 0) {
    return std::nullopt;
  }
  return out;
}

std::string encode_base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t bits = std::uint32_t(std::uint8_t(bytes[i])) << 16 |
                               std::uint32_t(std::uint8_t(bytes[i + 1])) << 8 |
                               std::uint32_t(std::uint8_t(bytes[i + 2]));
    out.push_back(base64_alphabet[(bits >> 18) & 63]);
    out.push_back(base64_alphabet[(bits >> 12) & 63]);
    out.push_back(base64_alphabet[(bits >> 6) & 63]);
    out.push_back(base64_alphabet[bits & 63]);
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t bits = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (rest == 2) bits |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out.push_back(base64_alphabet[(bits >> 18) & 63]);
    out.push_back(base64_alphabet[(bits >> 12) & 63]);
    out.push_back(rest == 2 ? base64_alphabet[(bits >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace tracker
