#pragma once
// The numbers the page, the REST API and the Prometheus text share: the four
// time series over the retained batches and their averages, computed in one
// place so the three always agree (averages as Spark's: plain means, delays
// rounded down to whole milliseconds).
#include <rill/core/runtime.hpp>
#include <rill/ui/snapshot.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rill::ui {

/// (batch time in ms, value) points, oldest first, and their mean.
struct Series {
  std::vector<std::pair<std::int64_t, double>> points;
  std::optional<double> average() const;
  /// The mean rounded down to a whole number (Spark's Long averages of delays).
  std::optional<std::int64_t> averageMillis() const;
};

/// Records of one batch as a rate: records per second of batch interval.
inline double recordsPerSecond(std::int64_t records, Duration batchDuration) {
  return static_cast<double>(records) * 1000.0 / static_cast<double>(batchDuration.count());
}

/// Input rate (records/s) of every retained batch.
RILL_RUNTIME Series inputRateSeries(const StreamingSnapshot& s);

/// One of BatchInfo's delays (e.g. &BatchInfo::schedulingDelay) for every retained batch that has it.
RILL_RUNTIME Series delaySeries(const StreamingSnapshot& s, std::optional<Duration> (BatchInfo::*delay)() const);

/// A batch's output operations by state, as Spark counts them: failed, ended
/// without a failure, and (while the batch runs) not ended yet.
struct OutputOpCounts {
  std::size_t active = 0, completed = 0, failed = 0;
};
RILL_RUNTIME OutputOpCounts outputOpCounts(const BatchRecord& b);

/// One failure of a batch: an output operation's, or (no operation) the batch's
/// own when it failed before or after its jobs.
struct BatchFailure {
  const OutputOperationInfo* op = nullptr;
  std::string reason;
};
/// Every failure of a batch, in output operation order.
RILL_RUNTIME std::vector<BatchFailure> batchFailures(const BatchRecord& b);

struct StreamingStatistics {
  Series inputRate, schedulingDelay, processingTime, totalDelay;
  int numReceivers = 0, numActiveReceivers = 0, numInactiveReceivers = 0;
};

RILL_RUNTIME StreamingStatistics statisticsOf(const StreamingSnapshot& s);

/// A receiver's event rate (records/s) in every retained batch: its stream's
/// records in the batch (none counted: 0), as Spark's receivedRecordRateWithBatchTime.
RILL_RUNTIME Series receiverRates(const StreamingSnapshot& s, const ReceiverRecord& r);

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME std::optional<double> Series::average() const {
  if (points.empty()) return std::nullopt;
  double sum = 0;
  for (const auto& p : points) sum += p.second;
  return sum / static_cast<double>(points.size());
}

RILL_RUNTIME std::optional<std::int64_t> Series::averageMillis() const {
  std::int64_t sum = 0;
  for (const auto& p : points) sum += static_cast<std::int64_t>(p.second);
  if (points.empty()) return std::nullopt;
  return sum / static_cast<std::int64_t>(points.size());
}

RILL_RUNTIME Series inputRateSeries(const StreamingSnapshot& s) {
  Series out;
  for (const BatchRecord* b : s.retainedBatches())
    out.points.emplace_back(b->id(), recordsPerSecond(b->info.numRecords, s.app->batchDuration));
  return out;
}

RILL_RUNTIME Series delaySeries(const StreamingSnapshot& s, std::optional<Duration> (BatchInfo::*delay)() const) {
  Series out;
  for (const BatchRecord* b : s.retainedBatches())
    if (const auto d = (b->info.*delay)()) out.points.emplace_back(b->id(), static_cast<double>(d->count()));
  return out;
}

RILL_RUNTIME OutputOpCounts outputOpCounts(const BatchRecord& b) {
  OutputOpCounts c;
  for (const auto& op : b.outputOps) {
    if (op.failureReason) ++c.failed;
    else if (op.endTime) ++c.completed;
  }
  if (b.status != BatchStatus::COMPLETED) c.active = b.numOutputOps - std::min(b.numOutputOps, c.completed + c.failed);
  return c;
}

RILL_RUNTIME std::vector<BatchFailure> batchFailures(const BatchRecord& b) {
  std::vector<BatchFailure> out;
  for (const auto& op : b.outputOps)
    if (op.failureReason) out.push_back({&op, *op.failureReason});
  if (out.empty() && b.failed()) out.push_back({nullptr, *b.info.failureReason});
  return out;
}

RILL_RUNTIME StreamingStatistics statisticsOf(const StreamingSnapshot& s) {
  StreamingStatistics st;
  st.inputRate = inputRateSeries(s);
  st.schedulingDelay = delaySeries(s, &BatchInfo::schedulingDelay);
  st.processingTime = delaySeries(s, &BatchInfo::processingDelay);
  st.totalDelay = delaySeries(s, &BatchInfo::totalDelay);
  for (const auto& r : s.receivers) ++(r.info.active ? st.numActiveReceivers : st.numInactiveReceivers);
  st.numReceivers = static_cast<int>(s.receivers.size());
  return st;
}

RILL_RUNTIME Series receiverRates(const StreamingSnapshot& s, const ReceiverRecord& r) {
  Series out;
  for (const BatchRecord* b : s.retainedBatches()) {
    const auto it = b->info.streamIdToInputInfo.find(r.info.streamId);
    const std::int64_t records = it == b->info.streamIdToInputInfo.end() ? 0 : it->second.numRecords;
    out.points.emplace_back(b->id(), recordsPerSecond(records, s.app->batchDuration));
  }
  return out;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
