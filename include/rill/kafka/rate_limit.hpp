#pragma once
// How many offsets each partition's range may span in a batch (Spark's
// maxMessagesPerPartition). Without backpressure: maxRatePerPartition per
// second of batch. With it: the rate the PID estimator set after the last
// batch (spark.streaming.backpressure.initialRate before its first estimate),
// shared among the partitions in proportion to how far each lags behind its
// log's end, each share capped by maxRatePerPartition. Either way at least
// minRatePerPartition, so no partition stalls.
#include <rill/core/runtime.hpp>
#include <rill/kafka/stream_settings.hpp>
#include <rill/stream/clock.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/rate_controller.hpp>
#include <rill/stream/rate_limiter.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/time.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace rill::kafka::detail {

/// The backpressure's rate for a direct stream: Spark's rate controller (a
/// listener updating the PID estimate after every completed batch), whose
/// limiter here only holds the estimate: no receiver takes permits from it.
class BackpressureRate final : public StreamingListener {
 public:
  /// The rate of input stream `streamId`, from the records it had in each batch.
  BackpressureRate(Clock& clock, int streamId, Duration batch, const BackpressureSettings& s)
      : limiter_(clock, 0.0), controller_(streamId, batch, s, limiter_), initialRate_(s.initialRate) {}

  void onBatchCompleted(const BatchInfo& b) override { controller_.onBatchCompleted(b); }

  /// Records per second over all partitions: the last estimate, else the
  /// initial rate; nullopt when there is neither yet.
  std::optional<double> rate() const;

 private:
  RateLimiter limiter_;
  rill::detail::RateController controller_;
  std::int64_t initialRate_;
};

/// The most offsets each partition may span, given how far each lags
/// (`lags`) and the backpressure's rate (records/s over all partitions;
/// nullopt without one); nullopt: no limit.
RILL_RUNTIME std::optional<std::vector<std::int64_t>> maxOffsetsPerPartition(const StreamSettings& s, Duration batch,
                                                                             const std::vector<std::int64_t>& lags,
                                                                             std::optional<double> rate);

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME std::optional<double> BackpressureRate::rate() const {
  const std::int64_t latest = controller_.latestRate();
  if (latest > 0) return static_cast<double>(latest);
  if (initialRate_ > 0) return static_cast<double>(initialRate_);
  return std::nullopt;
}

RILL_RUNTIME std::optional<std::vector<std::int64_t>> maxOffsetsPerPartition(const StreamSettings& s, Duration batch,
                                                                             const std::vector<std::int64_t>& lags,
                                                                             std::optional<double> rate) {
  std::vector<double> perSecond(lags.size(), static_cast<double>(s.maxRatePerPartition));
  if (rate && *rate > 0) {
    double totalLag = 0;
    for (const auto lag : lags) totalLag += static_cast<double>(std::max<std::int64_t>(lag, 0));
    for (std::size_t i = 0; i < lags.size(); ++i) {
      const double share =
          totalLag > 0 ? static_cast<double>(std::max<std::int64_t>(lags[i], 0)) / totalLag * *rate : 0;
      perSecond[i] = s.maxRatePerPartition > 0 ? std::min(share, perSecond[i]) : share;
    }
  } else if (s.maxRatePerPartition == 0) {
    return std::nullopt;
  }
  std::vector<std::int64_t> out;
  const double seconds = static_cast<double>(batch.count()) / 1000.0;
  // Saturated: a double past the largest offset count does not convert (it came out as the smallest).
  constexpr auto most = std::numeric_limits<std::int64_t>::max();
  for (const double r : perSecond) {
    const double n = seconds * r;
    const std::int64_t offsets = n >= static_cast<double>(most) ? most : static_cast<std::int64_t>(n);
    out.push_back(std::max(offsets, s.minRatePerPartition));
  }
  return out;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka::detail
