#pragma once
// For a program that feeds its input on the system clock: wait until the
// batch after a feed has completed, or until the context has stopped (on
// Ctrl-C, say), whichever comes first.
#include <rill/stream/listener.hpp>
#include <rill/stream/streaming_context.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>

namespace examples {

class BatchProgress final : public rill::StreamingListener {
 public:
  void onBatchCompleted(const rill::BatchInfo& info) override {
    std::lock_guard lock(mutex_);
    last_ = info.batchTime.milliseconds();
    changed_.notify_all();
  }

  /// Waits until a batch later than `millis` (clock time) has completed; false
  /// if `ssc` stopped first. A stop is no listener event, so the context's
  /// state is looked at every 100 ms.
  bool awaitBatchAfter(std::int64_t millis, const rill::StreamingContext& ssc) {
    std::unique_lock lock(mutex_);
    while (!changed_.wait_for(lock, std::chrono::milliseconds(100), [&] { return last_ > millis; }))
      if (ssc.getState() == rill::StreamingContext::State::STOPPED) return false;
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::int64_t last_ = std::numeric_limits<std::int64_t>::min();  // no batch yet
};

}  // namespace examples
