#pragma once
// StreamingContext: cuts input into batches every batch interval on its clock
// and runs each batch's jobs (the output operations, in definition order), one
// batch at a time. A batch that takes longer than the interval delays the next
// one; nothing is skipped, and the delay is reported to listeners.
#include <rill/core/errors.hpp>
#include <rill/rdd/spark_context.hpp>
#include <rill/stream/clock.hpp>
#include <rill/stream/dstream.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/queue_stream.hpp>
#include <rill/stream/time.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace rill {

class StreamingContext : private Clock::Observer {
 public:
  enum class State { INITIALIZED, ACTIVE, STOPPED };

  /// StreamingContext(sc, batchDuration[, clock]): any std::chrono duration of at
  /// least a millisecond; the system clock unless a clock (e.g. ManualClock) is given.
  template <class Rep, class Period>
  StreamingContext(SparkContext& sc, std::chrono::duration<Rep, Period> batchDuration,
                   std::shared_ptr<Clock> clock = nullptr)
      : sc_(&sc),
        clock_(clock ? std::move(clock) : std::make_shared<SystemClock>()),
        graph_(std::make_unique<DStreamGraph>(sc, requirePositiveDuration(batchDuration, "batch duration"))) {}
  StreamingContext(const StreamingContext&) = delete;
  StreamingContext& operator=(const StreamingContext&) = delete;
  ~StreamingContext() {
    try {
      stop(false, false);
    } catch (...) {  // a destructor must not throw; awaitTermination reports errors
    }
  }

  SparkContext& sparkContext() const { return *sc_; }
  Duration batchDuration() const { return graph_->batchDuration(); }
  Clock& clock() const { return *clock_; }
  DStreamGraph& graph() const { return *graph_; }
  State getState() const {
    std::lock_guard lock(mutex_);
    return state_;
  }

  void addStreamingListener(std::shared_ptr<StreamingListener> listener) { bus_.add(std::move(listener)); }
  ListenerBus& listenerBus() { return bus_; }
  /// Where print()/pprint() write (std::cout by default).
  void setPrintStream(std::ostream& os) { graph_->setPrintStream(os); }
  /// Keep each batch's RDDs at least this long (Spark's remember).
  void remember(Duration d) { rememberAtLeast_ = d; }

  // ---- input streams -------------------------------------------------------

  /// queueStream(queue, oneAtATime = true, defaultRDD): each batch takes the next RDD
  /// (or all queued RDDs), else defaultRDD, else an empty RDD.
  template <class T>
  DStream<T> queueStream(std::shared_ptr<RDDQueue<T>> queue, bool oneAtATime = true,
                         std::optional<RDD<T>> defaultRDD = std::nullopt) {
    auto node = std::make_shared<detail::QueueInputNode<T>>(*graph_, std::move(queue), oneAtATime,
                                                            std::move(defaultRDD));
    graph_->addInput(node);
    return DStream<T>(node);
  }

  /// union_(streams...): all the streams' batches together.
  template <class First, class... Rest>
  auto union_(const First& first, const Rest&... rest) {
    DStream<typename First::value_type> out = first.toDStream();
    ((out = out.union_(rest)), ...);
    return out;
  }

  // ---- lifecycle -----------------------------------------------------------

  /// Starts receiving and the batch scheduler. The first batch falls on the
  /// first multiple of the batch interval after the clock's current time.
  void start() {
    std::unique_lock lock(mutex_);
    if (state_ == State::ACTIVE) throw IllegalStateException("rill: StreamingContext has already been started");
    if (state_ == State::STOPPED)
      throw IllegalStateException("rill: StreamingContext has already been stopped; create a new one");
    const auto interval = batchDuration().count();
    const auto now = clock_->getTimeMillis();
    const Time first((now / interval + 1) * interval);
    graph_->start(first - batchDuration(), rememberAtLeast_);
    nextBatch_ = first.milliseconds();
    state_ = State::ACTIVE;
    lock.unlock();
    clock_->addObserver(this);
    for (auto& in : graph_->inputs()) in->start();
    bus_.post(&StreamingListener::onStreamingStarted, first);
    scheduler_ = std::thread([this, first] { runScheduler(first); });
  }

  /// stop(stopSparkContext = true, stopGracefully = false). Graceful: stop
  /// receiving, then process everything already received before returning.
  /// Otherwise: finish the batch in progress; received data not yet in a batch is dropped.
  void stop(bool stopSparkContext = true, bool stopGracefully = false) {
    (void)stopSparkContext;  // the SparkContext is the caller's object; it stays usable
    {
      std::lock_guard lock(mutex_);
      if (state_ == State::INITIALIZED) {
        state_ = State::STOPPED;
        terminated_.notify_all();
        return;
      }
      if (state_ == State::STOPPED && !scheduler_.joinable()) return;
    }
    for (auto& in : graph_->inputs()) in->stop();
    graceful_ = stopGracefully;
    stopRequested_ = true;
    clock_->wake();
    if (scheduler_.joinable() && scheduler_.get_id() != std::this_thread::get_id()) scheduler_.join();
    clock_->removeObserver(this);
    std::lock_guard lock(mutex_);
    state_ = State::STOPPED;
    terminated_.notify_all();
  }

  /// Waits until the context stops; rethrows the first exception a batch raised.
  void awaitTermination() {
    std::unique_lock lock(mutex_);
    terminated_.wait(lock, [&] { return state_ == State::STOPPED || error_; });
    rethrowError();
  }
  /// Like awaitTermination, but gives up after `timeout` of real time; true if stopped.
  template <class Rep, class Period>
  bool awaitTerminationOrTimeout(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    terminated_.wait_for(lock, timeout, [&] { return state_ == State::STOPPED || error_; });
    rethrowError();
    return state_ == State::STOPPED;
  }

 private:
  bool idleAt(std::int64_t now) const override { return nextBatch_.load() > now || schedulerDone_.load(); }

  void rethrowError() {
    if (error_) {
      auto e = std::exchange(error_, nullptr);
      std::rethrow_exception(e);
    }
  }

  void runScheduler(Time first) {
    for (Time t = first;; t = t + batchDuration()) {
      clock_->waitTillTime(t.milliseconds(), [&] { return stopRequested_.load(); });
      if (stopRequested_ && !(graceful_ && graph_->hasPendingData())) break;
      runBatch(t);
      nextBatch_ = (t + batchDuration()).milliseconds();
      clock_->notifyProgress();
    }
    schedulerDone_ = true;
    clock_->notifyProgress();
  }

  void runBatch(Time t) {
    BatchInfo info;
    info.batchTime = t;
    info.submissionTime = Time(clock_->getTimeMillis());
    std::exception_ptr failure;
    std::vector<std::function<void()>> jobs;
    try {
      info.numRecords = graph_->cutBatch(t);
      jobs = graph_->generateJobs(t);
    } catch (...) {
      failure = std::current_exception();
    }
    bus_.post(&StreamingListener::onBatchSubmitted, info);
    info.processingStartTime = Time(clock_->getTimeMillis());
    bus_.post(&StreamingListener::onBatchStarted, info);
    for (auto& job : jobs) {
      try {
        job();
      } catch (...) {
        if (!failure) failure = std::current_exception();
      }
    }
    info.processingEndTime = Time(clock_->getTimeMillis());
    if (failure) info.failureReason = describe(failure);
    try {
      graph_->clearMetadata(t);
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
    bus_.post(&StreamingListener::onBatchCompleted, info);
    if (failure) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = failure;
      terminated_.notify_all();
    }
  }

  static std::string describe(const std::exception_ptr& e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      return ex.what();
    } catch (...) {
      return "unknown exception";
    }
  }

  SparkContext* sc_;
  std::shared_ptr<Clock> clock_;
  std::unique_ptr<DStreamGraph> graph_;
  ListenerBus bus_;
  Duration rememberAtLeast_{0};

  mutable std::mutex mutex_;
  std::condition_variable terminated_;
  State state_ = State::INITIALIZED;
  std::exception_ptr error_;
  std::thread scheduler_;
  std::atomic<bool> stopRequested_{false};
  std::atomic<bool> graceful_{false};
  std::atomic<bool> schedulerDone_{false};
  std::atomic<std::int64_t> nextBatch_{0};
};

}  // namespace rill
