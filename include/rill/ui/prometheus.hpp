#pragma once
// The streaming metrics in Prometheus' text format (served at Spark's path,
// /metrics/prometheus): records received and processed, batch counts, the
// last completed batch's delays and the averages over the retained batches,
// receivers and their errors, the keys each state stream holds. Names are rill's own (rill_streaming_*), with
// the application in an info metric's labels.
#include <rill/core/runtime.hpp>
#include <rill/ui/escape.hpp>
#include <rill/ui/format.hpp>
#include <rill/ui/snapshot.hpp>
#include <rill/ui/statistics.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rill::ui {

namespace detail {

class PrometheusText {
 public:
  /// A metric's HELP and TYPE lines.
  PrometheusText& family(std::string_view name, std::string_view type, std::string_view help);
  /// One sample; `labels` already escaped, without braces.
  PrometheusText& sample(std::string_view name, const std::string& value, std::string_view labels = {});
  PrometheusText& metric(std::string_view name, std::string_view type, std::string_view help, std::int64_t value) {
    return family(name, type, help).sample(name, std::to_string(value));
  }
  /// A gauge that is left out while it has no value (no batch completed yet).
  PrometheusText& gauge(std::string_view name, std::string_view help, std::optional<double> value);
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

inline std::string label(std::string_view key, std::string_view value) {
  return std::string(key) + "=\"" + escapePrometheusLabel(value) + "\"";
}

inline std::optional<double> asDouble(std::optional<std::int64_t> v) {
  return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}
inline std::optional<double> asDouble(std::optional<Duration> d) {
  return d ? std::optional<double>(static_cast<double>(d->count())) : std::nullopt;
}

}  // namespace detail

RILL_RUNTIME std::string prometheusText(const StreamingSnapshot& s);

#if RILL_PART_RUNTIME_BODIES

namespace detail {

RILL_RUNTIME PrometheusText& PrometheusText::family(std::string_view name, std::string_view type,
                                                    std::string_view help) {
  out_ += "# HELP rill_streaming_";
  out_.append(name).append(" ").append(help).append("\n# TYPE rill_streaming_");
  out_.append(name).append(" ").append(type).append("\n");
  return *this;
}

RILL_RUNTIME PrometheusText& PrometheusText::sample(std::string_view name, const std::string& value,
                                                    std::string_view labels) {
  out_.append("rill_streaming_").append(name);
  if (!labels.empty()) out_.append("{").append(labels).append("}");
  out_.append(" ").append(value).append("\n");
  return *this;
}

RILL_RUNTIME PrometheusText& PrometheusText::gauge(std::string_view name, std::string_view help,
                                                   std::optional<double> value) {
  if (!value) return *this;
  return family(name, "gauge", help).sample(name, formatShortest(*value));
}

}  // namespace detail

RILL_RUNTIME std::string prometheusText(const StreamingSnapshot& s) {
  const StreamingStatistics st = statisticsOf(s);
  const BatchRecord* last = s.completed.empty() ? nullptr : s.completed.back().get();
  detail::PrometheusText p;
  p.family("info", "gauge", "The application (labels); always 1.")
      .sample("info", "1",
              detail::label("app_id", s.app->id) + "," + detail::label("app_name", s.app->name) + "," +
                  detail::label("master", s.app->master));
  p.metric("batch_duration_ms", "gauge", "The batch interval.", s.app->batchDuration.count())
      .metric("received_records_total", "counter", "Records in the batches cut so far.", s.numReceivedRecords)
      .metric("processed_records_total", "counter", "Records in the batches completed so far.", s.numProcessedRecords)
      .metric("completed_batches_total", "counter", "Batches completed, failed ones included.",
              s.numTotalCompletedBatches)
      .metric("failed_batches_total", "counter", "Batches in which an output operation threw.", s.numTotalFailedBatches)
      .metric("active_batches", "gauge", "Batches queued or processing.", static_cast<std::int64_t>(s.active.size()))
      .metric("retained_completed_batches", "gauge", "Completed batches the UI keeps.",
              static_cast<std::int64_t>(s.completed.size()));
  p.gauge("last_batch_records", "Records in the last completed batch.",
          last ? std::optional<double>(static_cast<double>(last->info.numRecords)) : std::nullopt)
      .gauge("last_batch_scheduling_delay_ms", "Scheduling delay of the last completed batch.",
             last ? detail::asDouble(last->info.schedulingDelay()) : std::nullopt)
      .gauge("last_batch_processing_time_ms", "Processing time of the last completed batch.",
             last ? detail::asDouble(last->info.processingDelay()) : std::nullopt)
      .gauge("last_batch_total_delay_ms", "Total delay of the last completed batch.",
             last ? detail::asDouble(last->info.totalDelay()) : std::nullopt)
      .gauge("avg_input_rate", "Mean input rate over the retained batches, records/s.", st.inputRate.average())
      .gauge("avg_scheduling_delay_ms", "Mean scheduling delay over the retained batches.",
             detail::asDouble(st.schedulingDelay.averageMillis()))
      .gauge("avg_processing_time_ms", "Mean processing time over the retained batches.",
             detail::asDouble(st.processingTime.averageMillis()))
      .gauge("avg_total_delay_ms", "Mean total delay over the retained batches.",
             detail::asDouble(st.totalDelay.averageMillis()));
  p.metric("receivers", "gauge", "Receivers started so far.", st.numReceivers)
      .metric("active_receivers", "gauge", "Receivers running now.", st.numActiveReceivers);
  if (!s.receivers.empty()) {
    p.family("receiver_errors_total", "counter", "Errors a receiver reported (restarts included).");
    for (const auto& r : s.receivers)
      p.sample("receiver_errors_total", std::to_string(r.numErrors),
               detail::label("stream_id", std::to_string(r.info.streamId)) + "," +
                   detail::label("receiver", r.info.name));
  }
  if (last && !last->info.stateKeys.empty()) {
    p.family("state_keys", "gauge",
             "Keys each state stream (updateStateByKey, mapWithState; by definition order) held after the last "
             "completed batch.");
    for (const auto& [stream, keys] : last->info.stateKeys)
      p.sample("state_keys", std::to_string(keys), detail::label("stream", std::to_string(stream)));
  }
  return p.str();
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
