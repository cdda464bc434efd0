#pragma once
// Threads and locks: std::thread, std::mutex, std::lock_guard, std::unique_lock,
// and rill::ConditionVariable. Since C++20 libstdc++'s <thread> and
// <condition_variable> also bring std::jthread's <stop_token> with <semaphore>
// and the atomic wait machinery, which every program including rill would
// parse (README, "Compile cost"). libstdc++ keeps std::thread and the mutexes in
// internal headers of their own; its std::condition_variable has none, so rill
// has its own: the same POSIX condition variable libstdc++ wraps. Other standard
// libraries get <thread> and <mutex>.
#include <rill/core/chrono.hpp>

#include <version>  // defines __GLIBCXX__ for libstdc++

#if defined(__GLIBCXX__) && __has_include(<bits/std_thread.h>)
#include <bits/std_mutex.h>
#include <bits/std_thread.h>
#include <bits/unique_lock.h>
#else
#include <mutex>
#include <thread>
#endif

#include <pthread.h>
#include <time.h>

#include <cstdint>
#include <utility>

namespace rill {

/// std::condition_variable's interface (the waits rill uses) over a POSIX
/// condition variable that times its waits on the monotonic clock, as
/// std::condition_variable does for std::chrono::steady_clock.
class ConditionVariable {
 public:
  ConditionVariable() noexcept {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&cond_, &attr);
    pthread_condattr_destroy(&attr);
  }
  ConditionVariable(const ConditionVariable&) = delete;
  ConditionVariable& operator=(const ConditionVariable&) = delete;
  ~ConditionVariable() { pthread_cond_destroy(&cond_); }

  void notify_one() noexcept { pthread_cond_signal(&cond_); }
  void notify_all() noexcept { pthread_cond_broadcast(&cond_); }

  void wait(std::unique_lock<std::mutex>& lock) { pthread_cond_wait(&cond_, lock.mutex()->native_handle()); }
  template <class Pred>
  void wait(std::unique_lock<std::mutex>& lock, Pred ready) {
    while (!ready()) wait(lock);
  }

  /// Waits until notified or `deadline` (on any clock) passes; true if it passed.
  template <class Clock, class Duration>
  bool wait_until(std::unique_lock<std::mutex>& lock, const std::chrono::time_point<Clock, Duration>& deadline) {
    const auto left = deadline - Clock::now();
    if (left <= left.zero()) return true;
    // At most a day per wait: a far deadline cannot overflow the nanoseconds, and
    // callers wait in loops that re-check their condition anyway.
    constexpr std::int64_t kDayNs = 86'400'000'000'000;
    const std::int64_t ns = left >= std::chrono::hours(24)
                                ? kDayNs
                                : std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec at;
    clock_gettime(CLOCK_MONOTONIC, &at);
    const std::int64_t sum = at.tv_nsec + ns % 1'000'000'000;
    at.tv_sec += static_cast<time_t>(ns / 1'000'000'000 + sum / 1'000'000'000);
    at.tv_nsec = static_cast<long>(sum % 1'000'000'000);
    pthread_cond_timedwait(&cond_, lock.mutex()->native_handle(), &at);
    return Clock::now() >= deadline;
  }
  /// Waits until `ready()` or `deadline`; returns ready(), as std::condition_variable does.
  template <class Clock, class Duration, class Pred>
  bool wait_until(std::unique_lock<std::mutex>& lock, const std::chrono::time_point<Clock, Duration>& deadline,
                  Pred ready) {
    while (!ready())
      if (wait_until(lock, deadline)) return ready();
    return true;
  }
  template <class Rep, class Period, class Pred>
  bool wait_for(std::unique_lock<std::mutex>& lock, const std::chrono::duration<Rep, Period>& timeout, Pred ready) {
    using Steady = std::chrono::steady_clock;
    // beyond ~30 years (e.g. milliseconds::max()) the deadline in nanoseconds would
    // overflow: wait for the condition alone
    if (std::chrono::duration<double>(timeout).count() > 1e9)
      return wait_until(lock, Steady::time_point::max(), std::move(ready));
    return wait_until(lock, Steady::now() + std::chrono::ceil<Steady::duration>(timeout), std::move(ready));
  }

 private:
  pthread_cond_t cond_;
};

}  // namespace rill
