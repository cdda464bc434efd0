#pragma once
// Every streaming component reads time from a Clock. The system clock runs by
// itself; a ManualClock moves only when a test calls advance(), which returns
// once every batch that became due has completed — so tests never sleep.
#include <rill/core/runtime.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace rill {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t getTimeMillis() const = 0;
  /// Blocks until the clock reads at least `target` or stopRequested() is true
  /// (checked whenever wake() is called). Returns the time it woke at.
  virtual std::int64_t waitTillTime(std::int64_t target, const std::function<bool()>& stopRequested) = 0;
  /// Wakes waiters so they re-check their stop condition.
  virtual void wake() = 0;

  /// A scheduler that runs batches off this clock; `idleAt(now)` says it has
  /// completed every batch due at or before `now` (or has stopped).
  class Observer {
   public:
    virtual bool idleAt(std::int64_t now) const = 0;

   protected:
    ~Observer() = default;
  };
  virtual void addObserver(const Observer*) {}
  virtual void removeObserver(const Observer*) {}
  /// Called by an observer when its progress changed.
  virtual void notifyProgress() {}
};

class SystemClock final : public Clock {
 public:
  RILL_RUNTIME std::int64_t getTimeMillis() const override;
  RILL_RUNTIME std::int64_t waitTillTime(std::int64_t target, const std::function<bool()>& stopRequested) override;
  RILL_RUNTIME void wake() override;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t startMillis = 0) : now_(startMillis) {}

  std::int64_t getTimeMillis() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  RILL_RUNTIME std::int64_t waitTillTime(std::int64_t target, const std::function<bool()>& stopRequested) override;
  RILL_RUNTIME void wake() override;

  /// Moves time forward and returns once every observing scheduler has run
  /// all the batches that are now due. Do not call it from inside a batch.
  template <class Rep, class Period>
  void advance(std::chrono::duration<Rep, Period> d) {
    setTime(getTimeMillis() + std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  }
  void setTime(std::int64_t millis);
  /// Moves time forward and returns at once, without waiting for batches: what a
  /// job calls from inside a batch to stand for the time it takes to run (later
  /// batches then start late, as on a real clock). advance() waits for the batch
  /// that called it, so it cannot be used there.
  template <class Rep, class Period>
  void spend(std::chrono::duration<Rep, Period> d) {
    std::lock_guard lock(mutex_);
    now_ += std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    cv_.notify_all();
  }

  RILL_RUNTIME void addObserver(const Observer* o) override;
  RILL_RUNTIME void removeObserver(const Observer* o) override;
  RILL_RUNTIME void notifyProgress() override;

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::int64_t now_;
  std::vector<const Observer*> observers_;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::int64_t SystemClock::getTimeMillis() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RILL_RUNTIME std::int64_t SystemClock::waitTillTime(std::int64_t target, const std::function<bool()>& stopRequested) {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(target));
  while (!stopRequested() && getTimeMillis() < target) cv_.wait_until(lock, deadline);
  return getTimeMillis();
}

RILL_RUNTIME void SystemClock::wake() {
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

RILL_RUNTIME std::int64_t ManualClock::waitTillTime(std::int64_t target, const std::function<bool()>& stopRequested) {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return now_ >= target || stopRequested(); });
  return now_;
}

RILL_RUNTIME void ManualClock::wake() {
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

RILL_RUNTIME void ManualClock::setTime(std::int64_t millis) {
  std::unique_lock lock(mutex_);
  now_ = millis;
  cv_.notify_all();
  cv_.wait(lock, [&] {
    return std::all_of(observers_.begin(), observers_.end(), [&](const Observer* o) { return o->idleAt(now_); });
  });
}

RILL_RUNTIME void ManualClock::addObserver(const Observer* o) {
  std::lock_guard lock(mutex_);
  observers_.push_back(o);
}

RILL_RUNTIME void ManualClock::removeObserver(const Observer* o) {
  std::lock_guard lock(mutex_);
  observers_.erase(std::remove(observers_.begin(), observers_.end(), o), observers_.end());
  cv_.notify_all();
}

RILL_RUNTIME void ManualClock::notifyProgress() {
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
