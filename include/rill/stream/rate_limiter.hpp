#pragma once
// A receiver's rate limit (spark.streaming.receiver.maxRate). Spark's receivers
// use Guava's "smooth bursty" RateLimiter: permits are spaced 1/rate apart, and
// permits not used while the source was idle are saved, up to one second's
// worth, for a later burst. This is the same algorithm, but it reads time from
// the streaming Clock, so on a ManualClock a test decides exactly which
// records get through before each batch.
#include <rill/stream/clock.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>

namespace rill {

class RateLimiter {
 public:
  /// ratePerSecond == 0 means unlimited (acquire never waits).
  RateLimiter(Clock& clock, double ratePerSecond) : clock_(&clock), rate_(ratePerSecond) {
    if (!(ratePerSecond >= 0) || !std::isfinite(ratePerSecond))
      throw std::invalid_argument("rill: a receiver's maximum rate must be >= 0 records per second, got " +
                                  std::to_string(ratePerSecond));
    if (limited()) {
      intervalMicros_ = 1e6 / rate_;
      maxStored_ = rate_;  // one second's worth, as Guava's default burst
      nextFreeMicros_ = nowMicros();
    }
  }

  bool limited() const { return rate_ > 0; }
  double rate() const { return rate_; }

  /// Waits until one more record may pass. Returns early (false) once
  /// stopRequested() is true, checked whenever the clock is woken.
  bool acquire(const std::function<bool()>& stopRequested) {
    if (!limited()) return true;
    const double moment = reserve();
    const auto target = static_cast<std::int64_t>(std::ceil(moment / 1000.0));
    if (clock_->getTimeMillis() >= target) return true;
    return clock_->waitTillTime(target, stopRequested) >= target;
  }

 private:
  double nowMicros() const { return static_cast<double>(clock_->getTimeMillis()) * 1000.0; }

  // Guava's reserveEarliestAvailable(1): the caller may go at the returned
  // moment; what it takes beyond the saved permits pushes the next caller back.
  double reserve() {
    std::lock_guard lock(mutex_);
    const double now = nowMicros();
    if (now > nextFreeMicros_) {
      stored_ = std::min(maxStored_, stored_ + (now - nextFreeMicros_) / intervalMicros_);
      nextFreeMicros_ = now;
    }
    const double moment = nextFreeMicros_;
    const double fromStore = std::min(1.0, stored_);
    nextFreeMicros_ += (1.0 - fromStore) * intervalMicros_;
    stored_ -= fromStore;
    return moment;
  }

  Clock* clock_;
  double rate_;
  double intervalMicros_ = 0;
  double maxStored_ = 0;
  std::mutex mutex_;
  double stored_ = 0;          // guarded by mutex_
  double nextFreeMicros_ = 0;  // guarded by mutex_
};

}  // namespace rill
