#pragma once
// StreamingContext: cuts input into batches every batch interval on its clock
// and runs each batch's jobs (the output operations, in definition order), one
// batch at a time. A batch that takes longer than the interval delays the next
// one; nothing is skipped, and the delay is reported to listeners.
#include <rill/core/errors.hpp>
#include <rill/rdd/spark_context.hpp>
#include <rill/stream/checkpoint.hpp>
#include <rill/stream/clock.hpp>
#include <rill/stream/dstream.hpp>
#include <rill/stream/file_stream.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/queue_stream.hpp>
#include <rill/stream/receiver.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/receiver_stream.hpp>
#include <rill/stream/receiver_supervisor.hpp>
#include <rill/stream/socket_stream.hpp>
#include <rill/stream/time.hpp>
#include <rill/stream/wait_for.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

class StreamingContext final : private Clock::Observer {  // final: getOrCreate hands it out by unique_ptr
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

  // ---- checkpointing (checkpoint.hpp) ------------------------------------------

  /// checkpoint(directory[, keep = 3]): after every batch (or as often as
  /// DStream::checkpoint(interval) asks) save the state, the incremental windows and
  /// the batches windows still need as "directory/checkpoint-<batch time>", keeping
  /// the newest `keep` files. A batch that failed is not checkpointed.
  void checkpoint(const std::string& directory, std::size_t keep = 3) {
    if (getState() != State::INITIALIZED)
      throw IllegalStateException("rill: checkpoint(directory) must be set before the context starts");
    checkpointer_.emplace(directory, keep);
  }

  /// getOrCreate(directory, factory): factory() -> std::unique_ptr<StreamingContext>
  /// defines the context and its DStreams (Spark's pattern). Unlike Spark, rill always
  /// calls it: C++ cannot serialise the closures of a graph, so the same code rebuilds
  /// it. When `directory` holds a checkpoint, its data (state, windows, the last
  /// checkpointed batch) is then put back into the rebuilt streams, matched by their
  /// order of definition, and start() goes on with the batch after the checkpointed
  /// one. An unusable newest file is skipped for the one before it, with a warning to
  /// the listeners (StreamingListener::onWarning) the factory registered.
  template <class Factory>
  static std::unique_ptr<StreamingContext> getOrCreate(const std::string& directory, Factory&& factory) {
    static_assert(std::is_convertible_v<std::invoke_result_t<Factory&>, std::unique_ptr<StreamingContext>>,
                  "rill: getOrCreate(directory, factory) needs factory() to return a "
                  "std::unique_ptr<StreamingContext>");
    std::unique_ptr<StreamingContext> ssc = factory();
    if (!ssc) throw std::invalid_argument("rill: getOrCreate: the factory returned no StreamingContext");
    if (!ssc->checkpointer_) ssc->checkpoint(directory);
    if (auto data = detail::Checkpointer::readLatest(directory, ssc->bus_)) {
      detail::Checkpointer::restore(*ssc->graph_, *data, directory);
      ssc->recovered_ = std::move(data);
    }
    return ssc;
  }

  /// The batch time of the checkpoint getOrCreate restored, if it restored one.
  std::optional<Time> restoredBatchTime() const {
    return recovered_ ? std::optional<Time>(Time(recovered_->time)) : std::nullopt;
  }

  // ---- input streams -------------------------------------------------------

  /// queueStream(queue, oneAtATime = true, defaultRDD): each batch takes the next RDD
  /// (or all queued RDDs, as one union), else defaultRDD, else an empty RDD.
  template <class T>
  DStream<T> queueStream(std::shared_ptr<RDDQueue<T>> queue, bool oneAtATime = true,
                         std::optional<std::type_identity_t<RDD<T>>> defaultRDD = std::nullopt) {
    auto node = std::make_shared<detail::QueueInputNode<T>>(*graph_, std::move(queue), oneAtATime,
                                                            std::move(defaultRDD));
    graph_->addInput(node);
    return DStream<T>(node);
  }

  /// socketTextStream(host, port): the lines a TCP server sends (e.g. `nc -lk 9999`),
  /// received on a thread; reconnects after a refused or dropped connection.
  DStream<std::string> socketTextStream(const std::string& host, int port) {
    const auto settings = ReceiverSettings::fromConf(sc_->getConf());
    return receiverStream(std::make_shared<SocketReceiver>(host, port, settings));
  }

  /// textFileStream(directory): the lines of each file moved into the directory
  /// after start(), read in the batch during which it appeared.
  DStream<std::string> textFileStream(const std::string& directory) {
    return detail::addFileStream(*graph_, bus_, directory);
  }

  /// receiverStream(receiver): the records a user-written rill::Receiver<T> stores.
  template <class R>
  DStream<typename R::record_type> receiverStream(std::shared_ptr<R> receiver) {
    static_assert(std::is_base_of_v<Receiver<typename R::record_type>, R>,
                  "rill: receiverStream(receiver) needs a std::shared_ptr to a subclass of rill::Receiver<T>");
    using T = typename R::record_type;
    return detail::addReceiverStream<T>(*graph_, bus_, *clock_, std::move(receiver));
  }

  /// union_(streams...): all the streams' batches together.
  template <class First, class... Rest>
  DStream<typename First::value_type> union_(const First& first, const Rest&... rest) {
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
    if (sc_->isStopped())
      throw IllegalStateException("rill: cannot start the StreamingContext: its SparkContext has been stopped");
    const auto interval = batchDuration().count();
    const auto now = clock_->getTimeMillis();
    // A restored context goes on after its checkpointed batch, on its old time line.
    const Time first = recovered_ ? Time(recovered_->time) + batchDuration() : Time((now / interval + 1) * interval);
    const Time zero = recovered_ ? Time(recovered_->zeroTime) : first - batchDuration();
    if (checkpointer_) checkpointer_->start(*graph_, zero);
    graph_->start(zero, rememberAtLeast_);
    nextBatch_ = first.milliseconds();
    state_ = State::ACTIVE;
    lock.unlock();
    clock_->addObserver(this);
    for (auto& in : graph_->inputs()) in->start();
    bus_.post(&StreamingListener::onStreamingStarted, first);
    scheduler_ = std::thread([this, first] { runScheduler(first); });
  }

  /// stop(stopSparkContext = true, stopGracefully = false), Spark's defaults. Graceful:
  /// stop receiving, then process everything already received before returning.
  /// Otherwise: finish the batch in progress; received data not yet in a batch is dropped.
  /// stopSparkContext: then SparkContext::stop(), even if this context had stopped
  /// before (as Spark); called from inside a batch, once the scheduler has finished.
  /// stop(false, ...) leaves the SparkContext usable.
  void stop(bool stopSparkContext = true, bool stopGracefully = false) {
    stopStreaming(stopGracefully);
    if (!stopSparkContext) return;
    if (scheduler_.get_id() == std::this_thread::get_id())
      stopSparkContextOnExit_ = true;  // runScheduler stops it after the batch in progress
    else
      sc_->stop();
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
    detail::waitFor(terminated_, lock, timeout, [&] { return state_ == State::STOPPED || error_; });
    rethrowError();
    return state_ == State::STOPPED;
  }

 private:
  void stopStreaming(bool stopGracefully) {
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
    if (stopSparkContextOnExit_) sc_->stop();
  }

  void runBatch(Time t) {
    BatchInfo info;
    info.batchTime = t;
    info.submissionTime = Time(clock_->getTimeMillis());
    std::exception_ptr failure;
    std::vector<std::function<void()>> jobs;
    try {
      info.numRecords = graph_->cutBatch(t);
    } catch (...) {
      failure = std::current_exception();
    }
    bus_.post(&StreamingListener::onBatchSubmitted, info);
    info.processingStartTime = Time(clock_->getTimeMillis());
    bus_.post(&StreamingListener::onBatchStarted, info);
    // Generating jobs computes the batch's shuffles (keyed ops run eagerly), so
    // it counts as processing, not as scheduling delay.
    try {
      if (!failure) jobs = graph_->generateJobs(t);
    } catch (...) {
      failure = std::current_exception();
    }
    for (auto& job : jobs) {
      try {
        job();
      } catch (...) {
        if (!failure) failure = std::current_exception();
      }
    }
    info.processingEndTime = Time(clock_->getTimeMillis());
    if (failure) info.failureReason = detail::describeException(failure);
    try {
      graph_->clearMetadata(t);
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
    if (checkpointer_ && !failure) checkpointer_->afterBatch(*graph_, t, bus_);
    bus_.post(&StreamingListener::onBatchCompleted, info);
    if (failure) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = failure;
      terminated_.notify_all();
    }
  }

  SparkContext* sc_;
  std::shared_ptr<Clock> clock_;
  std::unique_ptr<DStreamGraph> graph_;
  ListenerBus bus_;
  Duration rememberAtLeast_{0};
  std::optional<detail::Checkpointer> checkpointer_;
  std::optional<detail::CheckpointData> recovered_;

  mutable std::mutex mutex_;
  std::condition_variable terminated_;
  State state_ = State::INITIALIZED;
  std::exception_ptr error_;
  std::thread scheduler_;
  std::atomic<bool> stopRequested_{false};
  std::atomic<bool> graceful_{false};
  std::atomic<bool> schedulerDone_{false};
  bool stopSparkContextOnExit_ = false;  // set and read on the scheduler thread only
  std::atomic<std::int64_t> nextBatch_{0};
};

}  // namespace rill
