#pragma once
// KafkaException: what rill throws when Kafka (a broker, librdkafka) refuses or
// fails an operation. Its message names the topic, partition and offsets
// involved; code() keeps librdkafka's error code for programs that branch on it.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>

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

/// Whether asking again later may succeed: the brokers or the network, not the
/// request (a topic that does not exist, a setting that is wrong).
RILL_RUNTIME bool isTransient(rd_kafka_resp_err_t err);
}  // namespace detail

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME bool detail::isTransient(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT:  // a transaction's offsets not yet committed or aborted
      return true;
    default:
      return false;
  }
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka
