#pragma once
// MockCluster: librdkafka's mock Kafka cluster, brokers that speak the Kafka
// protocol on localhost ports inside this process. Tests and demos run against
// it with no broker installed. What it does not emulate (docs/kafka.md): it
// shows aborted transactional records to read_committed consumers, cannot add
// partitions to a topic, lets consumers join a group only after 3 s, keeps at
// most 5 MiB per partition (older records go, as retention would drop them),
// and answers a client's offset queries after that client's pending fetch.
#include <rill/core/runtime.hpp>
#include <rill/kafka/client.hpp>
#include <rill/kafka/errors.hpp>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace rill::kafka {

class MockCluster {
 public:
  explicit MockCluster(int brokers = 3);
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;
  ~MockCluster() { rd_kafka_mock_cluster_destroy(cluster_); }

  /// "127.0.0.1:port,...": the value for kafkaParams' "bootstrap.servers".
  const std::string& bootstrapServers() const { return bootstrap_; }

  void createTopic(const std::string& topic, int partitions, int replicationFactor = 1);

  /// Every broker refuses connections (brokerId -1) or one does, until brokerUp.
  void brokerDown(std::int32_t brokerId = -1) { rd_kafka_mock_broker_set_down(cluster_, brokerId); }
  void brokerUp(std::int32_t brokerId = -1) { rd_kafka_mock_broker_set_up(cluster_, brokerId); }

  /// librdkafka's handle, for what this class does not wrap (rdkafka_mock.h).
  rd_kafka_mock_cluster_t* get() const { return cluster_; }

 private:
  detail::Client host_;  // the mock's brokers run on this client's threads
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME MockCluster::MockCluster(int brokers) : host_(RD_KAFKA_PRODUCER, {{"log_level", "3"}}) {
  if (brokers < 1) throw std::invalid_argument("rill: a mock Kafka cluster needs at least one broker");
  cluster_ = rd_kafka_mock_cluster_new(host_.get(), brokers);
  if (!cluster_) throw KafkaException("rill: cannot start a mock Kafka cluster");
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
}

RILL_RUNTIME void MockCluster::createTopic(const std::string& topic, int partitions, int replicationFactor) {
  if (const auto err = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, replicationFactor))
    throw KafkaException("rill: mock cluster: cannot create topic '" + topic + "': " + detail::errorText(err), err);
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka
