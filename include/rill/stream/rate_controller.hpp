#pragma once
// Backpressure (spark.streaming.backpressure.enabled), as Spark's
// ReceiverRateController: a listener that, after every completed batch, asks
// the PID rate estimator what the receiver should ingest at and sets that on
// the receiver's RateLimiter (never above spark.streaming.receiver.maxRate).
// When processing slows, the rate drops until a batch's records take about
// one batch interval, so the scheduling delay stops growing.
//
// The estimate runs on the listener bus, at once: Spark computes it on another
// thread, but it is a few arithmetic operations, and at once a test on a
// ManualClock knows the rate of every batch. It reads the records of its own
// stream (BatchInfo.streamIdToInputInfo), as Spark's: a batch's other inputs
// do not count, and a batch without an entry for the stream gives no estimate.
#include <rill/core/runtime.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/rate_estimator.hpp>
#include <rill/stream/rate_limiter.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/time.hpp>

#include <atomic>
#include <cstdint>
#include <memory>

namespace rill::detail {

class RateController final : public StreamingListener {
 public:
  /// Adapts `limiter`, the one of input stream `streamId`, which must outlive
  /// the listener bus this is added to.
  RateController(int streamId, Duration batchInterval, const BackpressureSettings& s, RateLimiter& limiter)
      : streamId_(streamId), estimator_(batchInterval, s), limiter_(&limiter) {}

  RILL_RUNTIME void onBatchCompleted(const BatchInfo& b) override;

  /// The last rate set, in records per second; -1 before the first estimate.
  std::int64_t latestRate() const { return latest_.load(); }

 private:
  int streamId_;
  PIDRateEstimator estimator_;  // used on the listener bus only, one event at a time
  RateLimiter* limiter_;
  std::atomic<std::int64_t> latest_{-1};
};

/// With backpressure enabled in `s`, a RateController adapting `limiter` (input
/// stream `streamId`'s), added to `bus`; otherwise nothing.
RILL_RUNTIME std::shared_ptr<RateController> attachRateController(ListenerBus& bus, int streamId,
                                                                  Duration batchInterval, const ReceiverSettings& s,
                                                                  RateLimiter& limiter);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void RateController::onBatchCompleted(const BatchInfo& b) {
  const auto processing = b.processingDelay();
  const auto scheduling = b.schedulingDelay();
  const auto input = b.streamIdToInputInfo.find(streamId_);
  if (!processing || !scheduling || input == b.streamIdToInputInfo.end()) return;
  const auto rate = estimator_.compute(b.processingEndTime->milliseconds(), input->second.numRecords,
                                       processing->count(), scheduling->count());
  if (!rate) return;
  latest_ = static_cast<std::int64_t>(*rate);  // whole records per second, as Spark publishes it
  limiter_->updateRate(static_cast<double>(latest_.load()));
}

RILL_RUNTIME std::shared_ptr<RateController> attachRateController(ListenerBus& bus, int streamId,
                                                                  Duration batchInterval, const ReceiverSettings& s,
                                                                  RateLimiter& limiter) {
  if (!s.backpressure.enabled) return nullptr;
  auto controller = std::make_shared<RateController>(streamId, batchInterval, s.backpressure, limiter);
  bus.add(controller);
  return controller;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
