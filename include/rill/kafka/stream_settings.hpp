#pragma once
// The settings a direct stream reads: Spark's, from the SparkConf, plus the
// back-off between retries from kafkaParams (librdkafka's retry.backoff.ms).
#include <rill/core/runtime.hpp>
#include <rill/kafka/params.hpp>
#include <rill/kafka/read_settings.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/state_limits.hpp>
#include <rill/stream/time.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace rill::kafka::detail {

struct StreamSettings {
  /// spark.streaming.kafka.maxRatePerPartition: at most this many offsets per
  /// partition and second of batch (0: no limit).
  std::int64_t maxRatePerPartition = 0;
  /// spark.streaming.kafka.minRatePerPartition: with a limit, at least this many.
  std::int64_t minRatePerPartition = 1;
  /// spark.streaming.kafka.maxRetries: how often a batch asks the brokers again
  /// after a failed query (partitions, offsets) before it fails.
  int maxRetries = 1;
  /// rill.streaming.kafka.driverTimeout.ms: how long one such query may take.
  std::chrono::milliseconds driverTimeout{10000};
  /// kafkaParams' retry.backoff.ms: the first wait between attempts, doubled at each retry.
  std::chrono::milliseconds retryBackoff{100};
  /// spark.streaming.backpressure.*: the rate adapts to how fast batches are processed.
  BackpressureSettings backpressure;
  ReadSettings read;
  /// rill.streaming.state.maxPendingBatches: the most batches the cut log
  /// holds after the last checkpoint on disk.
  std::size_t maxPendingBatches = 100'000;

  static StreamSettings from(const SparkConf& conf, const KafkaParams& params);

 private:
  static std::int64_t nonNegative(const SparkConf& conf, const std::string& key, std::int64_t fallback);
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME StreamSettings StreamSettings::from(const SparkConf& conf, const KafkaParams& params) {
  StreamSettings s;
  s.maxRatePerPartition = nonNegative(conf, "spark.streaming.kafka.maxRatePerPartition", 0);
  s.minRatePerPartition = nonNegative(conf, "spark.streaming.kafka.minRatePerPartition", 1);
  s.maxRetries = static_cast<int>(nonNegative(conf, "spark.streaming.kafka.maxRetries", 1));
  s.driverTimeout = std::chrono::milliseconds(nonNegative(conf, "rill.streaming.kafka.driverTimeout.ms", 10000));
  if (s.driverTimeout.count() == 0)
    throw std::invalid_argument("rill: rill.streaming.kafka.driverTimeout.ms must be positive");
  if (auto backoff = lookup(params, "retry.backoff.ms"))
    s.retryBackoff = std::chrono::milliseconds(std::stoll(*backoff));
  s.backpressure = ReceiverSettings::fromConf(conf).backpressure;  // read where receivers read it
  s.read = ReadSettings::fromConf(conf);
  s.maxPendingBatches = rill::detail::maxPendingStateBatches(conf);
  return s;
}

RILL_RUNTIME std::int64_t StreamSettings::nonNegative(const SparkConf& conf, const std::string& key,
                                                      std::int64_t fallback) {
  const long long v = conf.getLong(key, fallback);
  if (v < 0) throw std::invalid_argument("rill: " + key + " must not be negative, got " + std::to_string(v));
  return v;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka::detail
