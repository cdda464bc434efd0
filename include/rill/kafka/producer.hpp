#pragma once
// Producer: writes records to Kafka through librdkafka, optionally in
// transactions. send() queues a record; flush() waits until every queued record
// is acknowledged and throws the first delivery failure. The Kafka sink writes
// through it; tests and demos use it to fill topics.
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/kafka/client.hpp>
#include <rill/kafka/consumer_record.hpp>
#include <rill/kafka/errors.hpp>
#include <rill/kafka/params.hpp>

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rill::kafka {

struct ProducerRecord {
  std::string topic;
  std::optional<std::int32_t> partition;  // none: librdkafka's partitioner (by key)
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;
  std::int64_t timestamp = 0;  // ms since the epoch; 0: now
};

class Producer {
 public:
  explicit Producer(const KafkaParams& params) : client_(RD_KAFKA_PRODUCER, conf(params, this)) {}
  Producer(const Producer&) = delete;  // librdkafka calls back with this address
  Producer& operator=(const Producer&) = delete;
  ~Producer() { rd_kafka_flush(client_.get(), 5000); }

  /// Queues `r`; waits for room while librdkafka's queue is full.
  void send(const ProducerRecord& r) {
    for (;;) {
      const auto err = produce(r);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
        throw KafkaException("rill: cannot send a record to Kafka topic '" + r.topic + "': " + detail::errorText(err),
                             err);
      rd_kafka_poll(client_.get(), 100);  // delivery reports make room
    }
  }

  /// Waits until every queued record is acknowledged; throws the first failed
  /// delivery since the last flush (and forgets it).
  void flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Transactions (the producer needs "transactional.id"): see librdkafka's
  // rd_kafka_*_transaction. Each throws KafkaException with librdkafka's reason.
  void initTransactions(std::chrono::milliseconds timeout) {
    check(rd_kafka_init_transactions(client_.get(), ms(timeout)), "initialize transactions");
  }
  void beginTransaction() { check(rd_kafka_begin_transaction(client_.get()), "begin a transaction"); }
  void commitTransaction(std::chrono::milliseconds timeout) {
    check(rd_kafka_commit_transaction(client_.get(), ms(timeout)), "commit a transaction");
  }
  void abortTransaction(std::chrono::milliseconds timeout) {
    check(rd_kafka_abort_transaction(client_.get(), ms(timeout)), "abort a transaction");
  }

  rd_kafka_t* get() const { return client_.get(); }

 private:
  static rd_kafka_conf_t* conf(const KafkaParams& params, Producer* self);
  static void delivered(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err) static_cast<Producer*>(opaque)->fail(m);
  }
  void fail(const rd_kafka_message_t* m);

  rd_kafka_resp_err_t produce(const ProducerRecord& r) {
    rd_kafka_headers_t* headers = rd_kafka_headers_new(r.headers.size());
    for (const auto& h : r.headers)
      rd_kafka_header_add(headers, h.key.data(), static_cast<ssize_t>(h.key.size()),
                          h.value ? h.value->data() : nullptr, h.value ? static_cast<ssize_t>(h.value->size()) : 0);
    // librdkafka's V_ macros cast their arguments: pass plain values.
    void* key = r.key ? const_cast<char*>(r.key->data()) : nullptr;
    const std::size_t keySize = r.key ? r.key->size() : 0;
    void* value = r.value ? const_cast<char*>(r.value->data()) : nullptr;
    const std::size_t valueSize = r.value ? r.value->size() : 0;
    const std::int32_t partition = r.partition.value_or(RD_KAFKA_PARTITION_UA);
    const auto err =
        rd_kafka_producev(client_.get(), RD_KAFKA_V_TOPIC(r.topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                          RD_KAFKA_V_KEY(key, keySize), RD_KAFKA_V_VALUE(value, valueSize), RD_KAFKA_V_HEADERS(headers),
                          RD_KAFKA_V_TIMESTAMP(r.timestamp), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err) rd_kafka_headers_destroy(headers);  // librdkafka owns them only once the record is queued
    return err;
  }

  static int ms(std::chrono::milliseconds d) { return static_cast<int>(d.count()); }
  static void check(rd_kafka_error_t* error, const char* what);

  std::mutex mutex_;
  bool failed_ = false;
  std::string firstFailure_;
  detail::Client client_;  // last: destroyed first, while the delivery callback's members live
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME void Producer::flush(std::chrono::milliseconds timeout) {
  const auto err = rd_kafka_flush(client_.get(), static_cast<int>(timeout.count()));
  std::lock_guard lock(mutex_);
  if (failed_) {
    auto message = std::exchange(firstFailure_, {});
    failed_ = false;
    throw KafkaException(message);
  }
  if (err)
    throw KafkaException("rill: Kafka records not acknowledged within " + std::to_string(timeout.count()) +
                             " ms: " + detail::errorText(err),
                         err);
}

RILL_RUNTIME rd_kafka_conf_t* Producer::conf(const KafkaParams& params, Producer* self) {
  rd_kafka_conf_t* c = detail::makeConf(params);
  rd_kafka_conf_set_opaque(c, self);
  rd_kafka_conf_set_dr_msg_cb(c, &Producer::delivered);
  return c;
}

RILL_RUNTIME void Producer::fail(const rd_kafka_message_t* m) {
  std::lock_guard lock(mutex_);
  if (failed_) return;
  failed_ = true;
  firstFailure_ =
      rill::detail::message({"rill: a record for Kafka topic '", rd_kafka_topic_name(m->rkt), "' partition ",
                             m->partition, " was not delivered: ", rd_kafka_message_errstr(m)});
}

RILL_RUNTIME void Producer::check(rd_kafka_error_t* error, const char* what) {
  if (!error) return;
  const std::string text = rd_kafka_error_string(error);
  const auto code = rd_kafka_error_code(error);
  rd_kafka_error_destroy(error);
  throw KafkaException(std::string("rill: Kafka producer cannot ") + what + ": " + text, code);
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka
