#pragma once
// The numbers the page, the REST API and the Prometheus text share: the four
// time series over the retained batches and their averages, computed in one
// place so the three always agree (averages as Spark's: plain means, delays
// rounded down to whole milliseconds).
#include <rill/ui/snapshot.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace rill::ui {

/// (batch time in ms, value) points, oldest first, and their mean.
struct Series {
  std::vector<std::pair<std::int64_t, double>> points;
  std::optional<double> average() const {
    if (points.empty()) return std::nullopt;
    double sum = 0;
    for (const auto& p : points) sum += p.second;
    return sum / static_cast<double>(points.size());
  }
  /// The mean rounded down to a whole number (Spark's Long averages of delays).
  std::optional<std::int64_t> averageMillis() const {
    std::int64_t sum = 0;
    for (const auto& p : points) sum += static_cast<std::int64_t>(p.second);
    if (points.empty()) return std::nullopt;
    return sum / static_cast<std::int64_t>(points.size());
  }
};

/// A batch's input rate in records per second of batch interval.
inline double inputRate(const BatchRecord& b, Duration batchDuration) {
  return static_cast<double>(b.info.numRecords) * 1000.0 / static_cast<double>(batchDuration.count());
}

/// Input rate (records/s) of every retained batch.
inline Series inputRateSeries(const StreamingSnapshot& s) {
  Series out;
  for (const BatchRecord* b : s.retainedBatches()) out.points.emplace_back(b->id(), inputRate(*b, s.app->batchDuration));
  return out;
}

/// One of BatchInfo's delays (e.g. &BatchInfo::schedulingDelay) for every retained batch that has it.
inline Series delaySeries(const StreamingSnapshot& s, std::optional<Duration> (BatchInfo::*delay)() const) {
  Series out;
  for (const BatchRecord* b : s.retainedBatches())
    if (const auto d = (b->info.*delay)()) out.points.emplace_back(b->id(), static_cast<double>(d->count()));
  return out;
}

/// A batch's output operations by state. BatchInfo keeps the first failure
/// only, so a failed batch counts one failed operation and the rest completed.
struct OutputOpCounts {
  std::size_t active = 0, completed = 0, failed = 0;
};
inline OutputOpCounts outputOpCounts(const BatchRecord& b) {
  OutputOpCounts c;
  if (b.status == BatchStatus::PROCESSING) c.active = b.numOutputOps;
  if (b.status == BatchStatus::COMPLETED) {
    c.failed = b.failed() ? std::min<std::size_t>(1, b.numOutputOps) : 0;
    c.completed = b.numOutputOps - c.failed;
  }
  return c;
}

struct StreamingStatistics {
  Series inputRate, schedulingDelay, processingTime, totalDelay;
  int numReceivers = 0, numActiveReceivers = 0, numInactiveReceivers = 0;
};

inline StreamingStatistics statisticsOf(const StreamingSnapshot& s) {
  StreamingStatistics st;
  st.inputRate = inputRateSeries(s);
  st.schedulingDelay = delaySeries(s, &BatchInfo::schedulingDelay);
  st.processingTime = delaySeries(s, &BatchInfo::processingDelay);
  st.totalDelay = delaySeries(s, &BatchInfo::totalDelay);
  for (const auto& r : s.receivers) ++(r.info.active ? st.numActiveReceivers : st.numInactiveReceivers);
  st.numReceivers = static_cast<int>(s.receivers.size());
  return st;
}

/// A receiver's event rates per batch. BatchInfo counts records over all input
/// streams, so they are known per receiver only when it is the only input.
inline std::optional<Series> receiverRates(const StreamingSnapshot& s, const ReceiverRecord&) {
  if (s.numInputStreams != 1) return std::nullopt;
  return inputRateSeries(s);
}

}  // namespace rill::ui
