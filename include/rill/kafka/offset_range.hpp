#pragma once
// TopicPartition and OffsetRange: a batch over Kafka is a list of offset ranges,
// one per Kafka partition, [fromOffset, untilOffset) as in Spark's OffsetRange.
// Ranges are what checkpoints store and what a restarted job reads again.
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>

#include <compare>
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>

namespace rill::kafka {

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;

  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(topic, partition);
  }
};

inline std::ostream& operator<<(std::ostream& os, const TopicPartition& tp) {
  return os << tp.topic << '-' << tp.partition;
}

struct OffsetRange {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t fromOffset = 0;   // inclusive
  std::int64_t untilOffset = 0;  // exclusive

  TopicPartition topicPartition() const { return {topic, partition}; }
  /// The offsets the range spans; fewer records when some offsets hold none
  /// (a transactional topic's commit markers, a compacted topic).
  std::int64_t count() const { return untilOffset - fromOffset; }

  bool operator==(const OffsetRange&) const = default;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(topic, partition, fromOffset, untilOffset);
  }
};

/// Spark's layout: OffsetRange(topic: 'in', partition: 0, range: [0 -> 5])
RILL_RUNTIME std::ostream& operator<<(std::ostream& os, const OffsetRange& r);

namespace detail {
/// "topic 'in' partition 0, offsets [3, 9)": how error messages name a range.
RILL_RUNTIME std::string describe(const OffsetRange& r);

/// A range a batch can read: a named topic, a partition and offsets that exist.
RILL_RUNTIME void requireValid(const OffsetRange& r);
}  // namespace detail

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME std::ostream& operator<<(std::ostream& os, const OffsetRange& r) {
  return os << "OffsetRange(topic: '" << r.topic << "', partition: " << r.partition << ", range: [" << r.fromOffset
            << " -> " << r.untilOffset << "])";
}

RILL_RUNTIME std::string detail::describe(const OffsetRange& r) {
  return rill::detail::message(
      {"topic '", r.topic, "' partition ", r.partition, ", offsets [", r.fromOffset, ", ", r.untilOffset, ")"});
}

RILL_RUNTIME void detail::requireValid(const OffsetRange& r) {
  if (r.topic.empty() || r.partition < 0 || r.fromOffset < 0 || r.untilOffset < r.fromOffset)
    throw std::invalid_argument("rill: invalid Kafka offset range (" + describe(r) +
                                "): it needs a topic, a partition >= 0 and 0 <= fromOffset <= untilOffset");
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka
