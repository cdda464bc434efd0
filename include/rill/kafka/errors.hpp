#pragma once
// KafkaException: what rill throws when Kafka (a broker, librdkafka) refuses or
// fails an operation. Its message names the topic, partition and offsets
// involved; code() keeps librdkafka's error code for programs that branch on it.
#include <rill/core/errors.hpp>

#include <librdkafka/rdkafka.h>

#include <string>

namespace rill::kafka {

class KafkaException : public SparkException {
 public:
  KafkaException(const std::string& message, rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_UNKNOWN)
      : SparkException(message), code_(code) {}
  rd_kafka_resp_err_t code() const { return code_; }

 private:
  rd_kafka_resp_err_t code_;
};

namespace detail {
/// librdkafka's text for an error code.
inline std::string errorText(rd_kafka_resp_err_t err) { return rd_kafka_err2str(err); }
}  // namespace detail

}  // namespace rill::kafka
