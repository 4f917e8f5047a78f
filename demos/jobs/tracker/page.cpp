#include "page.hpp"

#include <gofer/time.hpp>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace tracker {

namespace {

// Numbers in SVG coordinates and labels: short, locale-free.
std::string format_number(double value, const char* format = "%.1f") {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string format_bytes(std::int64_t bytes) {
  const double b = double(bytes);
  if (b >= 1024.0 * 1024 * 1024) return format_number(b / (1024.0 * 1024 * 1024)) + " GiB";
  if (b >= 1024.0 * 1024) return format_number(b / (1024.0 * 1024)) + " MiB";
  if (b >= 1024.0) return format_number(b / 1024.0) + " KiB";
  return std::to_string(bytes) + " B";
}

// Unix ms as "2024-05-01 12:00:03Z" (UTC: the same on every machine).
std::string format_time(std::int64_t unix_ms) {
  const time_t seconds = time_t(unix_ms / 1000);
  struct tm parts {};
  gmtime_r(&seconds, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%SZ", &parts);
  return buffer;
}

// Whole seconds in Go's text: "1m5s", "0s".
std::string format_seconds(std::int64_t ms) {
  return gofer::format_duration(std::chrono::seconds(std::max<std::int64_t>(ms, 0) / 1000));
}

// argv as a shell would show it: arguments with spaces or quotes in single quotes.
std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& argument : argv) {
    if (!line.empty()) line += ' ';
    const bool plain =
        !argument.empty() && argument.find_first_not_of(
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                 "0123456789-_./=:,+@%") == std::string::npos;
    if (plain) {
      line += argument;
      continue;
    }
    line += '\'';
    for (const char c : argument) {
      if (c == '\'') {
        line += "'\\''";
      } else {
        line += c;
      }
    }
    line += '\'';
  }
  return line;
}

std::string duration_of(const job_summary& job, std::int64_t now_ms) {
  if (!job.started_ms) return "";
  if (job.finish) return format_seconds(job.finish->wall_ms);
  return format_seconds(now_ms - *job.started_ms);
}

std::string cpu_cell(const std::vector<sample>& samples, const job_summary& job) {
  std::vector<double> values;
  for (const sample& s : samples)
    values.push_back(s.cpu_percent);
  std::string cell = sparkline(values, 100.0, "cpu", "CPU % (100 = one CPU)");
  if (job.cpu_percent)
    cell += " <span class=\"value\">" + format_number(*job.cpu_percent) + "%</span>";
  return cell;
}

std::string memory_cell(const std::vector<sample>& samples, const job_summary& job) {
  std::vector<double> values;
  for (const sample& s : samples)
    values.push_back(double(s.rss_bytes));
  std::string cell = sparkline(values, 0.0, "memory", "resident memory");
  if (job.rss_bytes) cell += " <span class=\"value\">" + format_bytes(*job.rss_bytes) + "</span>";
  return cell;
}

constexpr const char* style = R"css(
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ddd; vertical-align: middle; }
th { background: #f4f4f4; }
code, pre { font: 13px ui-monospace, monospace; }
td.command code { display: inline-block; max-width: 36em; overflow-wrap: anywhere; }
.badge { padding: 1px 6px; border-radius: 8px; font-size: 12px; background: #eee; }
.state-running { background: #d4edff; } .state-succeeded { background: #d6f5d6; }
.state-unhealthy { background: #fff1c2; } .state-lost { background: #ffd9b3; }
.state-failed, .state-killed, .state-failed_to_start { background: #ffd6d6; }
.state-cancelled { background: #e6e0f5; }
svg.spark { vertical-align: middle; background: #fafafa; }
svg.cpu polyline { stroke: #1f77b4; } svg.memory polyline { stroke: #9467bd; }
.value { color: #555; font-size: 12px; }
td.id, td.start, td.duration, td.heartbeat, td.cpu, td.memory { white-space: nowrap; }
pre#output { background: #f8f8f8; padding: 8px; white-space: pre-wrap; }
pre#output .stderr { color: #b00; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; }
dt { color: #555; }
)css";

std::string page(std::string_view title, std::string_view body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
         html_escape(title) + "</title>\n<style>" + style + "</style>\n</head>\n<body>\n" +
         std::string(body) + "</body>\n</html>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string valid_utf8(std::string_view bytes) {
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = std::uint8_t(bytes[i]);
    if (lead < 0x80) {
      out += char(lead);
      ++i;
      continue;
    }
    // The length of the sequence, and the range its second byte must be in
    // (which excludes overlong forms, surrogates and code points > U+10FFFF).
    std::size_t length = 0;
    std::uint8_t low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    }
    if (length == 0) {  // a continuation byte alone, or a byte never in UTF-8
      out += replacement;
      ++i;
      continue;
    }
    // The longest valid prefix: replaced as one U+FFFD if incomplete.
    std::size_t valid = 1;
    while (valid < length && i + valid < bytes.size()) {
      const auto next = std::uint8_t(bytes[i + valid]);
      const bool in_range =
          valid == 1 ? (next >= low && next <= high) : (next >= 0x80 && next <= 0xBF);
      if (!in_range) break;
      ++valid;
    }
    if (valid == length) {
      out.append(bytes.substr(i, length));
    } else {
      out += replacement;
    }
    i += valid;
  }
  return out;
}

std::string output_text(const std::vector<output_chunk>& chunks) {
  std::string text;
  std::string run;
  std::string_view run_stream;
  for (const output_chunk& chunk : chunks) {
    if (chunk.stream != run_stream) {
      text += valid_utf8(run);
      run.clear();
      run_stream = chunk.stream;
    }
    run += chunk.data;
  }
  text += valid_utf8(run);
  return text;
}

std::string sparkline(const std::vector<double>& samples, double top, std::string_view css_class,
                      std::string_view label, int width, int height) {
  if (samples.empty()) return "";
  // One sample draws as a flat line: a polyline of one point is invisible.
  const std::vector<double> values =
      samples.size() == 1 ? std::vector<double>{samples[0], samples[0]} : samples;
  for (const double v : values)
    top = std::max(top, v);
  if (top <= 0) top = 1;
  std::string points;
  const double step = values.size() > 1 ? double(width - 2) / double(values.size() - 1) : 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double x = 1 + step * double(i);
    const double y = 1 + double(height - 2) * (1 - std::clamp(values[i] / top, 0.0, 1.0));
    if (!points.empty()) points += ' ';
    points += format_number(x) + "," + format_number(y);
  }
  const std::string w = std::to_string(width), h = std::to_string(height);
  return "<svg class=\"spark " + html_escape(css_class) + "\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h + "\" role=\"img\" aria-label=\"" + html_escape(label) +
         "\"><title>" + html_escape(label) +
         "</title><polyline fill=\"none\" stroke-width=\"1.5\" points=\"" + points + "\"/></svg>";
}

std::string render_jobs_table(const std::vector<job_row>& jobs, std::int64_t now_ms) {
  std::string html =
      "<table id=\"jobs\">\n<thead><tr><th>job</th><th>state</th><th>command</th><th>start</th>"
      "<th>duration</th><th>last heartbeat</th><th>CPU</th><th>memory</th></tr></thead>\n<tbody>\n";
  for (const job_row& row : jobs) {
    const job_summary& job = row.summary;
    const std::string id = html_escape(job.id);
    const std::string state = html_escape(job.state);
    html += "<tr class=\"job\" data-job-id=\"" + id + "\" data-state=\"" + state + "\">";
    html += "<td class=\"id\"><a href=\"/jobs/" + id + "\">" + id + "</a></td>";
    html += "<td class=\"state\"><span class=\"badge state-" + state + "\">" + state +
            (job.cancel_requested && !job.finish ? " (cancelling)" : "") + "</span></td>";
    html += "<td class=\"command\">";
    if (job.command) {
      html += "<code>" + html_escape(command_line(*job.command)) + "</code>";
    } else {
      html += "<em>unknown until its start arrives</em>";
    }
    html += "</td>";
    html += "<td class=\"start\">" + (job.started_ms ? format_time(*job.started_ms) : "") + "</td>";
    html += "<td class=\"duration\">" + duration_of(job, now_ms) + "</td>";
    html +=
        "<td class=\"heartbeat\">" +
        (job.last_heartbeat_ms ? format_seconds(now_ms - *job.last_heartbeat_ms) + " ago" : "") +
        "</td>";
    html += "<td class=\"cpu\">" + cpu_cell(row.recent_samples, job) + "</td>";
    html += "<td class=\"memory\">" + memory_cell(row.recent_samples, job) + "</td>";
    html += "</tr>\n";
  }
  if (jobs.empty()) html += "<tr class=\"empty\"><td colspan=\"8\">no jobs yet</td></tr>\n";
  html += "</tbody>\n</table>\n";
  return html;
}

std::string render_status_page(const std::vector<job_row>& jobs, std::int64_t now_ms) {
  std::string body = "<h1>gofer-tracker: jobs</h1>\n" + render_jobs_table(jobs, now_ms);
  // Every 2 s: fetch the table alone and put it in place of this one. A
  // failed fetch (the tracker restarting) just waits for the next round.
  body += R"js(<script>
setInterval(async () => {
  try {
    const response = await fetch('/?fragment=jobs', {cache: 'no-store'});
    if (response.ok) document.getElementById('jobs').outerHTML = await response.text();
  } catch (e) {}
}, 2000);
</script>
)js";
  return page("gofer-tracker", body);
}

std::string render_job_page(const job_detail& detail, const std::vector<output_chunk>& output,
                            std::int64_t now_ms) {
  const job_summary& job = detail.summary;
  const std::string id = html_escape(job.id);
  std::string body = "<p><a href=\"/\">&larr; all jobs</a></p>\n<h1>job <span id=\"job-id\">" + id +
                     "</span></h1>\n";
  body += "<dl id=\"details\" data-job-id=\"" + id + "\" data-state=\"" + html_escape(job.state) +
          "\">\n";
  auto item = [&body](std::string_view name, const std::string& escaped_value) {
    body += "<dt>" + std::string(name) + "</dt><dd>" + escaped_value + "</dd>\n";
  };
  item("state", "<span class=\"badge state-" + html_escape(job.state) + "\">" +
                    html_escape(job.state) + "</span>");
  item("command", job.command ? "<code>" + html_escape(command_line(*job.command)) + "</code>"
                              : "<em>unknown until its start arrives</em>");
  item("agent", html_escape(job.agent));
  item("host", html_escape(job.host));
  if (job.pid) item("pid", std::to_string(*job.pid));
  if (job.started_ms) item("started", format_time(*job.started_ms));
  if (job.finished_ms) item("finished", format_time(*job.finished_ms));
  item("duration", duration_of(job, now_ms));
  if (job.heartbeat_ms) item("heartbeat every", format_seconds(*job.heartbeat_ms));
  if (job.last_heartbeat_ms) {
    item("last heartbeat", format_seconds(now_ms - *job.last_heartbeat_ms) + " ago");
  }
  if (job.finish) {
    const finish_fields& f = *job.finish;
    item("exit code", f.exit_code ? std::to_string(*f.exit_code) : "none");
    if (f.signal) item("signal", std::to_string(*f.signal));
    item("CPU time", "user " + format_number(double(f.user_cpu_ms) / 1000, "%.3f") + " s, system " +
                         format_number(double(f.system_cpu_ms) / 1000, "%.3f") + " s");
    item("max memory", format_bytes(f.max_rss_bytes));
    if (!f.error.empty()) item("error", html_escape(f.error));
  }
  item("cancel requested", job.cancel_requested ? "yes" : "no");
  item("events", std::to_string(detail.events));
  body += "</dl>\n";

  std::vector<double> cpu, memory;
  for (const sample& s : detail.samples) {
    cpu.push_back(s.cpu_percent);
    memory.push_back(double(s.rss_bytes));
  }
  body += "<h2>CPU and memory</h2>\n<p>" + sparkline(cpu, 100.0, "cpu", "CPU %", 400, 60) + " " +
          sparkline(memory, 0.0, "memory", "resident memory", 400, 60) + "</p>\n";

  body += "<h2>output</h2>\n<pre id=\"output\">";
  // Runs of one stream, each decoded as a whole (see output_text).
  std::size_t i = 0;
  while (i < output.size()) {
    std::string run;
    const std::string& stream = output[i].stream;
    for (; i < output.size() && output[i].stream == stream; ++i)
      run += output[i].data;
    const std::string text = html_escape(valid_utf8(run));
    body += stream == "stderr" ? "<span class=\"stderr\">" + text + "</span>" : text;
  }
  body += "</pre>\n";
  return page("gofer-tracker: " + job.id, body);
}

}  // namespace tracker
