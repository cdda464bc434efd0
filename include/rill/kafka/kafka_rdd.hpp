#pragma once
// An RDD over Kafka (Spark's KafkaRDD): partition i reads offset range i with a
// consumer assigned directly to that Kafka partition, so reading the same RDD
// twice reads the same records. createRDD makes one for a batch job over fixed
// ranges; the direct stream makes one per batch.
#include <rill/core/runtime.hpp>
#include <rill/kafka/consumer_pool.hpp>
#include <rill/kafka/consumer_record.hpp>
#include <rill/kafka/message.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/kafka/params.hpp>
#include <rill/kafka/read_settings.hpp>
#include <rill/rdd/derived_nodes.hpp>
#include <rill/rdd/node.hpp>
#include <rill/rdd/rdd.hpp>
#include <rill/rdd/spark_context.hpp>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace rill::kafka {

namespace detail {

class KafkaRDDNode final : public RDDNode<ConsumerRecord> {
 public:
  KafkaRDDNode(std::shared_ptr<ConsumerPool> pool, std::vector<OffsetRange> ranges)
      : pool_(std::move(pool)), ranges_(std::move(ranges)) {}

  std::size_t numPartitions() const override { return ranges_.size(); }
  RILL_RUNTIME bool compute(std::size_t p, ChunkSink<ConsumerRecord>& out) const override;
  const std::vector<OffsetRange>& offsetRanges() const { return ranges_; }

 private:
  std::shared_ptr<ConsumerPool> pool_;
  std::vector<OffsetRange> ranges_;
};

RILL_RUNTIME RDD<ConsumerRecord> kafkaRDD(SparkContext& sc, std::shared_ptr<ConsumerPool> pool,
                                          std::vector<OffsetRange> ranges);

}  // namespace detail

/// createRDD(sc, kafkaParams, offsetRanges): the records of each range, one RDD
/// partition per range, in offset order. kafkaParams go to librdkafka as they
/// are ("bootstrap.servers" is needed). Reading a range whose offsets the log no
/// longer holds fails the job with a KafkaException naming them.
RILL_RUNTIME RDD<ConsumerRecord> createRDD(SparkContext& sc, const KafkaParams& kafkaParams,
                                           std::vector<OffsetRange> offsetRanges);

/// The offset ranges an RDD from createRDD or a direct stream's batch reads, one
/// per partition (Spark's HasOffsetRanges). Only that RDD knows them, not what
/// a transformation made of it: call this in foreachRDD/transform on the
/// stream's own RDD.
RILL_RUNTIME const std::vector<OffsetRange>& offsetRanges(const RDD<ConsumerRecord>& rdd);

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME bool detail::KafkaRDDNode::compute(std::size_t p, ChunkSink<ConsumerRecord>& out) const {
  const OffsetRange& range = ranges_[p];
  if (range.count() == 0) return true;
  rill::detail::ChunkingSink<ConsumerRecord> sink{&out, {}};
  auto reader = pool_->lease(range.topicPartition());
  const bool complete = reader->read(range, pool_->settings().pollTimeoutMs, [&](const rd_kafka_message_t& m) {
    return sink.push(toConsumerRecord(m, range.topic));
  });
  return complete && sink.finish();
}

RILL_RUNTIME RDD<ConsumerRecord> detail::kafkaRDD(SparkContext& sc, std::shared_ptr<ConsumerPool> pool,
                                                  std::vector<OffsetRange> ranges) {
  return RDD<ConsumerRecord>(sc, makeNode<KafkaRDDNode>(std::move(pool), std::move(ranges)));
}

RILL_RUNTIME RDD<ConsumerRecord> createRDD(SparkContext& sc, const KafkaParams& kafkaParams,
                                           std::vector<OffsetRange> offsetRanges) {
  detail::requireUsable(kafkaParams);
  for (const auto& r : offsetRanges) detail::requireValid(r);
  auto pool = std::make_shared<detail::ConsumerPool>(kafkaParams, detail::ReadSettings::fromConf(sc.getConf()));
  return detail::kafkaRDD(sc, std::move(pool), std::move(offsetRanges));
}

RILL_RUNTIME const std::vector<OffsetRange>& offsetRanges(const RDD<ConsumerRecord>& rdd) {
  const auto* node = dynamic_cast<const detail::KafkaRDDNode*>(rdd.node().get());
  if (!node)
    throw std::invalid_argument(
        "rill: offsetRanges(rdd) needs an RDD made by createRDD or createDirectStream, before any "
        "transformation (Spark's HasOffsetRanges)");
  return node->offsetRanges();
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka
