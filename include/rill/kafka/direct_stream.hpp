#pragma once
// createDirectStream: Spark's direct approach to Kafka. There is no receiver:
// when a batch is cut, the stream fixes per Kafka partition the offsets
// [from, until) the batch reads — from where the previous batch ended to where
// the log ends now, at most maxRatePerPartition offsets per second of batch —
// and the batch's RDD (a KafkaRDD, one partition per Kafka partition) reads
// them when it is computed. The ranges are what checkpoints save: a job
// restarted with getOrCreate reads again exactly the offsets after its last
// checkpointed batch. With several ranks, rank 0 alone talks to Kafka about
// offsets (it cuts the batches, commits) and sends each batch's ranges to the
// others (driver_ranges.hpp); every rank reads the ranges of its partitions.
// With a checkpoint directory, each cut is on disk before its batch runs
// (cut_log.hpp): a restart runs the batches cut after its checkpoint again with
// the same ranges.
#include <rill/core/runtime.hpp>
#include <rill/core/serialization.hpp>
#include <rill/kafka/consumer_pool.hpp>
#include <rill/kafka/consumer_record.hpp>
#include <rill/kafka/consumer_strategy.hpp>
#include <rill/kafka/cut_log.hpp>
#include <rill/kafka/driver_consumer.hpp>
#include <rill/kafka/driver_ranges.hpp>
#include <rill/kafka/errors.hpp>
#include <rill/kafka/kafka_rdd.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/kafka/rate_limit.hpp>
#include <rill/kafka/stream_settings.hpp>
#include <rill/stream/checkpoint_participant.hpp>
#include <rill/stream/dstream.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/input_node.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/logged_input.hpp>
#include <rill/stream/streaming_context.hpp>
#include <rill/stream/time.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::kafka {

/// What commitAsync calls back with: the ranges it was given, and why the
/// commit failed (null when it succeeded). Called on the scheduler thread
/// during a later batch, or when the stream is destroyed.
using OffsetCommitCallback = std::function<void(const std::vector<OffsetRange>&, std::exception_ptr)>;

namespace detail {

using Offsets = std::map<TopicPartition, std::int64_t>;

class DirectKafkaInputNode final : public rill::detail::InputNode<ConsumerRecord>,
                                   public CheckpointParticipant,
                                   public rill::detail::LoggedInput {
 public:
  /// `rate`: the backpressure's rate, when it is on.
  DirectKafkaInputNode(DStreamGraph& graph, std::weak_ptr<ListenerBus> bus, ConsumerStrategy strategy,
                       StreamSettings settings, std::shared_ptr<const BackpressureRate> rate);
  ~DirectKafkaInputNode() override { sendCommits(); }  // the driver then waits (bounded) for the answers

  /// Fixes the starting offsets now, as Spark's stream does when it starts (so
  /// "latest" means the end of the log at start()). If the brokers cannot be
  /// asked now, the first batch asks them.
  RILL_RUNTIME void start() override;

  void commitAsync(std::vector<OffsetRange> ranges, OffsetCommitCallback callback);

  // ---- checkpoints: the offset ranges of the batches up to the checkpointed one ----
  // Rank 0 only (the context opens the logs there): the cut log in the
  // checkpoint directory, and the cuts after the restored checkpoint to run again.
  RILL_RUNTIME void openLog(const std::string& checkpointDirectory, std::optional<Time> restored) override;
  // The cut log names no receiver log ranges.
  void addLogRanges(Time, std::vector<rill::detail::LogRange>&) override {}
  // Once the checkpoint of t is on disk the log keeps the cuts after the
  // checkpoint written before it, which a restart uses if this one is unusable.
  RILL_RUNTIME void checkpointWritten(Time t) override;

  std::string describe() const override { return "the offsets of a Kafka direct stream"; }
  // A window over this stream would save its batches' records; the ranges say the same in a few bytes.
  const void* identity() const override { return static_cast<const DStreamNode<ConsumerRecord>*>(this); }
  RILL_RUNTIME std::string save(Time t) const override;
  RILL_RUNTIME std::function<void()> prepareRestore(std::string_view bytes, const CheckpointTimes& times) override;

 protected:
  RILL_RUNTIME Batch takeBatch(Time t) override;

 private:
  using SavedBatches = std::vector<std::pair<std::int64_t, std::vector<OffsetRange>>>;

  // Rank 0: batch t's ranges, from where the last batch ended. On failure
  // nothing moves: the next batch starts where this one would have.
  std::vector<OffsetRange> cutOnDriver(Time t);
  // Called with mutex_ held: batch t's ranges as cut before a restart, if
  // they go on from where the restored batches ended (else none, and no more).
  std::optional<std::vector<OffsetRange>> replayed(Time t);
  // This stream's place among the graph's inputs: its cut log's name, the same across restarts.
  std::size_t inputIndex() const;
  // Called with mutex_ held.
  void remember(Time t, const std::vector<OffsetRange>& ranges);

  void restoreBatches(SavedBatches saved);
  struct QueuedCommit {
    std::vector<OffsetRange> ranges;
    OffsetCommitCallback callback;
  };

  static Offsets untilOf(const std::vector<OffsetRange>& ranges);

  // The partitions the strategy reads now, by topic and partition.
  std::vector<TopicPartition> partitionsNow();
  static int partitionCount(const std::map<std::string, int>& topics, const std::string& topic);

  // Where `tps` start: the strategy's offsets; when the stream starts, else the
  // group's committed offsets, else auto.offset.reset (Kafka's default: latest);
  // partitions that appear later, from their earliest offset.
  Offsets startingOffsets(const std::vector<TopicPartition>& tps, bool atStart);
  bool resetToLatest(const TopicPartition& example) const;

  // The next batch's ranges: from where the last batch ended to the log's end now, limited by the rate.
  std::vector<OffsetRange> nextRanges();

  // Runs query(), asking again after a passing failure (brokers unreachable)
  // up to spark.streaming.kafka.maxRetries times, with a doubling back-off;
  // each failure is reported to the listeners.
  template <class Query>
  std::invoke_result_t<Query&> retrying(const std::string& when, Query&& query) {
    auto backoff = settings_.retryBackoff;
    for (int attempt = 0;; ++attempt) {
      try {
        return query();
      } catch (const KafkaException& e) {
        const std::string what = name() + ", " + when + ": " + e.what();
        if (!isTransient(e.code())) throw KafkaException(what, e.code());
        if (attempt >= settings_.maxRetries)
          throw KafkaException(
              rill::detail::message({what, " (gave up after ", attempt + 1,
                                     " attempts, spark.streaming.kafka.maxRetries = ", settings_.maxRetries, ")"}),
              e.code());
        warn(rill::detail::message({what, "; asking again in ", backoff.count(), " ms (retry ", attempt + 1, " of ",
                                    settings_.maxRetries, ")"}));
        std::this_thread::sleep_for(backoff);
        backoff *= 2;
      }
    }
  }

  std::string name() const;
  // Nobody to tell once the context is gone (the program kept this stream, whose last commits are answered now).
  void warn(const std::string& message) {
    if (const auto bus = bus_.lock()) bus->post(&StreamingListener::onWarning, message);
  }

  // The ranges programs asked to commit since the last batch, as one commit.
  void sendCommits();

  // Weak: the context's, which it keeps until its graph is gone; a program may keep this stream longer.
  std::weak_ptr<ListenerBus> bus_;
  ConsumerStrategy strategy_;
  StreamSettings settings_;
  std::shared_ptr<const BackpressureRate> rate_;  // null without backpressure
  std::shared_ptr<ConsumerPool> pool_;            // shared with the batches' RDDs, which may outlive the stream
  std::unique_ptr<DriverConsumer> driver_;  // rank 0's only: the others never ask Kafka about offsets

  mutable std::mutex mutex_;
  Offsets offsets_;       // where the next batch starts; guarded by mutex_
  bool started_ = false;  // whether offsets_ holds the starting offsets; guarded by mutex_
  rill::detail::ByTime<std::vector<OffsetRange>> batches_;  // ranges of the remembered batches; guarded by mutex_
  std::optional<CutLog> cutLog_;  // rank 0's, with a checkpoint directory; guarded by mutex_
  CutLog::Cuts replay_;           // cuts to run again after a restart; guarded by mutex_
  Time lastCheckpoint_, forgetUpTo_;  // guarded by mutex_

  std::mutex commitMutex_;
  std::vector<QueuedCommit> queued_;  // guarded by commitMutex_
};

}  // namespace detail

/// A direct stream: a DStream of ConsumerRecords that can also commit offsets
/// (Spark's CanCommitOffsets).
class DirectKafkaDStream : public DStream<ConsumerRecord> {
 public:
  explicit DirectKafkaDStream(std::shared_ptr<detail::DirectKafkaInputNode> node)
      : DStream<ConsumerRecord>(node), kafka_(std::move(node)) {}

  /// commitAsync(offsetRanges[, callback]): commits each range's untilOffset to
  /// kafkaParams' "group.id" when the next batch is cut (Spark's commitAsync),
  /// then calls callback(offsetRanges, error). Typically, in foreachRDD, after
  /// the batch's output: stream.commitAsync(rill::kafka::offsetRanges(rdd)).
  /// With several ranks rank 0 commits (once) and calls callback; on the other
  /// ranks, which run the same batches, the call only checks its arguments.
  void commitAsync(std::vector<OffsetRange> offsetRanges, OffsetCommitCallback callback = {}) const {
    kafka_->commitAsync(std::move(offsetRanges), std::move(callback));
  }

 private:
  std::shared_ptr<detail::DirectKafkaInputNode> kafka_;
};

/// createDirectStream(ssc, strategy): the records of the partitions `strategy`
/// (Subscribe, SubscribePattern, Assign) names, batch by batch; each batch's
/// RDD knows its offset ranges (offsetRanges(rdd)). Settings: see docs/kafka.md.
RILL_RUNTIME DirectKafkaDStream createDirectStream(StreamingContext& ssc, ConsumerStrategy strategy);

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME detail::DirectKafkaInputNode::DirectKafkaInputNode(DStreamGraph& graph, std::weak_ptr<ListenerBus> bus,
                                                                ConsumerStrategy strategy, StreamSettings settings,
                                                                std::shared_ptr<const BackpressureRate> rate)
    : InputNode(graph),
      bus_(std::move(bus)),
      strategy_(std::move(strategy)),
      settings_(std::move(settings)),
      rate_(std::move(rate)),
      pool_(std::make_shared<ConsumerPool>(strategy_.kafkaParams(), settings_.read)),
      driver_(graph.sparkContext().isDriver() ? std::make_unique<DriverConsumer>(strategy_.kafkaParams()) : nullptr) {}

RILL_RUNTIME void detail::DirectKafkaInputNode::start() {
  std::lock_guard lock(mutex_);
  if (started_ || !driver_) return;  // restored from a checkpoint, or not rank 0 (which cuts the batches)
  try {
    offsets_ = retrying("at start", [&] { return startingOffsets(partitionsNow(), true); });
    started_ = true;
  } catch (const std::exception& e) {
    warn(std::string(e.what()) + "; the first batch tries again");
  }
}

RILL_RUNTIME void detail::DirectKafkaInputNode::commitAsync(std::vector<OffsetRange> ranges,
                                                            OffsetCommitCallback callback) {
  if (!lookup(strategy_.kafkaParams(), "group.id"))
    throw std::invalid_argument(
        "rill: commitAsync needs kafkaParams' \"group.id\" (the consumer group the offsets are committed to)");
  for (const auto& r : ranges) requireValid(r);
  if (!driver_) return;  // rank 0 commits the same ranges: every rank runs the same batches
  std::lock_guard lock(commitMutex_);
  queued_.push_back({std::move(ranges), std::move(callback)});
}

RILL_RUNTIME void detail::DirectKafkaInputNode::openLog(const std::string& checkpointDirectory,
                                                        std::optional<Time> restored) {
  if (checkpointDirectory.empty()) return;
  std::lock_guard lock(mutex_);
  if (cutLog_) return;
  cutLog_.emplace(io::joinPath(checkpointDirectory, "kafka-cuts-" + std::to_string(inputIndex())),
                  settings_.maxPendingBatches);
  if (!restored) return;  // a fresh start: the log of a run that never checkpointed is not replayed
  lastCheckpoint_ = *restored;  // on disk: the cuts after it are the pending ones
  try {
    const auto cuts = cutLog_->load();
    replay_.insert(cuts.upper_bound(restored->milliseconds()), cuts.end());
  } catch (const std::exception& e) {
    warn(name() + ": the cut log '" + cutLog_->path() + "' cannot be read (" + e.what() +
         "); the batches after the checkpoint are cut again");
  }
}

RILL_RUNTIME void detail::DirectKafkaInputNode::checkpointWritten(Time t) {
  std::lock_guard lock(mutex_);
  forgetUpTo_ = lastCheckpoint_;
  lastCheckpoint_ = t;
}

RILL_RUNTIME std::string detail::DirectKafkaInputNode::save(Time t) const {
  std::lock_guard lock(mutex_);
  SavedBatches saved;
  for (const auto& [time, ranges] : batches_)
    if (time <= t) saved.emplace_back(time.milliseconds(), ranges);
  return rill::detail::toBytes(saved);
}

RILL_RUNTIME std::function<void()> detail::DirectKafkaInputNode::prepareRestore(std::string_view bytes,
                                                                                const CheckpointTimes& times) {
  auto saved = rill::detail::fromBytes<SavedBatches>(bytes);
  for (const auto& [ms, ranges] : saved) {
    const Time t(ms);
    if (t <= times.zero || t > times.batch || !isMultipleOf(t - times.zero, slideDuration()))
      throw SparkException(
          rill::detail::message({"rill: the Kafka offsets in the checkpoint are for batch ", ms,
                                 " ms, not a batch of this checkpoint (after ", times.zero.milliseconds(),
                                 " ms, up to ", times.batch.milliseconds(), " ms)"}));
    for (const auto& r : ranges) requireValid(r);
  }
  return [this, saved = std::move(saved)]() mutable { restoreBatches(std::move(saved)); };
}

RILL_RUNTIME detail::DirectKafkaInputNode::Batch detail::DirectKafkaInputNode::takeBatch(Time t) {
  auto ranges = rangesFromDriver(graph().sparkContext().cluster(), [&] { return cutOnDriver(t); });
  if (!driver_) {
    std::lock_guard lock(mutex_);
    remember(t, ranges);  // so that every rank's checkpoint names the same batches
  }
  std::int64_t n = 0;
  for (const auto& r : ranges) n += r.count();
  return {kafkaRDD(graph().sparkContext(), pool_, std::move(ranges)), n};
}

RILL_RUNTIME std::vector<OffsetRange> detail::DirectKafkaInputNode::cutOnDriver(Time t) {
  sendCommits();
  driver_->serveCommits(std::chrono::milliseconds(0));
  std::lock_guard lock(mutex_);
  auto cut = replayed(t);
  auto ranges = cut ? std::move(*cut) : retrying("batch " + t.toString(), [&] { return nextRanges(); });
  // A failed write (or too many batches since the last checkpoint) fails the batch before it reads.
  if (cutLog_) cutLog_->record(t, ranges, forgetUpTo_, lastCheckpoint_);
  offsets_ = untilOf(ranges);
  started_ = true;
  remember(t, ranges);
  return ranges;
}

RILL_RUNTIME std::optional<std::vector<OffsetRange>> detail::DirectKafkaInputNode::replayed(Time t) {
  const auto it = replay_.find(t.milliseconds());
  if (it == replay_.end()) return std::nullopt;
  auto ranges = std::move(it->second);
  replay_.erase(replay_.begin(), std::next(it));
  for (const auto& r : ranges) {
    const auto at = offsets_.find(r.topicPartition());
    if (at != offsets_.end() && at->second != r.fromOffset) {
      warn(
          rill::detail::message({name(), ": the cut log's batch ", t.toString(), " starts ", kafka::detail::describe(r),
                                 " where the checkpoint ends at offset ", at->second, "; it is cut again"}));
      replay_.clear();
      return std::nullopt;
    }
  }
  return ranges;
}

RILL_RUNTIME std::size_t detail::DirectKafkaInputNode::inputIndex() const {
  const auto& inputs = graph().inputs();
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (dynamic_cast<const DirectKafkaInputNode*>(inputs[i].get()) == this) return i;
  return inputs.size();
}

RILL_RUNTIME void detail::DirectKafkaInputNode::remember(Time t, const std::vector<OffsetRange>& ranges) {
  batches_.insertOrAssign(t, ranges);
  batches_.eraseBefore(t - std::max(rememberDuration(), slideDuration()));
}

RILL_RUNTIME void detail::DirectKafkaInputNode::restoreBatches(SavedBatches saved) {
  std::lock_guard lock(mutex_);
  for (auto& [ms, ranges] : saved) {
    // The RDDs a window may still read again read the same ranges.
    DStreamNode<ConsumerRecord>::restore(Time(ms), kafkaRDD(graph().sparkContext(), pool_, ranges));
    batches_.insertOrAssign(Time(ms), std::move(ranges));
  }
  if (batches_.size() > 0) {
    offsets_ = untilOf(std::prev(batches_.end())->second);
    started_ = true;
  }
}

RILL_RUNTIME detail::Offsets detail::DirectKafkaInputNode::untilOf(const std::vector<OffsetRange>& ranges) {
  Offsets out;
  for (const auto& r : ranges) out[r.topicPartition()] = r.untilOffset;
  return out;
}

RILL_RUNTIME std::vector<TopicPartition> detail::DirectKafkaInputNode::partitionsNow() {
  const auto wanted = [&](const std::string& topic) { return strategy_.wants(topic); };
  const auto topics = driver_->topics(settings_.driverTimeout, wanted);
  std::vector<TopicPartition> out;
  auto addAll = [&](const std::string& topic, int count) {
    for (int p = 0; p < count; ++p) out.push_back({topic, p});
  };
  switch (strategy_.kind()) {
    case ConsumerStrategy::Kind::Subscribe:
      for (const auto& topic : strategy_.topics()) addAll(topic, partitionCount(topics, topic));
      break;
    case ConsumerStrategy::Kind::SubscribePattern:
      for (const auto& [topic, count] : topics)
        if (strategy_.wants(topic)) addAll(topic, count);
      break;
    case ConsumerStrategy::Kind::Assign:
      for (const auto& tp : strategy_.assigned()) {
        const int count = partitionCount(topics, tp.topic);
        if (tp.partition >= count)
          throw KafkaException(rill::detail::message(
                                   {"topic '", tp.topic, "' has no partition ", tp.partition, " (it has ", count, ")"}),
                               RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION);
        out.push_back(tp);
      }
      break;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RILL_RUNTIME int detail::DirectKafkaInputNode::partitionCount(const std::map<std::string, int>& topics,
                                                              const std::string& topic) {
  const auto it = topics.find(topic);
  if (it == topics.end())
    throw KafkaException("topic '" + topic + "' does not exist", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  return it->second;
}

RILL_RUNTIME detail::Offsets detail::DirectKafkaInputNode::startingOffsets(const std::vector<TopicPartition>& tps,
                                                                           bool atStart) {
  Offsets out;
  std::vector<TopicPartition> rest;
  for (const auto& tp : tps) {
    const auto it = strategy_.offsets().find(tp);
    if (it != strategy_.offsets().end())
      out[tp] = it->second;
    else
      rest.push_back(tp);
  }
  if (atStart && lookup(strategy_.kafkaParams(), "group.id") && !rest.empty()) {
    const auto committed = driver_->committed(rest, settings_.driverTimeout);
    std::vector<TopicPartition> none;
    for (std::size_t i = 0; i < rest.size(); ++i)
      if (committed[i] >= 0)
        out[rest[i]] = committed[i];
      else
        none.push_back(rest[i]);
    rest = std::move(none);
  }
  if (rest.empty()) return out;
  const bool latest = atStart && resetToLatest(rest.front());
  const auto found =
      latest ? driver_->latest(rest, settings_.driverTimeout) : driver_->earliest(rest, settings_.driverTimeout);
  for (std::size_t i = 0; i < rest.size(); ++i) out[rest[i]] = found[i];
  return out;
}

RILL_RUNTIME bool detail::DirectKafkaInputNode::resetToLatest(const TopicPartition& example) const {
  const std::string reset = lookup(strategy_.kafkaParams(), "auto.offset.reset").value_or("latest");
  if (reset == "latest" || reset == "largest" || reset == "end") return true;
  if (reset == "earliest" || reset == "smallest" || reset == "beginning") return false;
  throw KafkaException("no starting offset for topic '" + example.topic + "' partition " +
                           std::to_string(example.partition) +
                           ": none given, none committed, and auto.offset.reset is '" + reset +
                           "' (set it to earliest or latest, or give the offsets)",
                       RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET);
}

RILL_RUNTIME std::vector<OffsetRange> detail::DirectKafkaInputNode::nextRanges() {
  const auto tps = partitionsNow();
  Offsets from;
  std::vector<TopicPartition> fresh;
  for (const auto& tp : tps) {
    const auto it = offsets_.find(tp);
    if (it != offsets_.end())
      from[tp] = it->second;
    else
      fresh.push_back(tp);
  }
  if (!fresh.empty()) from.merge(startingOffsets(fresh, !started_));
  const auto latest = driver_->latest(tps, settings_.driverTimeout);
  std::vector<std::int64_t> lags;
  for (std::size_t i = 0; i < tps.size(); ++i) {
    const std::int64_t start = from[tps[i]];
    if (latest[i] < start)
      throw KafkaException(rill::detail::message({"topic '", tps[i].topic, "' partition ", tps[i].partition,
                                                  ": the log ends at offset ", latest[i], ", before offset ", start,
                                                  " where this batch starts (was the topic deleted and made again?)"}),
                           RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE);
    lags.push_back(latest[i] - start);
  }
  const auto limits =
      maxOffsetsPerPartition(settings_, slideDuration(), lags, rate_ ? rate_->rate() : std::optional<double>());
  std::vector<OffsetRange> ranges;
  for (std::size_t i = 0; i < tps.size(); ++i) {
    const std::int64_t start = from[tps[i]];
    // The limit compared with the lag, not added to start: it may be near 2^63.
    const std::int64_t until = limits && (*limits)[i] < lags[i] ? start + (*limits)[i] : latest[i];
    ranges.push_back({tps[i].topic, tps[i].partition, start, until});
  }
  return ranges;
}

RILL_RUNTIME std::string detail::DirectKafkaInputNode::name() const {
  return "rill: Kafka direct stream " + strategy_.describe() + " on " +
         lookup(strategy_.kafkaParams(), "bootstrap.servers").value_or("?");
}

RILL_RUNTIME void detail::DirectKafkaInputNode::sendCommits() {
  if (!driver_) return;
  std::vector<QueuedCommit> queued;
  {
    std::lock_guard lock(commitMutex_);
    queued.swap(queued_);
  }
  if (queued.empty()) return;
  Offsets offsets;
  for (const auto& q : queued)
    for (const auto& r : q.ranges) offsets[r.topicPartition()] = std::max(offsets[r.topicPartition()], r.untilOffset);
  const std::string group = lookup(strategy_.kafkaParams(), "group.id").value_or("");
  driver_->commit(offsets, [this, group, queued = std::move(queued)](rd_kafka_resp_err_t err) {
    std::exception_ptr error;
    if (err)
      error = std::make_exception_ptr(
          KafkaException("rill: committing offsets to group '" + group + "' failed: " + errorText(err), err));
    for (const auto& q : queued) {
      if (!q.callback) continue;
      try {
        q.callback(q.ranges, error);
      } catch (const std::exception& e) {
        warn(std::string("rill: a commitAsync callback threw: ") + e.what());
      }
    }
  });
}

RILL_RUNTIME DirectKafkaDStream createDirectStream(StreamingContext& ssc, ConsumerStrategy strategy) {
  DStreamGraph& graph = ssc.graph();
  graph.checkNotStarted();
  auto settings = detail::StreamSettings::from(ssc.sparkContext().getConf(), strategy.kafkaParams());
  std::shared_ptr<detail::BackpressureRate> rate;
  if (settings.backpressure.enabled) {
    rate = std::make_shared<detail::BackpressureRate>(ssc.clock(), graph.nextInputId(), graph.batchDuration(),
                                                      settings.backpressure);
    ssc.addStreamingListener(rate);
  }
  auto node = std::make_shared<detail::DirectKafkaInputNode>(graph, ssc.listenerBusHandle(), std::move(strategy),
                                                             std::move(settings), std::move(rate));
  graph.addInput(node);
  graph.checkpoints().add(node);
  return DirectKafkaDStream(std::move(node));
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka
