#pragma once
// The consumer a direct stream asks on the scheduler thread, at each batch,
// which partitions there are and where their logs end (Spark's driver
// consumer). It never fetches records (so its offset queries never wait behind
// a fetch), never joins a group, and commits offsets for the program
// (commitAsync) to the group of kafkaParams' "group.id".
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/kafka/client.hpp>
#include <rill/kafka/errors.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/kafka/params.hpp>

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rill::kafka::detail {

class DriverConsumer {
 public:
  /// Called with librdkafka's answer to a commit (NO_ERROR when committed).
  using CommitDone = std::function<void(rd_kafka_resp_err_t)>;

  explicit DriverConsumer(const KafkaParams& params);
  DriverConsumer(const DriverConsumer&) = delete;
  DriverConsumer& operator=(const DriverConsumer&) = delete;
  ~DriverConsumer();

  /// Every topic the cluster has now, with its number of partitions. A topic
  /// `wanted` names whose metadata comes with an error (its leader moving, say)
  /// throws that error: left out, it would look deleted, and be read again
  /// from its start once back.
  std::map<std::string, int> topics(std::chrono::milliseconds timeout,
                                    const std::function<bool(const std::string&)>& wanted = {});

  /// Where each partition's log ends (the next offset to be written; for
  /// read_committed, the end of the committed records), in the order given.
  std::vector<std::int64_t> latest(const std::vector<TopicPartition>& tps, std::chrono::milliseconds timeout) {
    return lookup(tps, RD_KAFKA_OFFSET_END, timeout);
  }
  /// Where each partition's log starts now (retention moves it).
  std::vector<std::int64_t> earliest(const std::vector<TopicPartition>& tps, std::chrono::milliseconds timeout) {
    return lookup(tps, RD_KAFKA_OFFSET_BEGINNING, timeout);
  }

  /// The offsets the group committed (-1 where it committed none).
  std::vector<std::int64_t> committed(const std::vector<TopicPartition>& tps, std::chrono::milliseconds timeout);

  /// Commits `offsets` (the next offset to read, per partition) without
  /// waiting; done(error) is called from serveCommits once Kafka answered.
  void commit(const std::map<TopicPartition, std::int64_t>& offsets, CommitDone done);
  /// Calls the done callbacks of commits Kafka has answered, waiting up to `wait` for one.
  void serveCommits(std::chrono::milliseconds wait) { rd_kafka_queue_poll_callback(commits_, ms(wait)); }

 private:
  static int ms(std::chrono::milliseconds d) { return static_cast<int>(d.count()); }

  static constexpr std::chrono::seconds kCloseWait{5};

  struct Pending {
    DriverConsumer* self;
    CommitDone done;
  };
  static void committedCb(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets, void* opaque);

  std::vector<std::int64_t> lookup(const std::vector<TopicPartition>& tps, std::int64_t which,
                                   std::chrono::milliseconds timeout);
  // Throws p's own error (an answer can succeed with a partition failing), as
  // "cannot <what> of topic 't' partition n: ...", keeping its code so that a
  // passing one is asked again.
  static void throwIfFailed(const rd_kafka_topic_partition_t& p, const char* what);

  Client client_;
  rd_kafka_queue_t* commits_;
  std::atomic<int> pending_{0};
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME DriverConsumer::DriverConsumer(const KafkaParams& params)
    : client_(RD_KAFKA_CONSUMER, params, {{"enable.auto.commit", "false"}}),
      commits_(rd_kafka_queue_new(client_.get())) {}

RILL_RUNTIME DriverConsumer::~DriverConsumer() {
  // Commits in flight get their answer (bounded: an unreachable group coordinator
  // must not hold the program up), so no callback is left behind unserved.
  const auto deadline = std::chrono::steady_clock::now() + kCloseWait;
  while (pending_ > 0 && std::chrono::steady_clock::now() < deadline) serveCommits(std::chrono::milliseconds(100));
  rd_kafka_queue_destroy(commits_);
}

RILL_RUNTIME std::map<std::string, int> DriverConsumer::topics(std::chrono::milliseconds timeout,
                                                               const std::function<bool(const std::string&)>& wanted) {
  const rd_kafka_metadata_t* raw = nullptr;
  if (const auto err = rd_kafka_metadata(client_.get(), 1, nullptr, &raw, ms(timeout)))
    throw KafkaException("cannot list the topics: " + errorText(err), err);
  const std::unique_ptr<const rd_kafka_metadata_t, void (*)(const rd_kafka_metadata_t*)> md(raw,
                                                                                            rd_kafka_metadata_destroy);
  std::map<std::string, int> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (t.err == RD_KAFKA_RESP_ERR_NO_ERROR)
      out[t.topic] = t.partition_cnt;
    else if (t.err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART && wanted && wanted(t.topic))  // else: being deleted
      throw KafkaException(std::string("topic '") + t.topic + "' is not available: " + errorText(t.err), t.err);
  }
  return out;
}

RILL_RUNTIME std::vector<std::int64_t> DriverConsumer::committed(const std::vector<TopicPartition>& tps,
                                                                 std::chrono::milliseconds timeout) {
  PartitionList list(tps, RD_KAFKA_OFFSET_INVALID);
  if (const auto err = rd_kafka_committed(client_.get(), list.get(), ms(timeout)))
    throw KafkaException("cannot read the committed offsets: " + errorText(err), err);
  std::vector<std::int64_t> out;
  for (int i = 0; i < list.size(); ++i) {
    // Not "none committed": starting from auto.offset.reset would skip or read again what the group committed.
    throwIfFailed(list[i], "read the committed offset");
    out.push_back(std::max<std::int64_t>(list[i].offset, -1));
  }
  return out;
}

RILL_RUNTIME void DriverConsumer::commit(const std::map<TopicPartition, std::int64_t>& offsets, CommitDone done) {
  PartitionList list;
  for (const auto& [tp, offset] : offsets) list.add(tp, offset);
  auto* callback = new Pending{this, std::move(done)};
  ++pending_;
  if (const auto err =
          rd_kafka_commit_queue(client_.get(), list.get(), commits_, &DriverConsumer::committedCb, callback))
    committedCb(client_.get(), err, nullptr, callback);  // not taken: librdkafka will not call back
}

RILL_RUNTIME void DriverConsumer::committedCb(rd_kafka_t*, rd_kafka_resp_err_t err,
                                              rd_kafka_topic_partition_list_t* offsets, void* opaque) {
  std::unique_ptr<Pending> p(static_cast<Pending*>(opaque));
  --p->self->pending_;
  for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && offsets && i < offsets->cnt; ++i) err = offsets->elems[i].err;
  p->done(err);
}

RILL_RUNTIME std::vector<std::int64_t> DriverConsumer::lookup(const std::vector<TopicPartition>& tps,
                                                              std::int64_t which, std::chrono::milliseconds timeout) {
  std::vector<std::int64_t> out;
  if (tps.empty()) return out;
  // ListOffsets with a "timestamp" of END or BEGINNING: one request per broker for all partitions.
  PartitionList list(tps, which);
  if (const auto err = rd_kafka_offsets_for_times(client_.get(), list.get(), ms(timeout)))
    throw KafkaException("cannot look up offsets: " + errorText(err), err);
  for (int i = 0; i < list.size(); ++i) {
    throwIfFailed(list[i], "look up the offsets");
    out.push_back(list[i].offset);
  }
  return out;
}

RILL_RUNTIME void DriverConsumer::throwIfFailed(const rd_kafka_topic_partition_t& p, const char* what) {
  if (p.err)
    throw KafkaException(rill::detail::message({"cannot ", what, " of topic '", p.topic, "' partition ", p.partition,
                                                ": ", errorText(p.err)}),
                         p.err);
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka::detail
