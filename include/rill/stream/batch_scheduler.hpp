#pragma once
// The batch scheduler of a StreamingContext: a thread that cuts the received
// input into a batch at every batch interval on the context's clock and runs
// the batch's jobs (the output operations, in definition order), one batch at
// a time. A batch that takes longer than the interval delays the next one;
// nothing is skipped, and the delay is reported to listeners.
//
// With several ranks rank 0 leads: its clock and its stop requests decide,
// and it broadcasts each batch's time (or the stop) before the batch; every
// rank then runs the batch, its inputs being rank 0's. A failure on one rank
// fails the batch on every rank, so all ranks go on alike.
//
// Stopping waits for the thread, but not forever. The scheduler owns, with the
// context, everything a batch touches (graph, listeners, clock, checkpoints),
// so a stop that gives up on a batch stuck in a user function can leave its
// thread behind: the context may go away, and if the function ever returns,
// the thread does nothing more.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/start_thread.hpp>
#include <rill/exec/wire.hpp>
#include <rill/rdd/conf_values.hpp>
#include <rill/rdd/spark_context.hpp>
#include <rill/stream/checkpoint.hpp>
#include <rill/stream/clock.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/output_job.hpp>
#include <rill/stream/state_keys.hpp>
#include <rill/stream/time.hpp>
#include <rill/stream/wait_for.hpp>

#include <algorithm>
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
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace rill::detail {

/// How a StreamingContext stops, read from its SparkConf when it is made.
struct StopSettings {
  /// How long a graceful stop waits for what was received to be processed
  /// (spark.streaming.gracefulStopTimeout; default 10 batch intervals).
  Duration gracefulTimeout;
  /// How long a stop waits for the batch in progress before leaving it behind
  /// (rill.streaming.forcedStopTimeout; default 10 s).
  Duration forcedTimeout{10'000};
  /// SIGINT and SIGTERM stop the context gracefully (spark.streaming.stopGracefullyOnShutdown).
  bool gracefulOnShutdown = false;

  static StopSettings fromConf(const SparkConf& conf, Duration batchDuration);
};

enum class ContextState { INITIALIZED, ACTIVE, STOPPED };

class BatchScheduler final : private Clock::Observer, public std::enable_shared_from_this<BatchScheduler> {
 public:
  BatchScheduler(SparkContext& sc, std::shared_ptr<Clock> clock, Duration batchDuration);
  BatchScheduler(const BatchScheduler&) = delete;
  BatchScheduler& operator=(const BatchScheduler&) = delete;

  DStreamGraph& graph() const { return *graph_; }
  ListenerBus& bus() const { return *bus_; }
  /// The bus, for what may outlive this scheduler (a stream the program keeps).
  std::weak_ptr<ListenerBus> busHandle() const { return bus_; }
  ContextState state() const {
    std::lock_guard lock(mutex_);
    return state_;
  }
  /// True on the scheduler's thread: inside a batch, or in a listener it calls.
  bool onSchedulerThread() const { return current() == this; }

  /// Starts receiving and the batches, the first at `first`; the graph is started.
  void start(Time first, std::shared_ptr<Checkpointer> checkpointer);

  /// A context that never started is stopped at once. Otherwise stops the
  /// inputs and tells the thread to stop: a graceful stop after what was
  /// received has been processed, else after the batch in progress. On the
  /// scheduler's thread the thread stops the inputs once the batch is over:
  /// a receiver reports its stop to the listeners, and a listener may be the
  /// caller. False when there is nothing more to stop.
  bool requestStop(bool graceful);

  /// stop() called from inside a batch: the thread stops after this batch (or,
  /// graceful, once what was received is processed) and then stops the
  /// SparkContext if asked; nothing waits here for the batch that called it.
  void stopFromBatch(bool graceful, bool stopSparkContext);

  /// After requestStop, from any thread but the scheduler's: waits for the
  /// thread within the settings' bounds, leaves it behind (with a warning)
  /// when a batch never ends, and marks the context stopped.
  void finishStop(const StopSettings& settings);

  /// Waits until the context stops; rethrows the first exception a batch raised,
  /// again on every later call.
  void awaitTermination();
  /// Like awaitTermination, but gives up after `timeout` of real time; true if stopped.
  template <class Rep, class Period>
  bool awaitTerminationOrTimeout(std::chrono::duration<Rep, Period> timeout) {
    refuseInsideBatch("awaitTerminationOrTimeout()");
    std::unique_lock lock(mutex_);
    waitFor(terminated_, lock, timeout, [&] { return state_ == ContextState::STOPPED || error_; });
    rethrowError();
    return state_ == ContextState::STOPPED;
  }

 private:
  // The scheduler whose thread this is, if any.
  static const BatchScheduler*& current() {
    static thread_local const BatchScheduler* scheduler = nullptr;
    return scheduler;
  }

  void refuseInsideBatch(const char* call) const;
  void markStopped();
  // Once, whoever asks first; a later caller waits until they are stopped.
  void stopInputs();
  bool awaitExit(Duration timeout);

  // The thread is stuck in a batch: from now on it does nothing when it returns.
  void abandon(Duration waited);

  // A listener stuck in a function must not keep a stop from returning.
  void warn(const std::string& message);

  void rethrowError();

  bool idleAt(std::int64_t now) const override { return nextBatch_.load() > now || exited_.load(); }

  // Waits for the batch due at `next` and returns its time (rank 0 decides and
  // broadcasts it), or none: stop.
  std::optional<Time> awaitBatch(Time next);
  static exec::Bytes encodeBatch(std::optional<Time> t);
  static std::optional<Time> decodeBatch(const exec::Bytes& bytes);

  // With several ranks, the failure of the lowest failing rank becomes every
  // rank's, so that every rank skips, reports and checkpoints alike. `counts`
  // travel with the agreement and come back summed over the ranks (zero when
  // the ranks lost each other).
  std::vector<std::int64_t> agreeOnFailure(std::string_view tag, std::exception_ptr& failure,
                                           std::vector<std::int64_t> counts = {});

  void fail(std::exception_ptr failure);
  void run(Time first);
  void runBatch(Time t);

  // Marks batch t in progress, cuts the inputs into it and tells the
  // listeners it was submitted and started; returns what the cut threw. A
  // batch whose cut failed is still reported, submitted to completed: the
  // listeners learn of its failure as of any other.
  std::exception_ptr startBatch(Time t, BatchInfo& info);

  // The output jobs of batch t, unless it has already failed. Generating them
  // computes the batch's shuffles (keyed ops run eagerly), so it counts as
  // processing, not as scheduling delay. The ranks agree on the failure, so
  // that every rank runs the same jobs, or none.
  std::vector<std::function<void()>> batchJobs(Time t, std::exception_ptr& failure);

  // Runs every job, even after one failed (each output operation is Spark's
  // own job); `failure` keeps the first failure. False when a stop abandoned
  // the thread meanwhile: nothing more of the batch may run or be reported.
  bool runJobs(Time t, const std::vector<std::function<void()>>& jobs, std::exception_ptr& failure);

  // Unless the batch failed, computes what its checkpoint must hold
  // (Checkpointer::computeThrough); then forgets what batch t no longer needs.
  // Every rank takes part in the agreement, failed batch or not, which also
  // sums each state stream's keys over the ranks: those are returned.
  std::vector<std::int64_t> endBatch(Time t, std::exception_ptr& failure);

  // Tells the listeners the batch completed, then marks it no longer in
  // progress; a failure ends awaitTermination() with it.
  void completeBatch(BatchInfo& info, const std::vector<std::int64_t>& keys, std::exception_ptr failure);

  // Cuts every input's records into batch t, counting them per stream.
  void cutInputs(Time t, BatchInfo& info);

  // Runs the id-th job of batch t between its onOutputOperationStarted and
  // onOutputOperationCompleted; the failure every rank agreed on, if any.
  std::exception_ptr runJob(Time t, std::size_t id, const std::function<void()>& job);

  static constexpr std::string_view kBatchTag = "stream batch time";

  SparkContext* sc_;
  // Read once: a batch left behind by a stop may outlive the SparkContext, and
  // with one rank it must never reach the context's cluster again.
  std::size_t ranks_;
  std::shared_ptr<Clock> clock_;
  // Declared before the graph, so destroyed after it: the graph's streams warn
  // the listeners as they go (a Kafka stream's last commits are answered then).
  std::shared_ptr<ListenerBus> bus_;
  std::shared_ptr<DStreamGraph> graph_;
  std::shared_ptr<Checkpointer> checkpointer_;  // set by start(); null without checkpoints

  mutable std::mutex mutex_;
  std::condition_variable terminated_;  // state_ or error_ changed
  std::condition_variable exitCv_;      // exited_ set
  ContextState state_ = ContextState::INITIALIZED;
  std::exception_ptr error_;
  std::optional<Time> inProgress_;
  std::thread thread_;
  std::once_flag inputsStopped_;
  std::atomic<bool> stopRequested_{false};
  std::atomic<bool> graceful_{false};
  std::atomic<bool> exited_{false};
  std::atomic<bool> abandoned_{false};
  std::atomic<bool> stopSparkContextOnExit_{false};
  std::atomic<std::int64_t> nextBatch_{0};
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME StopSettings StopSettings::fromConf(const SparkConf& conf, Duration batchDuration) {
  StopSettings s;
  s.gracefulTimeout = confTimeMs(conf, "spark.streaming.gracefulStopTimeout", 10 * batchDuration);
  s.forcedTimeout = confTimeMs(conf, "rill.streaming.forcedStopTimeout", s.forcedTimeout);
  s.gracefulOnShutdown = confBoolean(conf, "spark.streaming.stopGracefullyOnShutdown", false);
  return s;
}

RILL_RUNTIME BatchScheduler::BatchScheduler(SparkContext& sc, std::shared_ptr<Clock> clock, Duration batchDuration)
    : sc_(&sc),
      ranks_(sc.cluster().size()),
      clock_(std::move(clock)),
      bus_(std::make_shared<ListenerBus>()),
      graph_(std::make_shared<DStreamGraph>(sc, batchDuration)) {}

RILL_RUNTIME void BatchScheduler::start(Time first, std::shared_ptr<Checkpointer> checkpointer) {
  // Inputs first (rank 0's, where they run; a failure is every rank's): one
  // that cannot start leaves the scheduler as it was, not started.
  sc_->cluster().runAndAgree("stream inputs start", [&] {
    if (sc_->isDriver()) graph_->startInputs();
  });
  checkpointer_ = std::move(checkpointer);
  {
    std::lock_guard lock(mutex_);
    nextBatch_ = first.milliseconds();
    state_ = ContextState::ACTIVE;
  }
  clock_->addObserver(this);
  bus_->post(&StreamingListener::onStreamingStarted, first);
  // Under the lock: a batch that calls stop() reads thread_.
  std::lock_guard lock(mutex_);
  thread_ = exec::startThread([self = shared_from_this(), first] { self->run(first); });
}

RILL_RUNTIME bool BatchScheduler::requestStop(bool graceful) {
  {
    std::lock_guard lock(mutex_);
    if (state_ == ContextState::INITIALIZED) {
      state_ = ContextState::STOPPED;
      terminated_.notify_all();
      return false;
    }
    if (state_ == ContextState::STOPPED && !thread_.joinable()) return false;
  }
  if (!onSchedulerThread()) stopInputs();
  graceful_ = graceful;
  stopRequested_ = true;
  clock_->wake();
  return true;
}

RILL_RUNTIME void BatchScheduler::stopFromBatch(bool graceful, bool stopSparkContext) {
  if (stopSparkContext) stopSparkContextOnExit_ = true;
  if (!requestStop(graceful)) return;
  markStopped();
}

RILL_RUNTIME void BatchScheduler::finishStop(const StopSettings& settings) {
  // Another rank stops when rank 0 says so, which may come later.
  if (!sc_->isDriver()) awaitExit(sc_->cluster().timeout());
  if (graceful_ && !awaitExit(settings.gracefulTimeout)) {
    warn("rill: the graceful stop did not finish within spark.streaming.gracefulStopTimeout (" +
         toString(settings.gracefulTimeout) + "); data received and not yet processed is dropped, as in a forced stop");
    graceful_ = false;
    clock_->wake();
  }
  if (awaitExit(settings.forcedTimeout)) {
    if (thread_.joinable()) thread_.join();
  } else {
    abandon(settings.forcedTimeout);
  }
  clock_->removeObserver(this);
  markStopped();
}

RILL_RUNTIME void BatchScheduler::awaitTermination() {
  refuseInsideBatch("awaitTermination()");
  std::unique_lock lock(mutex_);
  terminated_.wait(lock, [&] { return state_ == ContextState::STOPPED || error_; });
  rethrowError();
}

RILL_RUNTIME void BatchScheduler::refuseInsideBatch(const char* call) const {
  if (onSchedulerThread())
    throw IllegalStateException(std::string("rill: ") + call +
                                " cannot be called from inside a batch (a foreachRDD, a transformation or a "
                                "listener): the context cannot stop while the batch waits, so it would wait "
                                "forever");
}

RILL_RUNTIME void BatchScheduler::stopInputs() {
  std::call_once(inputsStopped_, [&] {
    for (auto& in : graph_->inputs()) in->stop();
  });
}

RILL_RUNTIME void BatchScheduler::markStopped() {
  std::lock_guard lock(mutex_);
  state_ = ContextState::STOPPED;
  terminated_.notify_all();
}

RILL_RUNTIME bool BatchScheduler::awaitExit(Duration timeout) {
  std::unique_lock lock(mutex_);
  return waitFor(exitCv_, lock, timeout, [&] { return exited_.load(); });
}

RILL_RUNTIME void BatchScheduler::abandon(Duration waited) {
  std::string batch = "a batch";
  {
    std::lock_guard lock(mutex_);
    if (exited_) {
      thread_.join();
      return;
    }
    abandoned_ = true;
    if (inProgress_) batch = "the batch of " + inProgress_->toString();
    thread_.detach();
  }
  warn("rill: stop(): " + batch + " is still running after rill.streaming.forcedStopTimeout (" + toString(waited) +
       "): a function of it does not return. The context stops without it; its thread is "
       "left behind and does nothing more if the function returns");
  bus_->tryPost(std::chrono::seconds(1), &StreamingListener::onStreamingStopped, Time(clock_->getTimeMillis()));
}

RILL_RUNTIME void BatchScheduler::warn(const std::string& message) {
  bus_->tryPost(std::chrono::seconds(1), &StreamingListener::onWarning, message);
}

RILL_RUNTIME void BatchScheduler::rethrowError() {
  // Kept, not cleared: every later wait sees the same failure (Spark's ContextWaiter).
  if (error_) std::rethrow_exception(error_);
}

RILL_RUNTIME std::optional<Time> BatchScheduler::awaitBatch(Time next) {
  if (ranks_ > 1 && !sc_->cluster().isDriver()) return decodeBatch(sc_->cluster().broadcast(kBatchTag, 0, {}));
  clock_->waitTillTime(next.milliseconds(), [&] { return stopRequested_.load(); });
  const bool stop = stopRequested_ && !(graceful_ && graph_->hasPendingData());
  const std::optional<Time> due = stop ? std::nullopt : std::optional<Time>(next);
  if (ranks_ > 1) sc_->cluster().broadcast(kBatchTag, 0, encodeBatch(due));
  return due;
}

RILL_RUNTIME exec::Bytes BatchScheduler::encodeBatch(std::optional<Time> t) {
  exec::Bytes out;
  exec::appendWire(out, std::pair<bool, std::int64_t>(t.has_value(), t ? t->milliseconds() : 0), kBatchTag);
  return out;
}

RILL_RUNTIME std::optional<Time> BatchScheduler::decodeBatch(const exec::Bytes& bytes) {
  const auto [due, ms] = exec::readWire<std::pair<bool, std::int64_t>>(bytes, kBatchTag);
  return due ? std::optional<Time>(Time(ms)) : std::nullopt;
}

RILL_RUNTIME std::vector<std::int64_t> BatchScheduler::agreeOnFailure(std::string_view tag, std::exception_ptr& failure,
                                                                      std::vector<std::int64_t> counts) {
  if (ranks_ == 1) return counts;
  try {
    exec::Bytes mine;
    if (!counts.empty()) exec::appendWire(mine, counts, tag);
    std::fill(counts.begin(), counts.end(), 0);
    const exec::Agreement agreed = sc_->cluster().agree(tag, failure, std::move(mine));
    for (const exec::Bytes& rank : agreed.payloads) {
      if (rank.empty()) continue;
      const auto theirs = exec::readWire<std::vector<std::int64_t>>(rank, tag);
      for (std::size_t i = 0; i < counts.size() && i < theirs.size(); ++i) counts[i] += theirs[i];
    }
    agreed.rethrow();
  } catch (...) {
    failure = std::current_exception();
  }
  return counts;
}

RILL_RUNTIME void BatchScheduler::fail(std::exception_ptr failure) {
  std::lock_guard lock(mutex_);
  if (!error_) error_ = failure;
  terminated_.notify_all();
}

RILL_RUNTIME void BatchScheduler::run(Time first) {
  current() = this;
  for (Time next = first;; next = next + graph_->batchDuration()) {
    std::optional<Time> due;
    try {
      due = awaitBatch(next);
    } catch (...) {  // the ranks lost each other: no batch can run any more
      fail(std::current_exception());
    }
    if (!due) break;
    const Time t = next = *due;
    runBatch(t);
    if (abandoned_) return;
    if (stopRequested_) stopInputs();  // asked inside the batch, where it could not be done
    nextBatch_ = (t + graph_->batchDuration()).milliseconds();
    clock_->notifyProgress();
  }
  // Before exited_: stop() returns only once the listeners know.
  if (!abandoned_) bus_->post(&StreamingListener::onStreamingStopped, Time(clock_->getTimeMillis()));
  {
    std::lock_guard lock(mutex_);
    if (abandoned_) return;
    exited_ = true;
    exitCv_.notify_all();
  }
  clock_->notifyProgress();
  if (ranks_ > 1 && !sc_->isDriver()) markStopped();  // rank 0's stop, or a lost rank 0, ends this rank's context
  if (stopSparkContextOnExit_) sc_->stop();
}

RILL_RUNTIME void BatchScheduler::runBatch(Time t) {
  BatchInfo info;
  std::exception_ptr failure = startBatch(t, info);
  const auto jobs = batchJobs(t, failure);
  if (!runJobs(t, jobs, failure)) return;
  const auto keys = endBatch(t, failure);
  info.processingEndTime = Time(clock_->getTimeMillis());
  if (failure) info.failureReason = describeException(failure);
  if (checkpointer_ && !failure) checkpointer_->afterBatch(*graph_, t, *bus_);
  if (abandoned_) return;
  completeBatch(info, keys, failure);
}

RILL_RUNTIME std::exception_ptr BatchScheduler::startBatch(Time t, BatchInfo& info) {
  {
    std::lock_guard lock(mutex_);
    inProgress_ = t;
  }
  info.batchTime = t;
  info.submissionTime = Time(clock_->getTimeMillis());
  std::exception_ptr failure = exec::failureOf([&] { cutInputs(t, info); });
  bus_->post(&StreamingListener::onBatchSubmitted, info);
  info.processingStartTime = Time(clock_->getTimeMillis());
  bus_->post(&StreamingListener::onBatchStarted, info);
  return failure;
}

RILL_RUNTIME std::vector<std::function<void()>> BatchScheduler::batchJobs(Time t, std::exception_ptr& failure) {
  std::vector<std::function<void()>> jobs;
  if (!failure) failure = exec::failureOf([&] { jobs = graph_->generateJobs(t); });
  agreeOnFailure("batch jobs", failure);
  if (failure) jobs.clear();  // every rank has the same jobs, or none
  return jobs;
}

RILL_RUNTIME bool BatchScheduler::runJobs(Time t, const std::vector<std::function<void()>>& jobs,
                                          std::exception_ptr& failure) {
  for (std::size_t id = 0; id < jobs.size(); ++id) {
    if (abandoned_) return false;
    std::exception_ptr jobFailure = runJob(t, id, jobs[id]);
    if (!failure) failure = jobFailure;
  }
  return !abandoned_;
}

RILL_RUNTIME std::vector<std::int64_t> BatchScheduler::endBatch(Time t, std::exception_ptr& failure) {
  std::exception_ptr ended = exec::failureOf([&] {
    if (checkpointer_ && !failure) checkpointer_->computeThrough(*graph_, t);
  });
  const std::exception_ptr cleared = exec::failureOf([&] { graph_->clearMetadata(t); });
  if (!ended) ended = cleared;
  // Each rank holds the keys of its partitions of each state stream.
  const auto keys = agreeOnFailure("batch end", ended, stateKeyCounts(graph_->checkpoints()));
  if (!failure) failure = ended;
  return keys;
}

RILL_RUNTIME void BatchScheduler::completeBatch(BatchInfo& info, const std::vector<std::int64_t>& keys,
                                                std::exception_ptr failure) {
  for (std::size_t i = 0; i < keys.size(); ++i) info.stateKeys[static_cast<int>(i)] = keys[i];
  bus_->post(&StreamingListener::onBatchCompleted, info);
  std::lock_guard lock(mutex_);
  inProgress_.reset();
  if (failure && !error_) error_ = failure;
  if (failure) terminated_.notify_all();
}

RILL_RUNTIME void BatchScheduler::cutInputs(Time t, BatchInfo& info) {
  const auto& inputs = graph_->inputs();
  for (std::size_t id = 0; id < inputs.size(); ++id) {
    const std::int64_t n = inputs[id]->cut(t);
    info.streamIdToInputInfo[static_cast<int>(id)] = StreamInputInfo{static_cast<int>(id), n};
    info.numRecords += n;
  }
}

RILL_RUNTIME std::exception_ptr BatchScheduler::runJob(Time t, std::size_t id, const std::function<void()>& job) {
  OutputOperationInfo op;
  op.batchTime = t;
  op.id = static_cast<int>(id);
  if (const auto* described = outputJobOf(job)) {
    op.name = described->name;
    op.description = described->description;
  }
  op.startTime = Time(clock_->getTimeMillis());
  bus_->post(&StreamingListener::onOutputOperationStarted, op);
  std::exception_ptr failure;
  try {
    job();
  } catch (...) {
    failure = std::current_exception();
  }
  agreeOnFailure("batch job", failure);
  if (abandoned_) return failure;
  op.endTime = Time(clock_->getTimeMillis());
  if (failure) op.failureReason = describeException(failure);
  bus_->post(&StreamingListener::onOutputOperationCompleted, op);
  return failure;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
