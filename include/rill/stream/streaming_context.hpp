#pragma once
// StreamingContext: defines input streams and output operations on a DStream
// graph, then cuts the input into batches every batch interval on its clock and
// runs each batch's jobs, one batch at a time (batch_scheduler.hpp).
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/wire.hpp>
#include <rill/rdd/spark_context.hpp>
#include <rill/stream/batch_scheduler.hpp>
#include <rill/stream/checkpoint.hpp>
#include <rill/stream/clock.hpp>
#include <rill/stream/dstream.hpp>
#include <rill/stream/file_stream.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/logged_input.hpp>
#include <rill/stream/queue_stream.hpp>
#include <rill/stream/receiver.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/receiver_stream.hpp>
#include <rill/stream/shutdown_signals.hpp>
#include <rill/stream/socket_stream.hpp>
#include <rill/stream/time.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

class StreamingContext final {  // final: getOrCreate hands it out by unique_ptr
 public:
  using State = detail::ContextState;  // INITIALIZED, ACTIVE, STOPPED

  /// StreamingContext(sc, batchDuration[, clock]): any std::chrono duration of at
  /// least a millisecond; the system clock unless a clock (e.g. ManualClock) is given.
  /// Reads how it stops from sc's settings (see stop()); a malformed one throws
  /// std::invalid_argument here.
  template <class Rep, class Period>
  StreamingContext(SparkContext& sc, std::chrono::duration<Rep, Period> batchDuration,
                   std::shared_ptr<Clock> clock = nullptr)
      : sc_(&sc),
        clock_(clock ? std::move(clock) : std::make_shared<SystemClock>()),
        scheduler_(std::make_shared<detail::BatchScheduler>(
            sc, clock_, requirePositiveDuration(batchDuration, "batch duration"))),
        graph_(&scheduler_->graph()),
        bus_(scheduler_->bus()),
        stopSettings_(detail::StopSettings::fromConf(sc.getConf(), graph_->batchDuration())) {}
  StreamingContext(const StreamingContext&) = delete;
  StreamingContext& operator=(const StreamingContext&) = delete;
  ~StreamingContext();

  SparkContext& sparkContext() const { return *sc_; }
  Duration batchDuration() const { return graph_->batchDuration(); }
  Clock& clock() const { return *clock_; }
  DStreamGraph& graph() const { return *graph_; }
  State getState() const { return scheduler_->state(); }

  void addStreamingListener(std::shared_ptr<StreamingListener> listener) { bus_.add(std::move(listener)); }
  /// Stops events to `listener` (it may still get an event posted before); allowed inside an event.
  void removeStreamingListener(const std::shared_ptr<StreamingListener>& listener) { bus_.remove(listener.get()); }
  ListenerBus& listenerBus() { return bus_; }
  /// The listener bus for a stream that may outlive this context (a handle the
  /// program keeps): empty once the context and its graph are gone. Weak, as a
  /// listener may hold the stream: owning the bus would keep both alive.
  std::weak_ptr<ListenerBus> listenerBusHandle() const { return scheduler_->busHandle(); }
  /// Where print()/pprint() write (std::cout by default).
  void setPrintStream(std::ostream& os) { graph_->setPrintStream(os); }
  /// Keep each batch's RDDs at least this long (Spark's remember). Throws
  /// std::invalid_argument for a negative duration; zero adds nothing to what
  /// the windows already keep.
  void remember(Duration d) {
    if (d < Duration::zero())
      throw std::invalid_argument("rill: remember(duration) needs a duration of zero or more, got " + toString(d));
    rememberAtLeast_ = d;
  }

  // ---- checkpointing (checkpoint.hpp) ------------------------------------------

  /// checkpoint(directory[, keep = 3]): after every batch (or as often as
  /// DStream::checkpoint(interval) asks) save the state, the incremental windows and
  /// the batches windows still need as "directory/checkpoint-<batch time>", keeping
  /// the newest `keep` files. A batch that failed is not checkpointed.
  void checkpoint(const std::string& directory, std::size_t keep = 3);

  /// getOrCreate(directory, factory): factory() -> std::unique_ptr<StreamingContext>
  /// defines the context and its DStreams (Spark's pattern). Unlike Spark, rill always
  /// calls it: C++ cannot serialise the closures of a graph, so the same code rebuilds
  /// it. When `directory` holds a checkpoint, its data (state, windows, the last
  /// checkpointed batch) is then put back into the rebuilt streams, matched by their
  /// order of definition, and start() goes on with the batch after the checkpointed
  /// one. A checkpoint is restored whole or not at all: an unusable newest one (a file
  /// that cannot be read, of another format version, or with data a stream refuses) is
  /// skipped for the one before it, with a warning to the listeners
  /// (StreamingListener::onWarning) the factory registered. Throws SparkException when
  /// no checkpoint file is usable, or when the program's streams do not fit them. A job
  /// on several ranks restarts on as many (each rank reads the parts it wrote); a
  /// checkpoint of another number of ranks is refused with a SparkException naming both.
  template <class Factory>
  static std::unique_ptr<StreamingContext> getOrCreate(const std::string& directory, Factory&& factory) {
    static_assert(std::is_convertible_v<std::invoke_result_t<Factory&>, std::unique_ptr<StreamingContext>>,
                  "rill: getOrCreate(directory, factory) needs factory() to return a "
                  "std::unique_ptr<StreamingContext>");
    std::unique_ptr<StreamingContext> ssc = factory();
    if (!ssc) throw std::invalid_argument("rill: getOrCreate: the factory returned no StreamingContext");
    if (!ssc->checkpointer_) ssc->checkpoint(directory);
    ssc->recovered_ = detail::Checkpointer::recover(*ssc->graph_, directory, ssc->bus_);
    return ssc;
  }

  /// The batch time of the checkpoint getOrCreate restored, if it restored one.
  std::optional<Time> restoredBatchTime() const {
    return recovered_ ? std::optional<Time>(Time(recovered_->time)) : std::nullopt;
  }

  // ---- input streams -------------------------------------------------------

  /// queueStream(queue, oneAtATime = true, defaultRDD): each batch takes the next RDD
  /// (or all queued RDDs, as one union), else defaultRDD, else an empty RDD.
  /// Throws std::invalid_argument for a null queue.
  template <class T>
  DStream<T> queueStream(std::shared_ptr<RDDQueue<T>> queue, bool oneAtATime = true,
                         std::optional<std::type_identity_t<RDD<T>>> defaultRDD = std::nullopt) {
    if (!queue) throw std::invalid_argument("rill: queueStream needs a queue, got a null pointer");
    auto node = std::make_shared<detail::QueueInputNode<T>>(*graph_, std::move(queue), oneAtATime,
                                                            std::move(defaultRDD));
    graph_->addInput(node);
    return DStream<T>(node);
  }

  /// socketTextStream(host, port): the lines a TCP server sends (e.g. `nc -lk 9999`),
  /// received on a thread; reconnects after a refused or dropped connection.
  DStream<std::string> socketTextStream(const std::string& host, int port);

  /// textFileStream(directory): the lines of each file moved into the directory
  /// after start(), read in the batch during which it appeared.
  DStream<std::string> textFileStream(const std::string& directory);

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

  /// transform(streams, f): a stream whose batch is f(vector of the streams' batches[, time])
  /// -> an RDD; the streams are DStreams of one type with one slide (Spark's ssc.transform).
  template <class T, class F>
  auto transform(const std::vector<DStream<T>>& streams, F f) {
    static_assert(detail::returnsRDD<F, std::vector<RDD<T>>>(),
                  "rill: ssc.transform(streams, f) needs f to return an RDD (or an RDD chain)");
    return detail::transformStreams(*graph_, streams, std::move(f));
  }
  /// transform(std::tuple(a, b, ...), f): f(a's batch, b's batch, ...[, time]) -> an RDD,
  /// for streams of different types.
  template <class... S, class F>
  auto transform(const std::tuple<S...>& streams, F f) {
    static_assert(detail::returnsRDD<F, detail::batch_rdd_t<std::remove_cvref_t<S>>...>(),
                  "rill: ssc.transform(streams, f) needs f to return an RDD (or an RDD chain)");
    return detail::transformStreams(*graph_, streams, std::move(f));
  }

  // ---- lifecycle -----------------------------------------------------------

  /// Starts receiving and the batch scheduler. The first batch falls on the
  /// first multiple of the batch interval after the clock's current time. With
  /// spark.streaming.stopGracefullyOnShutdown=true, SIGINT and SIGTERM then stop
  /// the context gracefully (on a thread of rill's; the signals' previous
  /// handlers are back once it has stopped). An input that cannot start makes
  /// start() throw its error, with its other inputs stopped again and the context stopped.
  void start();

  /// stop(stopSparkContext = true, stopGracefully = false), Spark's defaults. Graceful:
  /// stop receiving, then process everything already received before returning.
  /// Otherwise: finish the batch in progress; received data not yet in a batch is dropped.
  /// stopSparkContext: then SparkContext::stop(), even if this context had stopped
  /// before (as Spark); called from inside a batch, once the scheduler has finished.
  /// stop(false, ...) leaves the SparkContext usable.
  ///
  /// stop() always returns. A graceful stop that has not finished within
  /// spark.streaming.gracefulStopTimeout (default 10 batch intervals) goes on as
  /// a forced stop, with a warning to the listeners. A batch still running
  /// rill.streaming.forcedStopTimeout (default 10 s) after that is left behind
  /// on its thread, with a warning: a user function that never returns is not
  /// waited for. Called from inside a batch, stop() does not wait for the batch.
  void stop(bool stopSparkContext = true, bool stopGracefully = false);

  /// Waits until the context stops; rethrows the first exception a batch raised,
  /// and the same exception on every later call (as Spark does). Throws
  /// IllegalStateException when called from inside a batch, where it would wait forever.
  void awaitTermination() { scheduler_->awaitTermination(); }
  /// Like awaitTermination, but gives up after `timeout` of real time; true if stopped.
  template <class Rep, class Period>
  bool awaitTerminationOrTimeout(std::chrono::duration<Rep, Period> timeout) {
    return scheduler_->awaitTerminationOrTimeout(timeout);
  }

 private:
  // Rank 0's clock reading: with several ranks every rank starts on its time line.
  std::int64_t driverTime();

  // Called with lifecycleMutex_ held, not on the scheduler's thread.
  void stopStreaming(bool stopGracefully);

  // Runs on the signal watcher's thread. A stop already under way (holding the
  // lock) is left to finish; waiting for it here would keep the lock's holder
  // from unregistering this hook.
  void stopOnShutdown();

  // Called with lifecycleMutex_ held.
  void releaseShutdownHook();

  SparkContext* sc_;
  std::shared_ptr<Clock> clock_;
  // Shared with the scheduler's thread, with the graph and the listeners: they
  // outlive this context when a stop leaves a stuck batch behind.
  std::shared_ptr<detail::BatchScheduler> scheduler_;
  DStreamGraph* graph_;  // the scheduler's
  ListenerBus& bus_;     // the scheduler's
  detail::StopSettings stopSettings_;
  Duration rememberAtLeast_{0};
  std::shared_ptr<detail::Checkpointer> checkpointer_;
  std::optional<detail::CheckpointManifest> recovered_;

  std::mutex lifecycleMutex_;      // start() and stop() one at a time
  std::uint64_t shutdownHook_ = 0;  // the signal hook's id, 0 for none; under lifecycleMutex_
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME StreamingContext::~StreamingContext() {
  try {
    stop(false, false);
  } catch (...) {  // a destructor must not throw; awaitTermination reports errors
  }
  std::lock_guard lifecycle(lifecycleMutex_);
  releaseShutdownHook();  // also when stop() threw: the hook must not outlive this
}

RILL_RUNTIME void StreamingContext::checkpoint(const std::string& directory, std::size_t keep) {
  if (getState() != State::INITIALIZED)
    throw IllegalStateException("rill: checkpoint(directory) must be set before the context starts");
  checkpointer_ = std::make_shared<detail::Checkpointer>(directory, keep);
}

RILL_RUNTIME DStream<std::string> StreamingContext::socketTextStream(const std::string& host, int port) {
  const auto settings = ReceiverSettings::fromConf(sc_->getConf());
  return receiverStream(std::make_shared<SocketReceiver>(host, port, settings));
}

RILL_RUNTIME DStream<std::string> StreamingContext::textFileStream(const std::string& directory) {
  return detail::addFileStream(*graph_, bus_, directory);
}

RILL_RUNTIME void StreamingContext::start() {
  if (scheduler_->onSchedulerThread()) throw IllegalStateException("rill: StreamingContext has already been started");
  std::lock_guard lifecycle(lifecycleMutex_);
  const State state = getState();
  if (state == State::ACTIVE) throw IllegalStateException("rill: StreamingContext has already been started");
  if (state == State::STOPPED)
    throw IllegalStateException("rill: StreamingContext has already been stopped; create a new one");
  if (sc_->isStopped())
    throw IllegalStateException("rill: cannot start the StreamingContext: its SparkContext has been stopped");
  const auto interval = batchDuration().count();
  const auto now = driverTime();
  // A restored context goes on after its checkpointed batch, on its old time line.
  const Time first = recovered_ ? Time(recovered_->time) + batchDuration() : Time((now / interval + 1) * interval);
  const Time zero = recovered_ ? Time(recovered_->zeroTime) : first - batchDuration();
  // Receivers' write-ahead logs open before the inputs start, replaying what a
  // crash left; on rank 0 only, where receivers run, and a refusal is every rank's.
  sc_->cluster().runAndAgree("stream start", [&] {
    if (sc_->isDriver())
      detail::openReceiverLogs(*graph_, checkpointer_ ? checkpointer_->directory() : std::string(),
                               restoredBatchTime());
  });
  if (checkpointer_) checkpointer_->start(*graph_, zero);
  graph_->start(zero, rememberAtLeast_);
  try {
    scheduler_->start(first, checkpointer_);
  } catch (...) {
    scheduler_->requestStop(false);  // not started: now stopped, so that awaitTermination() returns
    throw;
  }
  if (stopSettings_.gracefulOnShutdown) shutdownHook_ = detail::ShutdownSignals::add([this] { stopOnShutdown(); });
}

RILL_RUNTIME void StreamingContext::stop(bool stopSparkContext, bool stopGracefully) {
  if (scheduler_->onSchedulerThread()) {
    scheduler_->stopFromBatch(stopGracefully, stopSparkContext);
    return;
  }
  {
    std::lock_guard lifecycle(lifecycleMutex_);
    stopStreaming(stopGracefully);
  }
  if (stopSparkContext) sc_->stop();
}

RILL_RUNTIME std::int64_t StreamingContext::driverTime() {
  exec::Cluster& cluster = sc_->cluster();
  std::int64_t now = clock_->getTimeMillis();
  if (cluster.size() == 1) return now;
  constexpr std::string_view tag = "stream start";
  exec::Bytes mine;
  if (cluster.isDriver()) exec::appendWire(mine, now, tag);
  return exec::readWire<std::int64_t>(cluster.broadcast(tag, 0, std::move(mine)), tag);
}

RILL_RUNTIME void StreamingContext::stopStreaming(bool stopGracefully) {
  if (scheduler_->requestStop(stopGracefully)) scheduler_->finishStop(stopSettings_);
  releaseShutdownHook();
}

RILL_RUNTIME void StreamingContext::stopOnShutdown() {
  std::unique_lock lifecycle(lifecycleMutex_, std::try_to_lock);
  if (lifecycle) stopStreaming(true);
}

RILL_RUNTIME void StreamingContext::releaseShutdownHook() {
  if (const auto id = std::exchange(shutdownHook_, 0)) detail::ShutdownSignals::remove(id);
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
