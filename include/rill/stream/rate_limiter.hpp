#pragma once
// A receiver's rate limit (spark.streaming.receiver.maxRate). Spark's receivers
// use Guava's "smooth bursty" RateLimiter: permits are spaced 1/rate apart, and
// permits not used while the source was idle are saved, up to one second's
// worth, for a later burst. This is the same algorithm, but it reads time from
// the streaming Clock, so on a ManualClock a test decides exactly which
// records get through before each batch.
//
// With backpressure the rate changes while the receiver runs (updateRate, from
// the receiver's RateController), never above maxRate; it starts at
// spark.streaming.backpressure.initialRate when that is set.
#include <rill/core/runtime.hpp>
#include <rill/stream/clock.hpp>
#include <rill/stream/receiver_settings.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>

namespace rill {

class RateLimiter {
 public:
  /// A fixed limit: ratePerSecond == 0 means unlimited (acquire never waits).
  RateLimiter(Clock& clock, double ratePerSecond) : RateLimiter(clock, ratePerSecond, ratePerSecond) {}
  /// A receiver's limit: maxRate, or the backpressure's initial rate when that is lower.
  RateLimiter(Clock& clock, const ReceiverSettings& s)
      : RateLimiter(clock, static_cast<double>(s.maxRate), initialRate(s)) {}
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool limited() const { return rate() > 0; }
  /// Records per second now, 0 = unlimited.
  double rate() const { return rate_.load(); }

  /// Sets the rate to newRate records per second, or to maxRate if that is
  /// lower; a rate <= 0 is ignored (Spark's updateRate). Permits saved while
  /// idle keep their share of the one-second burst.
  void updateRate(double newRate);

  /// Waits until one more record may pass. Returns early (false) once
  /// stopRequested() is true, checked whenever the clock is woken.
  bool acquire(const std::function<bool()>& stopRequested) {
    if (!limited()) return true;
    const double moment = reserve();
    const auto target = static_cast<std::int64_t>(std::ceil(moment / 1000.0));
    if (clock_->getTimeMillis() >= target) return true;
    return clock_->waitTillTime(target, stopRequested) >= target;
  }

  /// Takes a permit if one is free now; never waits (Guava's tryAcquire()).
  bool tryAcquire() {
    if (!limited()) return true;
    std::lock_guard lock(mutex_);
    const double now = nowMicros();
    resync(now);
    if (nextFreeMicros_ > now) return false;
    take();
    return true;
  }

 private:
  RateLimiter(Clock& clock, double maxRate, double initial);
  static double initialRate(const ReceiverSettings& s);

  double nowMicros() const { return static_cast<double>(clock_->getTimeMillis()) * 1000.0; }

  void setRateLocked(double rate) {
    intervalMicros_ = 1e6 / rate;
    maxStored_ = rate;  // one second's worth, as Guava's default burst
    rate_ = rate;
  }

  // Guava's resync: permits the source did not use while idle are saved.
  void resync(double now) {
    if (now <= nextFreeMicros_) return;
    stored_ = std::min(maxStored_, stored_ + (now - nextFreeMicros_) / intervalMicros_);
    nextFreeMicros_ = now;
  }

  // What the next permit takes beyond the saved ones pushes the caller after it back.
  void take() {
    const double fromStore = std::min(1.0, stored_);
    nextFreeMicros_ += (1.0 - fromStore) * intervalMicros_;
    stored_ -= fromStore;
  }

  // Guava's reserveEarliestAvailable(1): the caller may go at the returned moment.
  double reserve() {
    std::lock_guard lock(mutex_);
    resync(nowMicros());
    const double moment = nextFreeMicros_;
    take();
    return moment;
  }

  Clock* clock_;
  const double maxRate_;  // 0 = no upper limit
  std::atomic<double> rate_{0};
  std::mutex mutex_;
  double intervalMicros_ = 0;  // guarded by mutex_
  double maxStored_ = 0;       // guarded by mutex_
  double stored_ = 0;          // guarded by mutex_
  double nextFreeMicros_ = 0;  // guarded by mutex_
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void RateLimiter::updateRate(double newRate) {
  if (!(newRate > 0) || !std::isfinite(newRate)) return;
  const double applied = maxRate_ > 0 ? std::min(newRate, maxRate_) : newRate;
  std::lock_guard lock(mutex_);
  const double now = nowMicros();
  const double oldMaxStored = maxStored_;
  if (limited()) {
    resync(now);
    stored_ *= applied / oldMaxStored;
  } else {  // from unlimited: no saved permits, the next one is due now
    stored_ = 0;
    nextFreeMicros_ = now;
  }
  setRateLocked(applied);
}

RILL_RUNTIME RateLimiter::RateLimiter(Clock& clock, double maxRate, double initial)
    : clock_(&clock), maxRate_(maxRate) {
  if (!(maxRate >= 0) || !std::isfinite(maxRate))
    throw std::invalid_argument("rill: a receiver's maximum rate must be >= 0 records per second, got " +
                                std::to_string(maxRate));
  if (initial > 0) {
    setRateLocked(initial);
    nextFreeMicros_ = nowMicros();
  }
}

RILL_RUNTIME double RateLimiter::initialRate(const ReceiverSettings& s) {
  const auto max = static_cast<double>(s.maxRate);
  if (!s.backpressure.enabled || s.backpressure.initialRate <= 0) return max;
  const auto initial = static_cast<double>(s.backpressure.initialRate);
  return max > 0 ? std::min(initial, max) : initial;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
