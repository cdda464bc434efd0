#pragma once
// The knobs of every receiver, read once from the SparkConf when a receiver
// stream is defined, so a bad value fails at definition, not in a thread.
#include <rill/core/runtime.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/rdd/conf_values.hpp>
#include <rill/stream/time.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>

namespace rill {

/// Spark's backpressure (spark.streaming.backpressure.*): each receiver's rate
/// follows what the batches manage to process, estimated by a PID controller.
struct BackpressureSettings {
  /// spark.streaming.backpressure.enabled
  bool enabled = false;
  /// Records per second per receiver until the first estimate, 0 = none
  /// (spark.streaming.backpressure.initialRate).
  std::int64_t initialRate = 0;
  /// The PID controller's weights (spark.streaming.backpressure.pid.proportional,
  /// .integral, .derived) and the lowest rate it sets (.minRate, records/s).
  double proportional = 1.0;
  double integral = 0.2;
  double derived = 0.0;
  double minRate = 100.0;
};

struct ReceiverSettings {
  static constexpr std::size_t kDefaultMaxBufferedBytes = std::size_t{64} << 20;

  /// Records per second per receiver, 0 = unlimited (spark.streaming.receiver.maxRate).
  std::int64_t maxRate = 0;
  /// Records a receiver may hold before store() blocks (rill.streaming.receiver.maxBufferedRecords).
  std::size_t maxBufferedRecords = 1'000'000;
  /// Bytes a receiver may hold before store() blocks (rill.streaming.receiver.maxBufferedBytes).
  std::size_t maxBufferedBytes = kDefaultMaxBufferedBytes;
  /// First wait before restarting a failed receiver; doubles per failure in a row
  /// (spark.streaming.receiverRestartDelay, in ms).
  Duration restartDelay{100};
  /// The longest wait between restarts (rill.streaming.receiverRestartDelayMax, in ms).
  Duration maxRestartDelay{2000};
  /// Longest line socketTextStream and textFileStream accept; longer ones are
  /// dropped and reported (rill.streaming.maxLineLength, in bytes).
  std::size_t maxLineLength = std::size_t{1} << 20;
  /// How long socketTextStream waits for a connection before retrying
  /// (rill.streaming.socket.connectTimeout, in ms).
  Duration connectTimeout{2000};
  BackpressureSettings backpressure;

  static ReceiverSettings fromConf(const SparkConf& conf);

 private:
  static BackpressureSettings backpressureFromConf(const SparkConf& conf);
  static std::string message(const char* key, const char* rule, const std::string& got);
  template <class V>
  static V positive(const SparkConf& conf, const char* key, V dflt) {
    const long long v = conf.getLong(key, static_cast<long long>(dflt));
    if (v <= 0) throw std::invalid_argument(message(key, "positive", std::to_string(v)));
    return static_cast<V>(v);
  }
  template <class V>
  static V nonNegative(const SparkConf& conf, const char* key, V dflt) {
    const long long v = conf.getLong(key, static_cast<long long>(dflt));
    if (v < 0) throw std::invalid_argument(message(key, ">= 0", std::to_string(v)));
    return static_cast<V>(v);
  }
  // A finite number, >= 0 or > 0; text with anything after the number is refused.
  static double real(const SparkConf& conf, const char* key, double dflt, bool zeroAllowed);
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME ReceiverSettings ReceiverSettings::fromConf(const SparkConf& conf) {
  ReceiverSettings s;
  s.maxRate = nonNegative(conf, "spark.streaming.receiver.maxRate", s.maxRate);
  s.maxBufferedRecords = positive(conf, "rill.streaming.receiver.maxBufferedRecords", s.maxBufferedRecords);
  s.maxBufferedBytes = positive(conf, "rill.streaming.receiver.maxBufferedBytes", s.maxBufferedBytes);
  s.restartDelay = Duration(nonNegative(conf, "spark.streaming.receiverRestartDelay", s.restartDelay.count()));
  s.maxRestartDelay = Duration(nonNegative(conf, "rill.streaming.receiverRestartDelayMax", s.maxRestartDelay.count()));
  s.maxLineLength = positive(conf, "rill.streaming.maxLineLength", s.maxLineLength);
  s.connectTimeout = Duration(positive(conf, "rill.streaming.socket.connectTimeout", s.connectTimeout.count()));
  s.backpressure = backpressureFromConf(conf);
  return s;
}

RILL_RUNTIME BackpressureSettings ReceiverSettings::backpressureFromConf(const SparkConf& conf) {
  BackpressureSettings b;
  b.enabled = detail::confBoolean(conf, "spark.streaming.backpressure.enabled", b.enabled);
  if (conf.contains("spark.streaming.backpressure.initialRate"))
    b.initialRate = positive(conf, "spark.streaming.backpressure.initialRate", b.initialRate);
  const std::string estimator = conf.get("spark.streaming.backpressure.rateEstimator", "pid");
  if (estimator != "pid")
    throw std::invalid_argument("rill: setting 'spark.streaming.backpressure.rateEstimator' must be pid, got '" +
                                estimator + "'");
  b.proportional = real(conf, "spark.streaming.backpressure.pid.proportional", b.proportional, true);
  b.integral = real(conf, "spark.streaming.backpressure.pid.integral", b.integral, true);
  b.derived = real(conf, "spark.streaming.backpressure.pid.derived", b.derived, true);
  b.minRate = real(conf, "spark.streaming.backpressure.pid.minRate", b.minRate, false);
  return b;
}

RILL_RUNTIME std::string ReceiverSettings::message(const char* key, const char* rule, const std::string& got) {
  return std::string("rill: setting '") + key + "' must be " + rule + ", got " + got;
}

RILL_RUNTIME double ReceiverSettings::real(const SparkConf& conf, const char* key, double dflt, bool zeroAllowed) {
  if (!conf.contains(key)) return dflt;
  const std::string text = conf.get(key);
  double v = 0;
  std::size_t used = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(v))
    throw std::invalid_argument(message(key, "a number", "'" + text + "'"));
  if (v < 0 || (v == 0 && !zeroAllowed)) throw std::invalid_argument(message(key, zeroAllowed ? ">= 0" : "> 0", text));
  return v;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
