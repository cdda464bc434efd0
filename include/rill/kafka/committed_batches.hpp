#pragma once
// Which batch a transactional sink committed last: every record the sink
// writes carries its batch's time in the header "rill.batchTime" and its
// transactional id in "rill.sink", so the newest of its records among the
// committed records of the topic (a read_committed consumer sees no others)
// names the last batch whose transaction committed; other writers' records,
// another sink's included, do not count. Only the end of each partition is
// read, further back only when no record of the sink is there.
#include <rill/core/runtime.hpp>
#include <rill/kafka/driver_consumer.hpp>
#include <rill/kafka/message.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/kafka/params.hpp>
#include <rill/kafka/partition_consumer.hpp>

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rill::kafka::detail {

inline constexpr const char* kBatchTimeHeader = "rill.batchTime";
inline constexpr const char* kSinkHeader = "rill.sink";

/// A sink's kafkaParams for reading only what transactions committed (without
/// the producer's settings, which a consumer would warn about).
RILL_RUNTIME KafkaParams readCommitted(KafkaParams params);

/// The newest batch time of sink `sink`'s records in [from, until) of one partition.
RILL_RUNTIME std::optional<std::int64_t> newestBatchIn(const KafkaParams& params, const OffsetRange& range,
                                                       const std::string& sink, std::int64_t pollTimeoutMs);

/// The newest batch time the sink with transactional id `sink` committed to
/// `topic`; nullopt when none (or no topic). Throws KafkaException when it cannot tell.
RILL_RUNTIME std::optional<std::int64_t> lastCommittedBatch(const KafkaParams& kafkaParams, const std::string& topic,
                                                            const std::string& sink, std::chrono::milliseconds timeout,
                                                            std::int64_t pollTimeoutMs);

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME KafkaParams readCommitted(KafkaParams params) {
  for (const char* key : {"transactional.id", "enable.idempotence", "transaction.timeout.ms"}) params.erase(key);
  params["isolation.level"] = "read_committed";
  return params;
}

RILL_RUNTIME std::optional<std::int64_t> newestBatchIn(const KafkaParams& params, const OffsetRange& range,
                                                       const std::string& sink, std::int64_t pollTimeoutMs) {
  std::optional<std::int64_t> newest;
  PartitionConsumer reader(params, range.topicPartition());
  reader.read(range, pollTimeoutMs, [&](const rd_kafka_message_t& m) {
    if (headerValue(m, kSinkHeader) != sink) return true;
    if (const auto text = headerValue(m, kBatchTimeHeader)) {
      std::int64_t t = 0;
      const auto [end, err] = std::from_chars(text->data(), text->data() + text->size(), t);
      if (err == std::errc() && end == text->data() + text->size()) newest = std::max(newest.value_or(t), t);
    }
    return true;
  });
  return newest;
}

RILL_RUNTIME std::optional<std::int64_t> lastCommittedBatch(const KafkaParams& kafkaParams, const std::string& topic,
                                                            const std::string& sink, std::chrono::milliseconds timeout,
                                                            std::int64_t pollTimeoutMs) {
  const KafkaParams params = readCommitted(kafkaParams);
  DriverConsumer driver(params);
  // A topic whose metadata has an error throws: none committed would write them all again.
  const auto topics = driver.topics(timeout, [&](const std::string& t) { return t == topic; });
  const auto found = topics.find(topic);
  if (found == topics.end()) return std::nullopt;
  std::vector<TopicPartition> tps;
  for (int p = 0; p < found->second; ++p) tps.push_back({topic, p});
  const auto low = driver.earliest(tps, timeout);
  const auto high = driver.latest(tps, timeout);
  std::optional<std::int64_t> newest;
  for (std::size_t i = 0; i < tps.size(); ++i) {
    // A batch's records end each partition it wrote to, followed by its commit
    // marker: a short look back finds them unless other writers came after.
    for (std::int64_t back = 16; high[i] > low[i]; back *= 8) {
      const std::int64_t from = std::max(low[i], high[i] - back);
      const auto t = newestBatchIn(params, {topic, tps[i].partition, from, high[i]}, sink, pollTimeoutMs);
      if (t) newest = std::max(newest.value_or(*t), *t);
      if (t || from == low[i]) break;
    }
  }
  return newest;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka::detail
