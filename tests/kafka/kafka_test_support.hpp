#pragma once
// Shared by the Kafka tests: a mock cluster of 3 brokers, the kafkaParams that
// reach it, and writing known records to it.
#include <doctest/doctest.h>

#include <rill/kafka.hpp>
#include <rill/rdd/spark_context.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rill_kafka_test {

/// A mock cluster with 3 brokers; topics are made by each test.
struct Cluster {
  rill::kafka::MockCluster mock{3};

  /// What every client of the tests uses: the mock's brokers, librdkafka's
  /// warnings kept off the test output, and short fetch waits (the mock answers
  /// a client's offset queries after its pending fetch).
  rill::kafka::KafkaParams params() const {
    return {{"bootstrap.servers", mock.bootstrapServers()}, {"log_level", "2"}, {"fetch.wait.max.ms", "10"}};
  }

  /// Writes `values` to one partition, keyed "k<i>" with a header "n" = "<i>",
  /// and waits until every one is acknowledged.
  void produce(const std::string& topic, std::int32_t partition, const std::vector<std::string>& values) {
    rill::kafka::Producer producer(params());
    for (std::size_t i = 0; i < values.size(); ++i)
      producer.send({topic, partition, "k" + std::to_string(i), values[i], {{"n", std::to_string(i)}}, 0});
    producer.flush();
  }

  /// Every record of `topic` now, partition by partition.
  std::vector<rill::kafka::ConsumerRecord> readAll(rill::SparkContext& sc, const std::string& topic) {
    rill::kafka::detail::DriverConsumer driver(params());
    const int partitions = driver.topics(std::chrono::seconds(5)).at(topic);
    std::vector<rill::kafka::TopicPartition> tps;
    for (int p = 0; p < partitions; ++p) tps.push_back({topic, p});
    const auto low = driver.earliest(tps, std::chrono::seconds(5));
    const auto high = driver.latest(tps, std::chrono::seconds(5));
    std::vector<rill::kafka::OffsetRange> ranges;
    for (int p = 0; p < partitions; ++p) ranges.push_back({topic, p, low[p], high[p]});
    return rill::kafka::createRDD(sc, params(), ranges).collect();
  }
};

/// "<prefix>0", "<prefix>1", ...: n values.
inline std::vector<std::string> numbered(const std::string& prefix, int n, int first = 0) {
  std::vector<std::string> out;
  for (int i = first; i < first + n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

}  // namespace rill_kafka_test
