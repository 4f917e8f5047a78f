// demos/jobs/tracker/page.hpp - the status page (GET /) and a job's page
// (GET /jobs/{id}), as plain HTML strings with inline SVG sparklines.
//
// The one rule: everything that came from outside (job ids, command lines,
// hosts, output) goes through html_escape, and output bytes through
// valid_utf8 first, since a job may write anything. Nothing else here
// builds markup from input.
//
// Hooks for tests and tools (stable; the browser test relies on them):
//   <table id="jobs">                      the table, also GET /?fragment=jobs
//   <tr class="job" data-job-id=".." data-state="..">   one per job
//   <td class="id|state|command|start|duration|heartbeat|cpu|memory">
//   <pre id="output">                      a job page's output; stderr in
//                                          <span class="stderr">
// The page refreshes itself with a small script: every 2 s it fetches the
// fragment and replaces the table (no framework, no page reload).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store.hpp"

namespace tracker {

// & < > " ' as entities: safe in text and in quoted attribute values.
std::string html_escape(std::string_view text);

// The bytes as UTF-8, each maximal invalid subsequence replaced by U+FFFD
// (Unicode's "best practice", which browsers and Python's "replace" follow).
std::string valid_utf8(std::string_view bytes);

// A job's output as GET /api/jobs/{id}/output answers it: the chunks in
// seq order, as valid UTF-8 (each stream's run decoded on its own, so a
// character split between two flushes of one stream stays whole).
std::string output_text(const std::vector<output_chunk>& chunks);

// A small inline SVG line of `values` (oldest first), scaled to [0, top]
// (top at least the largest value); "" for no values. `css_class` names it
// ("cpu", "memory"), `label` is its tooltip.
std::string sparkline(const std::vector<double>& values, double top, std::string_view css_class,
                      std::string_view label, int width = 100, int height = 20);

// `now_ms` is the tracker's wall clock (Unix ms), for durations and ages.
std::string render_jobs_table(const std::vector<job_row>& jobs, std::int64_t now_ms);
std::string render_status_page(const std::vector<job_row>& jobs, std::int64_t now_ms);
std::string render_job_page(const job_detail& job, const std::vector<output_chunk>& output,
                            std::int64_t now_ms);

}  // namespace tracker
