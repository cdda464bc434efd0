#pragma once
// Where and how the streaming UI serves, read from the SparkConf of the
// context it watches (Spark's setting names where Spark has one).
#include <rill/core/runtime.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/rdd/conf_values.hpp>

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace rill::ui {

struct UiSettings {
  /// spark.ui.enabled: whether attachIfEnabled serves. rill's default is false
  /// (the UI is opt-in); attach() serves regardless.
  bool enabled = false;
  /// spark.ui.port: the first port tried; 0 takes any free port.
  int port = 4040;
  /// spark.driver.bindAddress. rill binds to loopback unless told otherwise
  /// (Spark binds to every interface): the UI has no authentication.
  std::string bindAddress = "127.0.0.1";
  /// spark.port.maxRetries: how many ports after `port` are tried when it is taken.
  int maxRetries = 16;
  /// spark.streaming.ui.retainedBatches: completed batches kept for the page and the API.
  std::size_t retainedBatches = 1000;
  /// rill.ui.threads: threads answering requests (a slow client holds one for
  /// at most readTimeout, or the 5 s write timeout; the streaming job never waits for any).
  std::size_t threads = 8;
  /// rill.ui.readTimeout: how long a connection may take to send its request
  /// before the server closes it (Spark's UI has a fixed one). Whole seconds
  /// from 1 s to 1 h: httplib counts its wait for a request's first byte in seconds.
  std::chrono::seconds readTimeout{5};

  static UiSettings fromConf(const SparkConf& conf);

  /// `timeout` as a readTimeout; throws std::invalid_argument, naming the
  /// setting, unless it is whole seconds from 1 s to 1 h.
  static std::chrono::seconds checkedReadTimeout(std::chrono::milliseconds timeout);

 private:
  static long long inRange(const SparkConf& conf, const std::string& key, long long dflt, long long lo, long long hi);
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME UiSettings UiSettings::fromConf(const SparkConf& conf) {
  UiSettings s;
  s.enabled = rill::detail::confBoolean(conf, "spark.ui.enabled", s.enabled);
  s.port = static_cast<int>(inRange(conf, "spark.ui.port", s.port, 0, 65535));
  s.bindAddress = conf.get("spark.driver.bindAddress", s.bindAddress);
  s.maxRetries = static_cast<int>(inRange(conf, "spark.port.maxRetries", s.maxRetries, 0, 1000));
  s.retainedBatches = static_cast<std::size_t>(
      inRange(conf, "spark.streaming.ui.retainedBatches", static_cast<long long>(s.retainedBatches), 1, 1'000'000));
  s.threads = static_cast<std::size_t>(inRange(conf, "rill.ui.threads", static_cast<long long>(s.threads), 1, 256));
  s.readTimeout = checkedReadTimeout(rill::detail::confTimeMs(conf, "rill.ui.readTimeout", s.readTimeout));
  return s;
}

RILL_RUNTIME std::chrono::seconds UiSettings::checkedReadTimeout(std::chrono::milliseconds timeout) {
  using namespace std::chrono_literals;
  if (timeout < 1s || timeout > 1h || timeout % 1s != 0ms)
    throw std::invalid_argument("rill: setting 'rill.ui.readTimeout' must be whole seconds from 1s to 1h, got " +
                                std::to_string(timeout.count()) + " ms");
  return std::chrono::duration_cast<std::chrono::seconds>(timeout);
}

RILL_RUNTIME long long UiSettings::inRange(const SparkConf& conf, const std::string& key, long long dflt, long long lo,
                                           long long hi) {
  const long long v = conf.getLong(key, dflt);
  if (v < lo || v > hi)
    throw std::invalid_argument("rill: setting '" + key + "' must be in " + std::to_string(lo) + ".." +
                                std::to_string(hi) + ", got " + std::to_string(v));
  return v;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
