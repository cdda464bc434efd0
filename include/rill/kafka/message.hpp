#pragma once
// From librdkafka's messages to rill's records: the copy a batch keeps of each
// message it reads (librdkafka's buffer is freed as soon as it is read).
#include <rill/kafka/consumer_record.hpp>

#include <librdkafka/rdkafka.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace rill::kafka::detail {

inline std::optional<std::string> bytesOf(const void* data, std::size_t size) {
  if (!data) return std::nullopt;
  return std::string(static_cast<const char*>(data), size);
}

inline std::vector<Header> headersOf(const rd_kafka_message_t& m) {
  std::vector<Header> out;
  rd_kafka_headers_t* hdrs = nullptr;
  // rd_kafka_message_headers parses the headers on first use, hence non-const.
  if (rd_kafka_message_headers(const_cast<rd_kafka_message_t*>(&m), &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
    out.push_back(Header{name, bytesOf(value, size)});
  return out;
}

/// The value of the last header named `name`, if `m` has one with a value.
inline std::optional<std::string> headerValue(const rd_kafka_message_t& m, const char* name) {
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(const_cast<rd_kafka_message_t*>(&m), &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::nullopt;
  const void* value = nullptr;
  std::size_t size = 0;
  if (rd_kafka_header_get_last(hdrs, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  return bytesOf(value, size);
}

/// `m` (a message, not an error event) as a record of `topic`.
inline ConsumerRecord toConsumerRecord(const rd_kafka_message_t& m, const std::string& topic) {
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  const std::int64_t ts = rd_kafka_message_timestamp(&m, &type);
  const TimestampType kind = type == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? TimestampType::CREATE_TIME
                             : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? TimestampType::LOG_APPEND_TIME
                                                                          : TimestampType::NO_TIMESTAMP_TYPE;
  return ConsumerRecord(topic, m.partition, m.offset, ts, kind, bytesOf(m.key, m.key_len), bytesOf(m.payload, m.len),
                        headersOf(m));
}

}  // namespace rill::kafka::detail
