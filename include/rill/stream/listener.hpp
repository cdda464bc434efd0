#pragma once
// StreamingListener: what happens to batches and receivers, as events. Events
// are delivered one at a time (a bus with one lock), so a listener needs no
// locking of its own unless other threads read what it records.
#include <rill/core/runtime.hpp>
#include <rill/stream/time.hpp>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

/// One input stream's share of a batch (Spark's StreamInputInfo).
struct StreamInputInfo {
  int inputStreamId = 0;  // the stream's id, as ReceiverInfo::streamId
  std::int64_t numRecords = 0;

  bool operator==(const StreamInputInfo&) const = default;
};

struct BatchInfo {
  Time batchTime;
  std::int64_t numRecords = 0;  // input records in this batch, over all input streams
  Time submissionTime;          // clock time when the batch was generated
  std::optional<Time> processingStartTime;
  std::optional<Time> processingEndTime;
  std::optional<std::string> failureReason;  // set when a job of the batch threw
  std::map<int, StreamInputInfo> streamIdToInputInfo;  // numRecords of each input stream, by stream id
  /// rill's own: the keys each state stream (updateStateByKey, mapWithState) holds
  /// after the batch, by the stream's place among them in definition order (from
  /// 0); summed over the ranks. Set in onBatchCompleted only.
  std::map<int, std::int64_t> stateKeys;

  /// How long the batch waited for earlier batches to finish.
  std::optional<Duration> schedulingDelay() const {
    if (!processingStartTime) return std::nullopt;
    return *processingStartTime - batchTime;
  }
  std::optional<Duration> processingDelay() const {
    if (!processingStartTime || !processingEndTime) return std::nullopt;
    return *processingEndTime - *processingStartTime;
  }
  std::optional<Duration> totalDelay() const {
    if (!processingEndTime) return std::nullopt;
    return *processingEndTime - batchTime;
  }
};

struct ReceiverInfo {
  int streamId = 0;
  std::string name;
  bool active = false;
  std::string lastErrorMessage;
  std::optional<Time> lastErrorTime;
  /// On an onReceiverError that restarts the receiver: how long the supervisor waits
  /// (real time) before onStart() again; unset for errors reported without a restart.
  std::optional<Duration> restartDelay;
};

/// One output operation's job in a batch (Spark's OutputOperationInfo).
struct OutputOperationInfo {
  Time batchTime;
  int id = 0;               // its place among the jobs of this batch, from 0 (as Spark numbers them)
  std::string name;         // the operation: "foreachRDD", "print", "saveAsTextFiles"
  // The operation and its place among the context's outputs, from 0:
  // e.g. "print (output operation 2 of the context)".
  std::string description;
  std::optional<Time> startTime;             // clock time when the job started
  std::optional<Time> endTime;               // clock time when it ended (set on completion)
  std::optional<std::string> failureReason;  // set when the job threw

  std::optional<Duration> duration() const {
    if (!startTime || !endTime) return std::nullopt;
    return *endTime - *startTime;
  }
};

class StreamingListener {
 public:
  virtual ~StreamingListener() = default;
  virtual void onStreamingStarted(Time /*startTime*/) {}
  /// rill's own: the context stopped (after its last batch), at this clock time.
  virtual void onStreamingStopped(Time /*stopTime*/) {}
  virtual void onBatchSubmitted(const BatchInfo&) {}
  virtual void onBatchStarted(const BatchInfo&) {}
  virtual void onBatchCompleted(const BatchInfo&) {}
  /// Around each output operation's job, in the batch's order (between onBatchStarted and onBatchCompleted).
  virtual void onOutputOperationStarted(const OutputOperationInfo&) {}
  virtual void onOutputOperationCompleted(const OutputOperationInfo&) {}
  virtual void onReceiverStarted(const ReceiverInfo&) {}
  virtual void onReceiverError(const ReceiverInfo&) {}
  virtual void onReceiverStopped(const ReceiverInfo&) {}
  /// Warnings that need no action but should be seen (e.g. a corrupt checkpoint skipped).
  virtual void onWarning(const std::string& /*message*/) {}
};

namespace detail {
/// An exception's what(), or "unknown exception" for one that is not a std::exception.
RILL_RUNTIME std::string describeException(const std::exception_ptr& e);
}  // namespace detail

/// Delivers events to every listener, one event at a time. An event goes to the
/// listeners registered when it was posted; adding or removing a listener never
/// waits for a delivery, so a listener may do either from inside an event.
class ListenerBus {
 public:
  void add(std::shared_ptr<StreamingListener> l);
  /// Removes every registration of `l`; false when it was not registered.
  bool remove(const StreamingListener* l);
  template <class Event, class... Args>
  void post(Event event, const Args&... args) {
    Turn turn(*this, std::nullopt);
    deliver(turn.listeners, event, args...);
  }
  /// post, unless a listener has been busy for longer than `patience` (stuck in
  /// a function that does not return): then nothing is delivered; false.
  template <class Event, class... Args>
  bool tryPost(Duration patience, Event event, const Args&... args) {
    Turn turn(*this, patience);
    if (!turn.taken) return false;
    deliver(turn.listeners, event, args...);
    return true;
  }

 private:
  using Listeners = std::vector<std::shared_ptr<StreamingListener>>;

  // A listener that throws does not stop the others nor the context (Spark's
  // listener bus logs and goes on): the others are warned through onWarning.
  // A throw from onWarning is dropped, so a warning never begets another.
  template <class Event, class... Args>
  static void deliver(const Listeners& listeners, Event event, const Args&... args) {
    for (const auto& l : listeners) {
      try {
        ((*l).*event)(args...);
      } catch (...) {
        if (!isWarning(event)) warnOthers(listeners, *l, std::current_exception());
      }
    }
  }
  template <class Event>
  static bool isWarning(Event event) {
    if constexpr (std::is_same_v<Event, decltype(&StreamingListener::onWarning)>)
      return event == &StreamingListener::onWarning;
    else
      return false;
  }
  static void warnOthers(const Listeners& listeners, const StreamingListener& thrower, std::exception_ptr error);

  // The bus's turn, waited for at most `patience` (unset: without limit). A
  // flag under a plain mutex rather than a std::timed_mutex, whose timed lock
  // ThreadSanitizer does not see.
  struct Turn {
    Turn(ListenerBus& bus, std::optional<Duration> patience);
    ~Turn();
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    ListenerBus* bus_;
    bool taken = false;
    Listeners listeners;  // those registered when the turn was taken
  };

  std::mutex mutex_;
  std::condition_variable free_;
  bool busy_ = false;  // an event is under way; under mutex_
  std::vector<std::shared_ptr<StreamingListener>> listeners_;  // under mutex_
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void ListenerBus::add(std::shared_ptr<StreamingListener> l) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(l));
}

RILL_RUNTIME bool ListenerBus::remove(const StreamingListener* l) {
  std::lock_guard lock(mutex_);
  return std::erase_if(listeners_, [l](const auto& x) { return x.get() == l; }) > 0;
}

RILL_RUNTIME std::string detail::describeException(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

RILL_RUNTIME void ListenerBus::warnOthers(const Listeners& listeners, const StreamingListener& thrower,
                                          std::exception_ptr error) {
  const std::string message =
      "rill: a StreamingListener threw from an event and was skipped: " + detail::describeException(error);
  for (const auto& l : listeners) {
    if (l.get() == &thrower) continue;
    try {
      l->onWarning(message);
    } catch (...) {
    }
  }
}

RILL_RUNTIME ListenerBus::Turn::Turn(ListenerBus& bus, std::optional<Duration> patience) : bus_(&bus) {
  std::unique_lock lock(bus.mutex_);
  auto free = [&] { return !bus.busy_; };
  if (patience) {
    taken = bus.free_.wait_for(lock, *patience, free);
  } else {
    bus.free_.wait(lock, free);
    taken = true;
  }
  if (taken) {
    bus.busy_ = true;
    listeners = bus.listeners_;
  }
}

RILL_RUNTIME ListenerBus::Turn::~Turn() {
  if (!taken) return;
  std::lock_guard lock(bus_->mutex_);
  bus_->busy_ = false;
  bus_->free_.notify_one();
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
