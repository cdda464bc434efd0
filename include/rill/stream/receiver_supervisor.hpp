#pragma once
// Runs one Receiver on its own thread, as Spark's ReceiverSupervisor does:
// starts it, restarts it after a failure (onStop, report, wait, onStart), and
// stops it when the StreamingContext stops. The wait between restarts starts
// at spark.streaming.receiverRestartDelay and doubles while the receiver keeps
// failing without storing anything, up to rill.streaming.receiverRestartDelayMax.
// The restart wait is real time, not the streaming clock: a test on a
// ManualClock need not advance batches to let a receiver reconnect.
#include <rill/exec/start_thread.hpp>
#include <rill/stream/block_buffer.hpp>
#include <rill/stream/clock.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/rate_limiter.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/wait_for.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace rill {

template <class T>
class Receiver;

namespace detail {

/// What store() waits on besides the buffer: with the write-ahead log, the
/// blocks sealed and not yet taken by a batch (block_generator.hpp).
class StoreGate {
 public:
  /// Waits until one more store may go ahead (or blocking is off).
  virtual void awaitRoom() = 0;
  /// While false, awaitRoom() does not wait: the receiver is stopping.
  virtual void setBlocking(bool blocking) = 0;

 protected:
  ~StoreGate() = default;
};

template <class T>
class ReceiverSupervisor {
 public:
  ReceiverSupervisor(std::shared_ptr<Receiver<T>> receiver, int streamId, const ReceiverSettings& settings,
                     ListenerBus& bus, Clock& clock, BlockBuffer<T>& buffer)
      : receiver_(std::move(receiver)),
        streamId_(streamId),
        settings_(settings),
        bus_(&bus),
        clock_(&clock),
        buffer_(&buffer),
        name_(receiver_->name() + "-" + std::to_string(streamId)),
        limiter_(clock, settings) {
    ReceiverSupervisor* expected = nullptr;
    if (!receiver_->supervisor_.compare_exchange_strong(expected, this))
      throw std::invalid_argument("rill: receiverStream: this Receiver already feeds another stream");
  }
  ReceiverSupervisor(const ReceiverSupervisor&) = delete;
  ReceiverSupervisor& operator=(const ReceiverSupervisor&) = delete;
  ~ReceiverSupervisor() {
    stop();
    receiver_->supervisor_ = nullptr;
  }

  /// Makes every store() wait on `gate` too (before start()).
  void setGate(StoreGate* gate) { gate_ = gate; }

  /// Starts the supervising thread (which calls the receiver's onStart).
  void start() {
    thread_ = exec::startThread([this] { run(); });
  }

  /// Stops the receiver for good and waits for its threads; what it stored stays buffered.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (!thread_.joinable()) return;
      finalStop_ = true;
      running_ = false;
      requested_.notify_all();
    }
    releaseWriters();
    thread_.join();
  }

  // ---- what Receiver<T> calls ------------------------------------------------

  void store(T record) {
    limiter_.acquire([this] { return !running_.load(); });
    if (gate_) gate_->awaitRoom();
    buffer_->push(std::move(record));
    stored_ = true;
  }
  void storeAll(std::vector<T> records) {
    if (records.empty()) return;
    if (limiter_.limited()) {
      for (auto& r : records) store(std::move(r));
      return;
    }
    if (gate_) gate_->awaitRoom();
    buffer_->pushAll(std::move(records));
    stored_ = true;
  }
  void requestRestart(std::string reason) {
    std::lock_guard lock(mutex_);
    if (!restartReason_) restartReason_ = std::move(reason);
    running_ = false;
    requested_.notify_all();
  }
  void requestStop(std::string reason) {
    std::lock_guard lock(mutex_);
    finalStop_ = true;
    stopReason_ = std::move(reason);
    running_ = false;
    requested_.notify_all();
  }
  bool isStopped() const { return !running_.load(); }
  void reportError(const std::string& message) { bus_->post(&StreamingListener::onReceiverError, errorInfo(message)); }

  /// Runs body on a thread of the receiver; joined after onStop. An exception
  /// escaping body restarts the receiver.
  void spawn(std::function<void()> body) {
    std::lock_guard lock(threadsMutex_);
    threads_.reserve(threads_.size() + 1);  // so that push_back cannot throw with the thread running
    threads_.push_back(exec::startThread([this, body = std::move(body)] {
      try {
        body();
      } catch (...) {
        requestRestart("rill: receiver " + name_ + " thread failed: " + describeException(std::current_exception()));
      }
    }));
  }

  const std::string& name() const { return name_; }
  int streamId() const { return streamId_; }
  /// The receiver's rate limit, which backpressure adapts (rate_controller.hpp).
  RateLimiter& rateLimiter() { return limiter_; }

 private:
  ReceiverInfo info(bool active) const {
    ReceiverInfo i;
    i.streamId = streamId_;
    i.name = name_;
    i.active = active;
    return i;
  }
  ReceiverInfo errorInfo(const std::string& message) const {
    ReceiverInfo i = info(!isStopped());
    i.lastErrorMessage = message;
    i.lastErrorTime = Time(clock_->getTimeMillis());
    return i;
  }

  // One start of the receiver; returns the restart reason, or nullopt on a final stop.
  std::optional<std::string> runOnce() {
    {
      std::lock_guard lock(mutex_);
      if (finalStop_) return std::nullopt;
      restartReason_.reset();
      running_ = true;
    }
    stored_ = false;
    buffer_->setBlocking(true);
    if (gate_) gate_->setBlocking(true);
    bus_->post(&StreamingListener::onReceiverStarted, info(true));
    try {
      receiver_->onStart();
    } catch (...) {
      requestRestart("rill: receiver " + name_ + " failed to start: " + describeException(std::current_exception()));
    }
    std::optional<std::string> reason;
    {
      std::unique_lock lock(mutex_);
      requested_.wait(lock, [&] { return finalStop_ || restartReason_; });
      if (!finalStop_) reason = restartReason_;
    }
    releaseWriters();
    try {
      receiver_->onStop();
    } catch (...) {
      reportError("rill: receiver " + name_ + " failed to stop: " + describeException(std::current_exception()));
    }
    joinThreads();
    return reason;
  }

  void run() {
    Duration delay = settings_.restartDelay;
    while (auto reason = runOnce()) {
      if (stored_) delay = settings_.restartDelay;  // it worked for a while: not a failure in a row
      ReceiverInfo error = errorInfo(*reason);
      error.restartDelay = delay;
      bus_->post(&StreamingListener::onReceiverError, error);
      std::unique_lock lock(mutex_);
      if (waitFor(requested_, lock, delay, [&] { return finalStop_; })) break;
      delay = std::min(delay * 2, std::max(settings_.maxRestartDelay, settings_.restartDelay));
    }
    ReceiverInfo stopped = info(false);
    {
      std::lock_guard lock(mutex_);
      stopped.lastErrorMessage = stopReason_;
    }
    bus_->post(&StreamingListener::onReceiverStopped, stopped);
  }

  // A writer blocked on a full buffer or on the rate limit must not hold up a stop.
  void releaseWriters() {
    buffer_->setBlocking(false);
    if (gate_) gate_->setBlocking(false);
    clock_->wake();
  }

  void joinThreads() {
    for (;;) {
      std::vector<std::thread> threads;
      {
        std::lock_guard lock(threadsMutex_);
        threads.swap(threads_);
      }
      if (threads.empty()) return;
      for (auto& t : threads) t.join();
    }
  }

  std::shared_ptr<Receiver<T>> receiver_;
  int streamId_;
  ReceiverSettings settings_;
  ListenerBus* bus_;
  Clock* clock_;
  BlockBuffer<T>* buffer_;
  StoreGate* gate_ = nullptr;
  std::string name_;
  RateLimiter limiter_;

  std::mutex mutex_;
  std::condition_variable requested_;
  bool finalStop_ = false;                    // guarded by mutex_
  std::optional<std::string> restartReason_;  // guarded by mutex_
  std::string stopReason_;                    // guarded by mutex_
  std::atomic<bool> running_{false};
  std::atomic<bool> stored_{false};
  std::thread thread_;

  std::mutex threadsMutex_;
  std::vector<std::thread> threads_;  // guarded by threadsMutex_
};

}  // namespace detail

}  // namespace rill
