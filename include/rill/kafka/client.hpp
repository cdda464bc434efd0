#pragma once
// Owners of librdkafka's handles: a client (producer or consumer) and a list of
// topic partitions. Each frees its handle once, when it goes out of scope.
#include <rill/core/runtime.hpp>
#include <rill/kafka/errors.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/kafka/params.hpp>

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rill::kafka::detail {

class Client {
 public:
  /// A producer or consumer with `params` and `overrides` on top of them.
  Client(rd_kafka_type_t type, const KafkaParams& params, const KafkaParams& overrides = {})
      : Client(type, makeConf(params, overrides)) {}
  /// A client made from `conf`, which it takes over (destroyed if creation fails).
  Client(rd_kafka_type_t type, rd_kafka_conf_t* conf);
  Client(Client&& o) noexcept : rk_(std::exchange(o.rk_, nullptr)), type_(o.type_) {}
  Client& operator=(Client&& o) noexcept;
  ~Client() { close(); }

  rd_kafka_t* get() const { return rk_; }

 private:
  void close();

  rd_kafka_t* rk_ = nullptr;
  rd_kafka_type_t type_;
};

class PartitionList {
 public:
  PartitionList() : list_(rd_kafka_topic_partition_list_new(4)) {}
  /// Each partition at `offset` (a position, or RD_KAFKA_OFFSET_END / _BEGINNING
  /// as the "timestamp" rd_kafka_offsets_for_times looks up).
  PartitionList(const std::vector<TopicPartition>& tps, std::int64_t offset);
  PartitionList(const PartitionList&) = delete;
  PartitionList& operator=(const PartitionList&) = delete;
  ~PartitionList() { rd_kafka_topic_partition_list_destroy(list_); }

  void add(const TopicPartition& tp, std::int64_t offset) {
    rd_kafka_topic_partition_list_add(list_, tp.topic.c_str(), tp.partition)->offset = offset;
  }
  rd_kafka_topic_partition_list_t* get() const { return list_; }
  int size() const { return list_->cnt; }
  const rd_kafka_topic_partition_t& operator[](int i) const { return list_->elems[i]; }

 private:
  rd_kafka_topic_partition_list_t* list_;
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME Client::Client(rd_kafka_type_t type, rd_kafka_conf_t* conf) : type_(type) {
  char err[512];
  rk_ = rd_kafka_new(type, conf, err, sizeof err);  // takes conf on success only
  if (!rk_) {
    rd_kafka_conf_destroy(conf);
    throw KafkaException(std::string("rill: cannot create a Kafka client: ") + err);
  }
}

RILL_RUNTIME Client& Client::operator=(Client&& o) noexcept {
  if (this != &o) {
    close();
    rk_ = std::exchange(o.rk_, nullptr);
    type_ = o.type_;
  }
  return *this;
}

RILL_RUNTIME void Client::close() {
  if (!rk_) return;
  if (type_ == RD_KAFKA_CONSUMER) rd_kafka_consumer_close(rk_);  // leaves no group: rill never joins one
  rd_kafka_destroy(std::exchange(rk_, nullptr));
}

RILL_RUNTIME PartitionList::PartitionList(const std::vector<TopicPartition>& tps, std::int64_t offset)
    : PartitionList() {
  for (const auto& tp : tps) add(tp, offset);
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka::detail
