#pragma once
// Waits whose timeout comes from a caller or a setting: std::condition_variable's
// wait_for adds the timeout to steady_clock::now() in nanoseconds, which
// overflows for a timeout beyond ~290 years (milliseconds::max() means "no
// limit" to most callers).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>

namespace rill::detail {

/// cv.wait_for(lock, timeout, ready), where a timeout of more than ~30 years
/// waits for ready() alone. Returns ready().
template <class Rep, class Period, class Pred>
bool waitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
             std::chrono::duration<Rep, Period> timeout, Pred ready) {
  if (std::chrono::duration<double>(timeout).count() > 1e9) {
    cv.wait(lock, std::move(ready));
    return true;
  }
  return cv.wait_for(lock, timeout, std::move(ready));
}

}  // namespace rill::detail
