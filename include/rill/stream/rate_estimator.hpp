#pragma once
// Spark's PID rate estimator (backpressure): after each batch, the rate a
// receiver should ingest at, from how fast that batch was processed.
//
// The error is the rate set for the batch minus the rate it was processed at;
// the scheduling delay stands for the records earlier batches left behind
// (delay x processing rate of them, to be worked off over one batch interval),
// and the change of the error since the last batch predicts where it goes:
//   newRate = max(minRate, rate - proportional*error - integral*behind - derived*dError/dt).
// The first usable batch only measures (its processing rate becomes the rate);
// batches that processed nothing, took no time or are not newer than the
// last one give no estimate.
#include <rill/core/runtime.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/time.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>

namespace rill::detail {

class PIDRateEstimator {
 public:
  /// `s` as ReceiverSettings::fromConf checked it (weights >= 0, minRate > 0).
  PIDRateEstimator(Duration batchInterval, const BackpressureSettings& s);

  /// A batch that completed at `endMillis`, having processed `records` in
  /// `processingMillis` after waiting `schedulingMillis`: the new rate in
  /// records per second, if this batch gives one.
  std::optional<double> compute(std::int64_t endMillis, std::int64_t records, std::int64_t processingMillis,
                                std::int64_t schedulingMillis);

 private:
  double intervalMillis_;
  BackpressureSettings s_;
  std::int64_t lastMillis_ = -1;
  std::optional<double> rate_;  // what the last estimate set (or measured, at first)
  double error_ = 0;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME PIDRateEstimator::PIDRateEstimator(Duration batchInterval, const BackpressureSettings& s)
    : intervalMillis_(static_cast<double>(batchInterval.count())), s_(s) {
  if (batchInterval.count() <= 0) throw std::invalid_argument("rill: a rate estimator needs a positive batch interval");
}

RILL_RUNTIME std::optional<double> PIDRateEstimator::compute(std::int64_t endMillis, std::int64_t records,
                                                             std::int64_t processingMillis,
                                                             std::int64_t schedulingMillis) {
  if (endMillis <= lastMillis_ || records <= 0 || processingMillis <= 0) return std::nullopt;
  const double processedRate = static_cast<double>(records) * 1000.0 / static_cast<double>(processingMillis);
  const double sinceLast = static_cast<double>(endMillis - lastMillis_) / 1000.0;
  lastMillis_ = endMillis;
  if (!rate_) {  // nothing to compare with yet
    rate_ = processedRate;
    error_ = 0;
    return std::nullopt;
  }
  const double error = *rate_ - processedRate;
  const double behind = static_cast<double>(schedulingMillis) * processedRate / intervalMillis_;
  const double errorChange = (error - error_) / sinceLast;
  const double next =
      std::max(s_.minRate, *rate_ - s_.proportional * error - s_.integral * behind - s_.derived * errorChange);
  rate_ = next;
  error_ = error;
  return next;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
