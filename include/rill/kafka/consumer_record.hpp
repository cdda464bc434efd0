#pragma once
// ConsumerRecord: one Kafka record as a batch hands it to the program, as
// Spark's ConsumerRecord: where it was read (topic, partition, offset), its
// timestamp, key, value and headers. Keys and values are bytes, kept in
// std::strings (key() and value() for text, keyBytes() and valueBytes() for
// bytes); a null key or value (a tombstone) is told apart from an empty one by
// hasKey() and hasValue().
#include <rill/core/runtime.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace rill::kafka {

/// Which clock a record's timestamp is from (Kafka's TimestampType).
enum class TimestampType : std::int8_t { NO_TIMESTAMP_TYPE = -1, CREATE_TIME = 0, LOG_APPEND_TIME = 1 };

/// A record header: a key and a value that may be null.
struct Header {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const Header&) const = default;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(key, value);
  }
};

class ConsumerRecord {
 public:
  ConsumerRecord() = default;
  ConsumerRecord(std::string topic, std::int32_t partition, std::int64_t offset, std::int64_t timestamp,
                 TimestampType timestampType, std::optional<std::string> key, std::optional<std::string> value,
                 std::vector<Header> headers = {})
      : topic_(std::move(topic)),
        partition_(partition),
        offset_(offset),
        timestamp_(timestamp),
        timestampType_(timestampType),
        hasKey_(key.has_value()),
        hasValue_(value.has_value()),
        key_(key ? std::move(*key) : std::string()),
        value_(value ? std::move(*value) : std::string()),
        headers_(std::move(headers)) {}

  const std::string& topic() const { return topic_; }
  std::int32_t partition() const { return partition_; }
  std::int64_t offset() const { return offset_; }
  /// Milliseconds since the epoch (-1 when the record has none).
  std::int64_t timestamp() const { return timestamp_; }
  TimestampType timestampType() const { return timestampType_; }

  /// The key's bytes as a string; empty for a null key.
  const std::string& key() const { return key_; }
  const std::string& value() const { return value_; }
  bool hasKey() const { return hasKey_; }
  bool hasValue() const { return hasValue_; }
  std::span<const std::byte> keyBytes() const { return std::as_bytes(std::span(key_)); }
  std::span<const std::byte> valueBytes() const { return std::as_bytes(std::span(value_)); }

  const std::vector<Header>& headers() const { return headers_; }
  /// The value of the last header named `key` (Kafka's Headers.lastHeader), if any.
  const Header* lastHeader(const std::string& key) const {
    for (auto it = headers_.rbegin(); it != headers_.rend(); ++it)
      if (it->key == key) return &*it;
    return nullptr;
  }

  bool operator==(const ConsumerRecord&) const = default;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(topic_, partition_, offset_, timestamp_, timestampType_, hasKey_, hasValue_, key_, value_, headers_);
  }

 private:
  std::string topic_;
  std::int32_t partition_ = 0;
  std::int64_t offset_ = 0;
  std::int64_t timestamp_ = -1;
  TimestampType timestampType_ = TimestampType::NO_TIMESTAMP_TYPE;
  bool hasKey_ = false;
  bool hasValue_ = false;
  std::string key_;
  std::string value_;
  std::vector<Header> headers_;
};

/// As print() shows a record: ConsumerRecord(topic = t, partition = 0, offset = 5,
/// CreateTime = 1700000000000, key = k, value = v), null keys and values as "null".
RILL_RUNTIME std::ostream& operator<<(std::ostream& os, const ConsumerRecord& r);

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME std::ostream& operator<<(std::ostream& os, const ConsumerRecord& r) {
  const char* clock = r.timestampType() == TimestampType::CREATE_TIME       ? "CreateTime"
                      : r.timestampType() == TimestampType::LOG_APPEND_TIME ? "LogAppendTime"
                                                                            : "NoTimestampType";
  os << "ConsumerRecord(topic = " << r.topic() << ", partition = " << r.partition() << ", offset = " << r.offset()
     << ", " << clock << " = " << r.timestamp() << ", key = " << (r.hasKey() ? r.key() : "null")
     << ", value = " << (r.hasValue() ? r.value() : "null") << ")";
  return os;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka
