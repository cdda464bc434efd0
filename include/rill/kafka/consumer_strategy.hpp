#pragma once
// Which Kafka partitions a direct stream reads (Spark's ConsumerStrategies):
// Subscribe to a list of topics, SubscribePattern to the topics whose whole
// name matches a regular expression (ECMAScript syntax), or Assign a fixed list
// of partitions. Each carries the kafkaParams and, optionally, the offsets to
// start at per partition. Subscriptions follow the topics: partitions and, for
// a pattern, topics that appear while the stream runs are read from their
// earliest offset.
#include <rill/core/runtime.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/kafka/params.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rill::kafka {

/// Offsets to start at, per partition.
using StartingOffsets = std::map<TopicPartition, std::int64_t>;

class ConsumerStrategy {
 public:
  enum class Kind { Subscribe, SubscribePattern, Assign };

  Kind kind() const { return kind_; }
  const KafkaParams& kafkaParams() const { return params_; }
  const StartingOffsets& offsets() const { return offsets_; }
  const std::vector<std::string>& topics() const { return topics_; }
  const std::vector<TopicPartition>& assigned() const { return assigned_; }

  /// Whether the stream reads (partitions of) topic `name`.
  bool wants(const std::string& name) const;

  /// "Subscribe(in, other)", "SubscribePattern(logs-.*)", "Assign(in-0, in-1)".
  std::string describe() const;

  friend ConsumerStrategy Subscribe(std::vector<std::string> topics, KafkaParams kafkaParams, StartingOffsets offsets);
  friend ConsumerStrategy SubscribePattern(const std::string& pattern, KafkaParams kafkaParams,
                                           StartingOffsets offsets);
  friend ConsumerStrategy Assign(std::vector<TopicPartition> partitions, KafkaParams kafkaParams,
                                 StartingOffsets offsets);

 private:
  ConsumerStrategy(Kind kind, KafkaParams params, StartingOffsets offsets);
  // Kafka's own topics, which pattern subscriptions leave out (as Kafka's
  // exclude.internal.topics does).
  static bool isInternal(const std::string& name) {
    return name == "__consumer_offsets" || name == "__transaction_state";
  }

  Kind kind_;
  KafkaParams params_;
  StartingOffsets offsets_;
  std::vector<std::string> topics_;
  std::string pattern_;
  std::shared_ptr<const std::regex> regex_;  // shared: strategies are copied, the compiled pattern need not be
  std::vector<TopicPartition> assigned_;
};

/// Subscribe(topics, kafkaParams[, offsets]): every partition of these topics.
RILL_RUNTIME ConsumerStrategy Subscribe(std::vector<std::string> topics, KafkaParams kafkaParams,
                                        StartingOffsets offsets = {});

/// SubscribePattern(pattern, kafkaParams[, offsets]): every partition of the
/// topics whose whole name matches `pattern`, as they come and go.
RILL_RUNTIME ConsumerStrategy SubscribePattern(const std::string& pattern, KafkaParams kafkaParams,
                                               StartingOffsets offsets = {});

/// Assign(partitions, kafkaParams[, offsets]): exactly these partitions.
RILL_RUNTIME ConsumerStrategy Assign(std::vector<TopicPartition> partitions, KafkaParams kafkaParams,
                                     StartingOffsets offsets = {});

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME bool ConsumerStrategy::wants(const std::string& name) const {
  if (kind_ == Kind::SubscribePattern) return !isInternal(name) && std::regex_match(name, *regex_);
  for (const auto& t : topics_)
    if (t == name) return true;
  for (const auto& tp : assigned_)
    if (tp.topic == name) return true;
  return false;
}

RILL_RUNTIME std::string ConsumerStrategy::describe() const {
  std::string out = kind_ == Kind::Subscribe ? "Subscribe(" : kind_ == Kind::Assign ? "Assign(" : "SubscribePattern(";
  if (kind_ == Kind::SubscribePattern) out += pattern_;
  for (std::size_t i = 0; i < topics_.size(); ++i) out += (i ? ", " : "") + topics_[i];
  for (std::size_t i = 0; i < assigned_.size(); ++i)
    out += (i ? ", " : "") + assigned_[i].topic + "-" + std::to_string(assigned_[i].partition);
  return out + ")";
}

RILL_RUNTIME ConsumerStrategy::ConsumerStrategy(Kind kind, KafkaParams params, StartingOffsets offsets)
    : kind_(kind), params_(std::move(params)), offsets_(std::move(offsets)) {
  detail::requireUsable(params_);
  for (const auto& [tp, offset] : offsets_)
    if (offset < 0)
      throw std::invalid_argument("rill: the starting offset of Kafka topic '" + tp.topic + "' partition " +
                                  std::to_string(tp.partition) + " must be >= 0, got " + std::to_string(offset));
}

RILL_RUNTIME ConsumerStrategy Subscribe(std::vector<std::string> topics, KafkaParams kafkaParams,
                                        StartingOffsets offsets) {
  if (topics.empty()) throw std::invalid_argument("rill: Subscribe needs at least one topic");
  for (const auto& t : topics)
    if (t.empty()) throw std::invalid_argument("rill: Subscribe: a topic name must not be empty");
  ConsumerStrategy s(ConsumerStrategy::Kind::Subscribe, std::move(kafkaParams), std::move(offsets));
  s.topics_ = std::move(topics);
  return s;
}

RILL_RUNTIME ConsumerStrategy SubscribePattern(const std::string& pattern, KafkaParams kafkaParams,
                                               StartingOffsets offsets) {
  ConsumerStrategy s(ConsumerStrategy::Kind::SubscribePattern, std::move(kafkaParams), std::move(offsets));
  try {
    s.regex_ = std::make_shared<const std::regex>(pattern);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("rill: SubscribePattern: '" + pattern + "' is not a regular expression: " + e.what());
  }
  s.pattern_ = pattern;
  return s;
}

RILL_RUNTIME ConsumerStrategy Assign(std::vector<TopicPartition> partitions, KafkaParams kafkaParams,
                                     StartingOffsets offsets) {
  if (partitions.empty()) throw std::invalid_argument("rill: Assign needs at least one topic partition");
  for (const auto& tp : partitions)
    if (tp.topic.empty() || tp.partition < 0)
      throw std::invalid_argument("rill: Assign: each partition needs a topic and a partition number >= 0");
  ConsumerStrategy s(ConsumerStrategy::Kind::Assign, std::move(kafkaParams), std::move(offsets));
  s.assigned_ = std::move(partitions);
  return s;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka
