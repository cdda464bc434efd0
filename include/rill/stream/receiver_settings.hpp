#pragma once
// The knobs of every receiver, read once from the SparkConf when a receiver
// stream is defined, so a bad value fails at definition, not in a thread.
#include <rill/rdd/conf.hpp>
#include <rill/stream/time.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace rill {

struct ReceiverSettings {
  /// Records per second per receiver, 0 = unlimited (spark.streaming.receiver.maxRate).
  std::int64_t maxRate = 0;
  /// Records a receiver may hold before store() blocks (rill.streaming.receiver.maxBufferedRecords).
  std::size_t maxBufferedRecords = 1'000'000;
  /// First wait before restarting a failed receiver; doubles per failure in a row
  /// (spark.streaming.receiverRestartDelay, in ms).
  Duration restartDelay{100};
  /// The longest wait between restarts (rill.streaming.receiverRestartDelayMax, in ms).
  Duration maxRestartDelay{2000};
  /// Longest line socketTextStream accepts; longer ones are dropped and reported
  /// (rill.streaming.maxLineLength, in bytes).
  std::size_t maxLineLength = std::size_t{1} << 20;
  /// How long socketTextStream waits for a connection before retrying
  /// (rill.streaming.socket.connectTimeout, in ms).
  Duration connectTimeout{2000};

  static ReceiverSettings fromConf(const SparkConf& conf) {
    ReceiverSettings s;
    s.maxRate = conf.getLong("spark.streaming.receiver.maxRate", s.maxRate);
    s.maxBufferedRecords = positive(conf, "rill.streaming.receiver.maxBufferedRecords", s.maxBufferedRecords);
    s.restartDelay = Duration(nonNegative(conf, "spark.streaming.receiverRestartDelay", s.restartDelay.count()));
    s.maxRestartDelay = Duration(nonNegative(conf, "rill.streaming.receiverRestartDelayMax", s.maxRestartDelay.count()));
    s.maxLineLength = positive(conf, "rill.streaming.maxLineLength", s.maxLineLength);
    s.connectTimeout = Duration(positive(conf, "rill.streaming.socket.connectTimeout", s.connectTimeout.count()));
    if (s.maxRate < 0) throw std::invalid_argument(message("spark.streaming.receiver.maxRate", ">= 0", s.maxRate));
    return s;
  }

 private:
  static std::string message(const char* key, const char* rule, long long got) {
    return std::string("rill: setting '") + key + "' must be " + rule + ", got " + std::to_string(got);
  }
  template <class V>
  static V positive(const SparkConf& conf, const char* key, V dflt) {
    const long long v = conf.getLong(key, static_cast<long long>(dflt));
    if (v <= 0) throw std::invalid_argument(message(key, "positive", v));
    return static_cast<V>(v);
  }
  template <class V>
  static V nonNegative(const SparkConf& conf, const char* key, V dflt) {
    const long long v = conf.getLong(key, static_cast<long long>(dflt));
    if (v < 0) throw std::invalid_argument(message(key, ">= 0", v));
    return static_cast<V>(v);
  }
};

}  // namespace rill
