#pragma once
// The Streaming page, laid out as Spark's Streaming tab: what runs and since
// when, the four charts (input rate, scheduling delay, processing time, total
// delay) with their averages, the receivers, then the active and the
// completed batches, newest first, each linking to its own page.
#include <rill/core/runtime.hpp>
#include <rill/ui/format.hpp>
#include <rill/ui/html.hpp>
#include <rill/ui/snapshot.hpp>
#include <rill/ui/statistics.hpp>
#include <rill/ui/svg_chart.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace rill::ui {

/// Completed batches per page of the table.
inline constexpr std::size_t kBatchesPerPage = 100;

namespace detail {

inline std::string delayCell(std::optional<Duration> d) {
  return cell(d ? formatDuration(d->count()) : "-", "num");
}

RILL_RUNTIME std::string batchLink(const AppFacts& app, const BatchRecord& b);

RILL_RUNTIME std::string outputOpsCell(const BatchRecord& b);

RILL_RUNTIME std::string overview(const StreamingSnapshot& s, std::chrono::steady_clock::time_point now);

RILL_RUNTIME std::string chartRow(const Series& series, std::string_view id, std::string_view title, ValueKind kind,
                                  const std::string& avgText);

RILL_RUNTIME std::string charts(const StreamingSnapshot& s);

RILL_RUNTIME std::string receiversTable(const StreamingSnapshot& s);

/// Every failure of a batch, each naming its output operation; "-" for none.
RILL_RUNTIME std::string failuresHtml(const BatchRecord& b);

RILL_RUNTIME std::string activeTable(const StreamingSnapshot& s);

RILL_RUNTIME std::string pageLinks(std::size_t pages, std::size_t page);

RILL_RUNTIME std::string completedTable(const StreamingSnapshot& s, std::size_t page);

RILL_RUNTIME std::string warningsList(const StreamingSnapshot& s);

}  // namespace detail

/// The Streaming page; `page`: which page of completed batches (1 = the newest).
RILL_RUNTIME std::string streamingPage(const StreamingSnapshot& s, std::chrono::steady_clock::time_point now,
                                       std::size_t page = 1);

#if RILL_PART_RUNTIME_BODIES

namespace detail {

RILL_RUNTIME std::string batchLink(const AppFacts& app, const BatchRecord& b) {
  return "<td><a href=\"/streaming/batch/?id=" + std::to_string(b.id()) + "\">" +
         formatDateTime(b.id(), app.batchTimesNeedMillis()) + "</a></td>";
}

RILL_RUNTIME std::string outputOpsCell(const BatchRecord& b) {
  const OutputOpCounts c = outputOpCounts(b);
  std::string text = std::to_string(c.completed) + "/" + std::to_string(b.numOutputOps);
  if (c.failed) text += " (" + std::to_string(c.failed) + " failed)";
  return cell(text, c.failed ? "num failed" : "num");
}

RILL_RUNTIME std::string overview(const StreamingSnapshot& s, std::chrono::steady_clock::time_point now) {
  const AppFacts& app = *s.app;
  const auto until = s.stoppedAt ? *s.stoppedAt : now;  // a stopped context's uptime stays
  const std::string uptime =
      s.startedAt ? formatDurationVerbose(
                        std::chrono::duration_cast<std::chrono::milliseconds>(until - *s.startedAt).count())
                  : std::string("not started");
  std::string html = "<h1>Streaming Statistics</h1><p class=\"summary\" id=\"summary\">";
  const std::string done = " (" + std::to_string(s.numTotalCompletedBatches) + " completed batches, " +
                           std::to_string(s.numProcessedRecords) + " records)";
  if (s.startedAt && s.stopTime)
    html += "Stopped at " + formatDateTime(s.stopTime->milliseconds(), app.batchTimesNeedMillis()) +
            " after batches of " + formatDurationVerbose(app.batchDuration.count()) + " since " +
            formatDateTime(s.startTime->milliseconds(), app.batchTimesNeedMillis()) + done;
  else if (s.startedAt)
    html += "Running batches of " + formatDurationVerbose(app.batchDuration.count()) + " for " + uptime + " since " +
            formatDateTime(s.startTime->milliseconds(), app.batchTimesNeedMillis()) + done;
  else
    html += "Waiting for the streaming context to start";
  html += "</p><dl class=\"facts\"><dt>Application</dt><dd id=\"fact-app\">" + escapeHtml(app.name) +
          "</dd><dt>Application id</dt><dd id=\"fact-app-id\">" + escapeHtml(app.id) +
          "</dd><dt>Master</dt><dd id=\"fact-master\">" + escapeHtml(app.master) +
          "</dd><dt>Batch interval</dt><dd id=\"fact-interval\">" + formatDurationVerbose(app.batchDuration.count()) +
          "</dd><dt>Uptime</dt><dd id=\"fact-uptime\">" + uptime + "</dd><dt>Failed batches</dt><dd id=\"fact-failed\">" +
          std::to_string(s.numTotalFailedBatches) + "</dd></dl>";
  return html;
}

RILL_RUNTIME std::string chartRow(const Series& series, std::string_view id, std::string_view title, ValueKind kind,
                                  const std::string& avgText) {
  return "<tr><td><div class=\"metric\">" + std::string(title) + "</div><div class=\"avg\" id=\"" + std::string(id) +
         "-avg\">Avg: " + avgText + "</div></td><td>" + timelineSvg(series, id, title, kind) + "</td></tr>";
}

RILL_RUNTIME std::string charts(const StreamingSnapshot& s) {
  const StreamingStatistics st = statisticsOf(s);
  const auto avgMillis = [](const Series& series) {
    const auto a = series.averageMillis();
    return a ? formatDuration(*a) : std::string("-");
  };
  const auto rate = st.inputRate.average();
  return "<table class=\"charts\" id=\"charts\">" +
         chartRow(st.inputRate, "chart-input-rate", "Input Rate", ValueKind::RecordsPerSecond,
                  rate ? formatDecimal(*rate) + " records/sec" : "-") +
         chartRow(st.schedulingDelay, "chart-scheduling-delay", "Scheduling Delay", ValueKind::Millis,
                  avgMillis(st.schedulingDelay)) +
         chartRow(st.processingTime, "chart-processing-time", "Processing Time", ValueKind::Millis,
                  avgMillis(st.processingTime)) +
         chartRow(st.totalDelay, "chart-total-delay", "Total Delay", ValueKind::Millis, avgMillis(st.totalDelay)) +
         "</table>";
}

RILL_RUNTIME std::string receiversTable(const StreamingSnapshot& s) {
  if (s.receivers.empty()) return "";
  std::string html =
      "<h2>Receivers</h2><table id=\"receivers\"><tr><th>Receiver</th><th>Status</th><th>Avg Events/sec</th>"
      "<th>Errors</th><th>Last Error Time</th><th>Last Error</th></tr>";
  for (const auto& r : s.receivers) {
    const auto avg = receiverRates(s, r).average();
    html += "<tr id=\"receiver-" + std::to_string(r.info.streamId) + "\">" + cell(r.info.name) +
            cell(r.info.active ? "ACTIVE" : "INACTIVE", r.info.active ? "status ok" : "status failed") +
            cell(avg ? formatDecimal(*avg) : "-", "num") + cell(std::to_string(r.numErrors), "num") +
            cell(r.info.lastErrorTime ? formatDateTime(r.info.lastErrorTime->milliseconds()) : "-") + "<td>" +
            (r.info.lastErrorMessage.empty() ? "-" : failureHtml(r.info.lastErrorMessage)) + "</td></tr>";
  }
  return html + "</table>";
}

RILL_RUNTIME std::string failuresHtml(const BatchRecord& b) {
  const auto failures = batchFailures(b);
  if (failures.empty()) return "-";
  std::string html;
  for (const auto& f : failures)
    html += failureHtml(f.op ? "Output Op " + std::to_string(f.op->id) + " (" + f.op->name + "): " + f.reason
                             : f.reason);
  return html;
}

RILL_RUNTIME std::string activeTable(const StreamingSnapshot& s) {
  std::string html = "<h2 id=\"active-title\">Active Batches (" + std::to_string(s.active.size()) +
                     ")</h2><table id=\"active-batches\"><tr><th>Batch Time (UTC)</th><th>Records</th>"
                     "<th>Scheduling Delay</th><th>Processing Time</th><th>Output Ops: Succeeded/Total</th>"
                     "<th>Status</th></tr>";
  for (auto it = s.active.rbegin(); it != s.active.rend(); ++it) {
    const BatchRecord& b = *it;
    html += "<tr id=\"batch-" + std::to_string(b.id()) + "\">" + batchLink(*s.app, b) +
            cell(std::to_string(b.info.numRecords), "num records") + delayCell(b.info.schedulingDelay()) +
            delayCell(b.info.processingDelay()) + outputOpsCell(b) +
            cell(b.status == BatchStatus::QUEUED ? "queued" : "processing", "status") + "</tr>";
  }
  return html + "</table>";
}

RILL_RUNTIME std::string pageLinks(std::size_t pages, std::size_t page) {
  if (pages <= 1) return "";
  std::string html = "<p class=\"pages\">Page: ";
  for (std::size_t p = 1; p <= pages; ++p)
    html += p == page ? "<strong>" + std::to_string(p) + "</strong>"
                      : "<a href=\"/streaming/?page=" + std::to_string(p) + "\">" + std::to_string(p) + "</a>";
  return html + "</p>";
}

RILL_RUNTIME std::string completedTable(const StreamingSnapshot& s, std::size_t page) {
  const std::size_t n = s.completed.size();
  const std::size_t pages = std::max<std::size_t>(1, (n + kBatchesPerPage - 1) / kBatchesPerPage);
  page = std::clamp<std::size_t>(page, 1, pages);
  std::string html = "<h2 id=\"completed-title\">Completed Batches (last " + std::to_string(n) + " out of " +
                     std::to_string(s.numTotalCompletedBatches) + ")</h2>" + pageLinks(pages, page) +
                     "<table id=\"completed-batches\"><tr><th>Batch Time (UTC)</th><th>Records</th>"
                     "<th>Scheduling Delay</th><th>Processing Time</th><th>Total Delay</th>"
                     "<th>Output Ops: Succeeded/Total</th><th>Failure Reason</th></tr>";
  // Newest first: page 1 holds the newest kBatchesPerPage.
  const std::size_t skip = (page - 1) * kBatchesPerPage;
  for (std::size_t i = skip; i < std::min(n, skip + kBatchesPerPage); ++i) {
    const BatchRecord& b = *s.completed[n - 1 - i];
    html += "<tr id=\"batch-" + std::to_string(b.id()) + "\">" + batchLink(*s.app, b) +
            cell(std::to_string(b.info.numRecords), "num records") + delayCell(b.info.schedulingDelay()) +
            delayCell(b.info.processingDelay()) + delayCell(b.info.totalDelay()) + outputOpsCell(b) + "<td>" +
            failuresHtml(b) + "</td></tr>";
  }
  return html + "</table>";
}

RILL_RUNTIME std::string warningsList(const StreamingSnapshot& s) {
  if (s.warnings.empty()) return "";
  std::string html = "<h2>Warnings</h2><ul id=\"warnings\">";
  for (auto it = s.warnings.rbegin(); it != s.warnings.rend(); ++it) html += "<li>" + escapeHtml(*it) + "</li>";
  return html + "</ul>";
}

}  // namespace detail

RILL_RUNTIME std::string streamingPage(const StreamingSnapshot& s, std::chrono::steady_clock::time_point now,
                                       std::size_t page) {
  const std::string body = detail::overview(s, now) + detail::charts(s) + detail::receiversTable(s) +
                           detail::activeTable(s) + detail::completedTable(s, page) + detail::warningsList(s);
  return htmlPage(*s.app, "Streaming", body, !s.stopTime);
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
