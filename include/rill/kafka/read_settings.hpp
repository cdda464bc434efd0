#pragma once
// The Spark settings that govern reading offset ranges, from the SparkConf.
#include <rill/core/runtime.hpp>
#include <rill/rdd/conf.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace rill::kafka::detail {

struct ReadSettings {
  /// spark.streaming.kafka.consumer.poll.ms: how long a reader waits for the
  /// next record of its range before the task fails (Spark's default, 120 s).
  std::int64_t pollTimeoutMs = 120000;
  /// spark.streaming.kafka.consumer.cache.enabled / .maxCapacity: readers kept
  /// between batches, one per Kafka partition.
  bool cacheEnabled = true;
  std::size_t cacheCapacity = 64;

  static ReadSettings fromConf(const SparkConf& conf);
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME ReadSettings ReadSettings::fromConf(const SparkConf& conf) {
  ReadSettings s;
  s.pollTimeoutMs = conf.getLong("spark.streaming.kafka.consumer.poll.ms", s.pollTimeoutMs);
  if (s.pollTimeoutMs <= 0)
    throw std::invalid_argument("rill: spark.streaming.kafka.consumer.poll.ms must be positive");
  const std::string enabled = conf.get("spark.streaming.kafka.consumer.cache.enabled", "true");
  if (enabled != "true" && enabled != "false")
    throw std::invalid_argument("rill: spark.streaming.kafka.consumer.cache.enabled must be true or false, got '" +
                                enabled + "'");
  s.cacheEnabled = enabled == "true";
  const long long capacity = conf.getLong("spark.streaming.kafka.consumer.cache.maxCapacity", 64);
  if (capacity < 0) throw std::invalid_argument("rill: spark.streaming.kafka.consumer.cache.maxCapacity must be >= 0");
  s.cacheCapacity = static_cast<std::size_t>(capacity);
  return s;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka::detail
