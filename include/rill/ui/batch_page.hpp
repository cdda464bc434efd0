#pragma once
// One batch's page (as Spark's BatchPage): its times, delays, records, the
// records of each input stream, the keys of each state stream, and a table of
// its output operations with their durations, states and whole failure messages.
#include <rill/core/runtime.hpp>
#include <rill/ui/format.hpp>
#include <rill/ui/html.hpp>
#include <rill/ui/snapshot.hpp>
#include <rill/ui/statistics.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace rill::ui {

namespace detail {

RILL_RUNTIME const char* outputOpStatus(const OutputOperationInfo& op);

RILL_RUNTIME std::string outputOpsTable(const BatchRecord& b);

/// "stream 0: 3, stream 1: 0"
RILL_RUNTIME std::string countsByStream(const std::map<int, std::int64_t>& counts);

}  // namespace detail

/// The page of batch `id`, or nothing when no retained batch has that id.
RILL_RUNTIME std::optional<std::string> batchPage(const StreamingSnapshot& s, std::int64_t id);

#if RILL_PART_RUNTIME_BODIES

namespace detail {

RILL_RUNTIME const char* outputOpStatus(const OutputOperationInfo& op) {
  if (op.failureReason) return "Failed";
  return op.endTime ? "Succeeded" : "Running";
}

RILL_RUNTIME std::string outputOpsTable(const BatchRecord& b) {
  std::string html =
      "<h2>Output Operations</h2><table id=\"output-ops\"><tr><th>Output Op Id</th><th>Name</th>"
      "<th>Description</th><th>Started</th><th>Duration</th><th>Status</th><th>Error</th></tr>";
  for (const auto& op : b.outputOps) {
    const auto d = op.duration();
    html += "<tr id=\"op-" + std::to_string(op.id) + "\">" + cell(std::to_string(op.id), "num") + cell(op.name) +
            cell(op.description) + cell(op.startTime ? formatDateTime(op.startTime->milliseconds()) : "-") +
            cell(d ? formatDuration(d->count()) : "-", "num") +
            cell(outputOpStatus(op), op.failureReason ? "status failed" : "status") + "<td>" +
            (op.failureReason ? failureHtml(*op.failureReason) : "-") + "</td></tr>";
  }
  return html + "</table>";
}

RILL_RUNTIME std::string countsByStream(const std::map<int, std::int64_t>& counts) {
  std::string text;
  for (const auto& [stream, n] : counts)
    text += (text.empty() ? "" : ", ") + ("stream " + std::to_string(stream) + ": " + std::to_string(n));
  return text;
}

}  // namespace detail

RILL_RUNTIME std::optional<std::string> batchPage(const StreamingSnapshot& s, std::int64_t id) {
  const BatchRecord* b = s.findBatch(id);
  if (!b) return std::nullopt;
  const AppFacts& app = *s.app;
  const auto delay = [](std::optional<Duration> d) { return d ? formatDuration(d->count()) : std::string("-"); };
  const auto at = [](const std::optional<Time>& t) {
    return t ? formatDateTime(t->milliseconds()) : std::string("-");
  };
  const OutputOpCounts ops = outputOpCounts(*b);
  std::string body = "<h1>Details of batch at " + formatDateTime(b->id(), app.batchTimesNeedMillis()) +
                     " (UTC)</h1><dl class=\"facts\" id=\"batch-facts\">";
  const auto fact = [&body](const char* name, const std::string& id, const std::string& value) {
    body += "<dt>" + std::string(name) + "</dt><dd id=\"" + id + "\">" + escapeHtml(value) + "</dd>";
  };
  fact("Status", "batch-status", toString(b->status) + std::string(b->failed() ? " (failed)" : ""));
  fact("Batch duration", "batch-duration", formatDurationVerbose(app.batchDuration.count()));
  fact("Input records", "batch-records", std::to_string(b->info.numRecords));
  std::map<int, std::int64_t> perStream;
  for (const auto& [stream, input] : b->info.streamIdToInputInfo) perStream[stream] = input.numRecords;
  if (!perStream.empty()) fact("Records by input stream", "batch-stream-records", detail::countsByStream(perStream));
  if (!b->info.stateKeys.empty()) fact("State keys", "batch-state-keys", detail::countsByStream(b->info.stateKeys));
  fact("Submitted", "batch-submitted", formatDateTime(b->info.submissionTime.milliseconds()));
  fact("Processing started", "batch-started", at(b->info.processingStartTime));
  fact("Processing ended", "batch-ended", at(b->info.processingEndTime));
  fact("Scheduling delay", "batch-scheduling-delay", delay(b->info.schedulingDelay()));
  fact("Processing time", "batch-processing-time", delay(b->info.processingDelay()));
  fact("Total delay", "batch-total-delay", delay(b->info.totalDelay()));
  fact("Output operations", "batch-output-ops",
       std::to_string(ops.completed) + " succeeded, " + std::to_string(ops.failed) + " failed, " +
           std::to_string(ops.active) + " running, of " + std::to_string(b->numOutputOps));
  body += "</dl>" + detail::outputOpsTable(*b);
  if (b->failed())
    body += "<h2>Failure Reason</h2><pre class=\"failure\" id=\"batch-failure\">" +
            escapeHtml(*b->info.failureReason) + "</pre>";
  body += "<p><a href=\"/streaming/\">Back to the Streaming page</a> &middot; <a href=\"/api/v1/applications/" +
          escapeHtml(app.id) + "/streaming/batches/" + std::to_string(b->id()) + "\">this batch as JSON</a></p>";
  return htmlPage(app, "Batch " + formatDateTime(b->id(), app.batchTimesNeedMillis()), body,
                  b->status != BatchStatus::COMPLETED);
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
