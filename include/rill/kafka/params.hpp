#pragma once
// KafkaParams: librdkafka settings ("bootstrap.servers", "security.protocol",
// "fetch.wait.max.ms", ...) handed through to every client rill creates, as
// Spark hands kafkaParams to its consumers. A few settings are fixed for the
// clients that read offset ranges (see partition_consumer.hpp); the rest is the
// program's.
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>

#include <librdkafka/rdkafka.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace rill::kafka {

using KafkaParams = std::map<std::string, std::string>;

namespace detail {

/// The value of `key` in params, if set.
inline std::optional<std::string> lookup(const KafkaParams& params, const std::string& key) {
  const auto it = params.find(key);
  return it == params.end() ? std::nullopt : std::optional<std::string>(it->second);
}

/// params with `overrides` on top, as a librdkafka configuration (the caller
/// owns it until rd_kafka_new takes it). A setting librdkafka refuses throws
/// std::invalid_argument naming it.
RILL_RUNTIME rd_kafka_conf_t* makeConf(const KafkaParams& params, const KafkaParams& overrides = {});

/// Refuses, at the call, parameters no client could be made with: no brokers
/// named, or a setting librdkafka does not accept.
RILL_RUNTIME void requireUsable(const KafkaParams& params);

}  // namespace detail

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME rd_kafka_conf_t* detail::makeConf(const KafkaParams& params, const KafkaParams& overrides) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& key, const std::string& value) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK) return;
    rd_kafka_conf_destroy(conf);
    throw std::invalid_argument(rill::detail::message(
        {"rill: Kafka setting '", key, "' = '", value, "' is refused by librdkafka: ", err,
         " (kafkaParams go to librdkafka as they are: keys and values are bytes, so Java (de)serializer "
         "settings have no place there)"}));
  };
  for (const auto& [key, value] : params)
    if (!overrides.contains(key)) set(key, value);
  for (const auto& [key, value] : overrides) set(key, value);
  return conf;
}

RILL_RUNTIME void detail::requireUsable(const KafkaParams& params) {
  if (!params.contains("bootstrap.servers") && !params.contains("metadata.broker.list"))
    throw std::invalid_argument("rill: kafkaParams need \"bootstrap.servers\" (host:port of one or more brokers)");
  rd_kafka_conf_destroy(makeConf(params));
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka
