#pragma once
// writeToKafka: a DStream's batches written to a Kafka topic through an
// idempotent, transactional producer, one transaction per batch, committed
// only when all of the batch's records were written (else aborted, and the
// batch fails). The transactional id is derived from the application name and
// the topic, so a restarted job fences the run before it (its open transaction
// is aborted). Each record carries its batch's time in the header
// "rill.batchTime" and the sink's transactional id in "rill.sink"; a
// (re)started sink reads the newest batch time of its own records among the
// topic's committed ones and does not write those batches again — what a job
// restarted from a checkpoint recomputes but had already committed. Consumers
// with isolation.level=read_committed then see every batch once. With several
// ranks, rank 0 alone writes (one producer, so one transaction a batch); the
// others send it their records. Spark's DStream API has no such sink. What
// relies on the broker: docs/kafka.md.
#include <rill/core/runtime.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/kafka/client.hpp>
#include <rill/kafka/committed_batches.hpp>
#include <rill/kafka/consumer_record.hpp>
#include <rill/kafka/errors.hpp>
#include <rill/kafka/params.hpp>
#include <rill/kafka/producer.hpp>
#include <rill/kafka/stream_settings.hpp>
#include <rill/stream/time.hpp>

#include <concepts>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace rill::kafka {

namespace detail {

/// The producer of one sink and what it knows of the topic.
class TransactionalSink {
 public:
  TransactionalSink(std::string topic, KafkaParams params, StreamSettings settings)
      : topic_(std::move(topic)),
        params_(std::move(params)),
        id_(params_.at("transactional.id")),
        settings_(std::move(settings)) {}

  /// Opens batch t's transaction; false when an earlier run committed batch t already.
  /// Throws when it cannot tell (the sink opens again at the next batch).
  bool begin(Time t);
  /// Writes one record of batch t (from any thread).
  void send(Time t, std::optional<std::string> key, std::optional<std::string> value) {
    producer_->send({topic_,
                     std::nullopt,
                     std::move(key),
                     std::move(value),
                     {{kBatchTimeHeader, std::to_string(t.milliseconds())}, {kSinkHeader, id_}},
                     0});
  }
  void commit(Time t);
  /// After a failure: the transaction is aborted and the producer closed; the
  /// next batch starts a new one (which fences whatever is left of this one).
  void abandon() noexcept;

 private:
  void open();

  std::string topic_;
  KafkaParams params_;
  std::string id_;  // the transactional id
  StreamSettings settings_;
  std::unique_ptr<Producer> producer_;
  std::optional<std::int64_t> lastCommitted_;  // ms
};

/// Refuses, at the call, kafkaParams no transactional producer can be made
/// with: librdkafka refuses settings that conflict with transactions (acks=1,
/// enable.idempotence=false, ...) only when the producer is made, which would
/// fail every batch instead. So one is made here and closed at once.
RILL_RUNTIME void requireTransactional(const KafkaParams& params);

/// A key or value as bytes: a std::string (or anything that converts to one),
/// or std::optional<std::string> / std::nullopt for one that may be null.
template <class R>
std::optional<std::string> bytes(R&& r) {
  if constexpr (std::is_convertible_v<R, std::string>)
    return std::string(std::forward<R>(r));
  else
    return std::optional<std::string>(std::forward<R>(r));
}
template <class F, class T>
concept BytesOf = std::invocable<const F&, const T&> &&
    (std::convertible_to<std::invoke_result_t<const F&, const T&>, std::string> ||
     std::convertible_to<std::invoke_result_t<const F&, const T&>, std::optional<std::string>>);

}  // namespace detail

/// writeToKafka(stream, topic, kafkaParams, keyFn, valueFn): each batch of
/// `stream` to `topic`, one transaction per batch (see above). keyFn and
/// valueFn map an element to its key and value: a std::string, or a
/// std::optional<std::string> or std::nullopt for null. The transactional id is
/// kafkaParams' "transactional.id" if given, else "<app name>-<topic>".
template <class D, class KeyFn, class ValueFn>
void writeToKafka(const D& stream, std::string topic, KafkaParams kafkaParams, KeyFn keyFn, ValueFn valueFn) {
  using T = typename D::value_type;
  static_assert(detail::BytesOf<KeyFn, T> && detail::BytesOf<ValueFn, T>,
                "rill: writeToKafka(stream, topic, kafkaParams, keyFn, valueFn) needs keyFn and valueFn callable as "
                "f(const T&) returning std::string or std::optional<std::string>");
  if (topic.empty()) throw std::invalid_argument("rill: writeToKafka needs a topic");
  detail::requireUsable(kafkaParams);
  auto& sc = stream.graph().sparkContext();
  kafkaParams.emplace("transactional.id", sc.appName() + "-" + topic);
  detail::requireTransactional(kafkaParams);
  auto settings = detail::StreamSettings::from(sc.getConf(), kafkaParams);
  auto sink =
      std::make_shared<detail::TransactionalSink>(std::move(topic), std::move(kafkaParams), std::move(settings));
  stream.foreachRDD([sink, keyFn = std::move(keyFn), valueFn = std::move(valueFn)](const auto& rdd, Time t) {
    const auto inTransaction = [&](auto&& sendAll) {
      if (!sink->begin(t)) return;  // committed by an earlier run
      try {
        sendAll();
        sink->commit(t);
      } catch (...) {
        sink->abandon();
        throw;
      }
    };
    exec::Cluster& cluster = rdd.context().cluster();
    if (cluster.size() == 1) {
      inTransaction([&] {
        rdd.foreach ([&](const T& x) { sink->send(t, detail::bytes(keyFn(x)), detail::bytes(valueFn(x))); });
      });
      return;
    }
    // Several ranks: one transaction needs one producer, rank 0's. The records
    // go to it first (a failure on any rank fails the batch on every rank).
    auto records = rdd.map([&](const T& x) { return std::pair(detail::bytes(keyFn(x)), detail::bytes(valueFn(x))); })
                       .collect();
    if (!cluster.isDriver()) return;
    inTransaction([&] {
      for (auto& [key, value] : records) sink->send(t, std::move(key), std::move(value));
    });
  });
}

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME void detail::requireTransactional(const KafkaParams& params) {
  if (params.at("transactional.id").empty())
    throw std::invalid_argument("rill: writeToKafka: kafkaParams' \"transactional.id\" must not be empty");
  try {
    const Client probe(RD_KAFKA_PRODUCER, params);
  } catch (const KafkaException& e) {
    throw std::invalid_argument(std::string("rill: writeToKafka: kafkaParams make no transactional producer (") +
                                e.what() + ")");
  }
}

RILL_RUNTIME bool detail::TransactionalSink::begin(Time t) {
  if (!producer_) open();
  if (lastCommitted_ && t.milliseconds() <= *lastCommitted_) return false;
  producer_->beginTransaction();
  return true;
}

RILL_RUNTIME void detail::TransactionalSink::commit(Time t) {
  producer_->commitTransaction(settings_.driverTimeout);
  lastCommitted_ = t.milliseconds();
}

RILL_RUNTIME void detail::TransactionalSink::abandon() noexcept {
  try {
    producer_->abortTransaction(settings_.driverTimeout);
  } catch (const std::exception&) {  // a fenced or broken producer: closing it is all that is left
  }
  producer_.reset();
}

RILL_RUNTIME void detail::TransactionalSink::open() {
  // All or nothing: a producer kept without knowing the last committed batch
  // would write committed batches again, one that failed to initialize would fail the next batch too.
  auto producer = std::make_unique<Producer>(params_);
  producer->initTransactions(settings_.driverTimeout);  // aborts what a run before left open
  lastCommitted_ = lastCommittedBatch(params_, topic_, id_, settings_.driverTimeout, settings_.read.pollTimeoutMs);
  producer_ = std::move(producer);
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka
