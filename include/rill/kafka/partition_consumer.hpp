#pragma once
// A consumer assigned directly to one Kafka partition (no group join) that
// reads offset ranges of it: what an RDD partition over Kafka runs. Between
// ranges it keeps its position, so a batch that starts where the previous one
// ended reads on from what librdkafka already fetched instead of seeking.
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/exec/cancellation.hpp>
#include <rill/kafka/client.hpp>
#include <rill/kafka/errors.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/kafka/params.hpp>
#include <rill/kafka/range_progress.hpp>

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>

namespace rill::kafka::detail {

/// The settings every range reader gets on top of the program's (as Spark's
/// executors): no automatic commits, no silent jump when offsets are gone, an
/// event at the partition's end (how a range that ends in offsets without
/// records is known to be complete), and a group id of its own (librdkafka
/// wants one to consume; rill never joins the group).
RILL_RUNTIME KafkaParams readerOverrides(const KafkaParams& params);

struct FreeMessage {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using MessagePtr = std::unique_ptr<rd_kafka_message_t, FreeMessage>;

class PartitionConsumer {
 public:
  PartitionConsumer(const KafkaParams& params, TopicPartition tp);
  PartitionConsumer(const PartitionConsumer&) = delete;
  PartitionConsumer& operator=(const PartitionConsumer&) = delete;
  ~PartitionConsumer();

  const TopicPartition& topicPartition() const { return tp_; }

  /// Hands every record of `range` (this consumer's partition) to emit(const
  /// rd_kafka_message_t&), in offset order; emit returns false to stop early.
  /// Throws KafkaException naming the range when its offsets are no longer in
  /// the log, when the partition cannot be read, or when no record arrives for
  /// pollTimeoutMs (spark.streaming.kafka.consumer.poll.ms). False when emit stopped.
  template <class Emit>
  bool read(const OffsetRange& range, std::int64_t pollTimeoutMs, Emit&& emit) {
    RangeProgress progress(range);
    if (progress.done()) return true;
    if (position_ != range.fromOffset) seek(range.fromOffset);
    position_ = -1;  // unknown until the range is read in full
    while (!progress.done()) {
      MessagePtr m = next(range, progress, pollTimeoutMs);
      if (m->err) {
        onEvent(*m, range, progress);
        continue;
      }
      switch (progress.onRecord(m->offset)) {
        case RangeProgress::Verdict::Skip:
          break;
        case RangeProgress::Verdict::Beyond:
          stash_.push_front(std::move(m));  // the next range's first record
          break;
        default:
          if (!emit(static_cast<const rd_kafka_message_t&>(*m))) return false;
      }
    }
    position_ = range.untilOffset;
    return true;
  }

 private:
  static constexpr std::size_t kBatch = 512;
  static constexpr std::int64_t kCancelCheckMs = 100;  // a failed job's task stops within this

  void seek(std::int64_t offset);

  // The next message or event: stashed first, else polled, waiting at most
  // pollTimeoutMs for one.
  MessagePtr next(const OffsetRange& range, const RangeProgress& progress, std::int64_t pollTimeoutMs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(pollTimeoutMs);
    while (stash_.empty()) {
      exec::throwIfCancelled();
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) throw noRecords(range, progress, pollTimeoutMs);
      // What has arrived, in one call; else wait for the next one (a batch call
      // would wait for a full batch or the whole timeout).
      rd_kafka_message_t* batch[kBatch];
      const ssize_t n = rd_kafka_consume_batch_queue(queue_, 0, batch, kBatch);
      for (ssize_t i = 0; i < n; ++i) stash_.emplace_back(batch[i]);
      if (n > 0) break;
      const auto wait = static_cast<int>(std::min<std::int64_t>(left.count(), kCancelCheckMs));
      if (rd_kafka_message_t* m = rd_kafka_consume_queue(queue_, wait)) stash_.emplace_back(m);
    }
    MessagePtr m = std::move(stash_.front());
    stash_.pop_front();
    return m;
  }

  void onEvent(const rd_kafka_message_t& m, const OffsetRange& range, RangeProgress& progress);

  KafkaException offsetsGone(const OffsetRange& range, const RangeProgress& progress, const rd_kafka_message_t& m);

  KafkaException noRecords(const OffsetRange& range, const RangeProgress& progress, std::int64_t pollTimeoutMs) const;

  static std::string eventText(const rd_kafka_message_t& m) { return rd_kafka_message_errstr(&m); }

  Client client_;
  rd_kafka_queue_t* queue_;
  TopicPartition tp_;
  std::int64_t position_ = -1;    // where the stash and the queue go on from; -1: unknown
  std::deque<MessagePtr> stash_;  // polled, not handed out yet
  std::string lastProblem_;
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME KafkaParams readerOverrides(const KafkaParams& params) {
  return {{"enable.auto.commit", "false"},
          {"auto.offset.reset", "error"},
          {"enable.partition.eof", "true"},
          {"group.id", "rill-executor-" + lookup(params, "group.id").value_or("default")}};
}

RILL_RUNTIME PartitionConsumer::PartitionConsumer(const KafkaParams& params, TopicPartition tp)
    : client_(RD_KAFKA_CONSUMER, params, readerOverrides(params)),
      queue_(rd_kafka_queue_get_consumer(client_.get())),
      tp_(std::move(tp)) {}

RILL_RUNTIME PartitionConsumer::~PartitionConsumer() {
  stash_.clear();
  rd_kafka_queue_destroy(queue_);
}

RILL_RUNTIME void PartitionConsumer::seek(std::int64_t offset) {
  stash_.clear();
  PartitionList assignment;
  assignment.add(tp_, offset);
  // librdkafka drops what it fetched for the old assignment (its version barrier).
  if (const auto err = rd_kafka_assign(client_.get(), assignment.get()))
    throw KafkaException("rill: cannot assign Kafka topic '" + tp_.topic + "' partition " +
                             std::to_string(tp_.partition) + " to a reader: " + errorText(err),
                         err);
}

RILL_RUNTIME void PartitionConsumer::onEvent(const rd_kafka_message_t& m, const OffsetRange& range,
                                             RangeProgress& progress) {
  switch (m.err) {
    case RD_KAFKA_RESP_ERR__PARTITION_EOF:
      progress.onEnd(m.offset);
      return;
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
      throw offsetsGone(range, progress, m);
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      throw KafkaException("rill: cannot read Kafka " + describe(range) + ": " + eventText(m), m.err);
    default:  // passing trouble (a broker restarting): librdkafka retries; the poll timeout bounds the wait
      lastProblem_ = eventText(m);
  }
}

RILL_RUNTIME KafkaException PartitionConsumer::offsetsGone(const OffsetRange& range, const RangeProgress& progress,
                                                           const rd_kafka_message_t& m) {
  std::int64_t low = -1, high = -1;
  // The offsets the log holds now, to say how much is gone.
  if (rd_kafka_query_watermark_offsets(client_.get(), tp_.topic.c_str(), tp_.partition, &low, &high, 2000))
    rd_kafka_get_watermark_offsets(client_.get(), tp_.topic.c_str(), tp_.partition, &low, &high);
  std::string where = low >= 0 ? rill::detail::message({" (the log now starts at offset ", low, ")"}) : "";
  return KafkaException(
      rill::detail::message({"rill: Kafka ", describe(range), ": offset ", progress.next(), " is no longer in the log",
                             where, "; retention or compaction removed it before the batch read it (", eventText(m),
                             ")"}),
      RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE);
}

RILL_RUNTIME KafkaException PartitionConsumer::noRecords(const OffsetRange& range, const RangeProgress& progress,
                                                         std::int64_t pollTimeoutMs) const {
  return KafkaException(
      rill::detail::message({"rill: Kafka ", describe(range), ": no record at or after offset ", progress.next(),
                             " arrived within ", pollTimeoutMs, " ms (spark.streaming.kafka.consumer.poll.ms)",
                             lastProblem_.empty() ? std::string() : "; last problem: " + lastProblem_}),
      RD_KAFKA_RESP_ERR__TIMED_OUT);
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka::detail
