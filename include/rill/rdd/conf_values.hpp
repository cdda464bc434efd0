#pragma once
// Typed readings of SparkConf settings, as Spark's getBoolean and getTimeAsMs
// read them, refusing malformed text with a message naming the setting (a bad
// value fails where the setting is read, not later in a thread).
#include <rill/core/ascii.hpp>
#include <rill/core/runtime.hpp>
#include <rill/rdd/conf.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rill::detail {

/// "true" or "false" (any case, as Spark's toBoolean), else `dflt` when unset.
RILL_RUNTIME bool confBoolean(const SparkConf& conf, const std::string& key, bool dflt);

/// A whole number above 0 (a count of partitions, of threads...), else `dflt` when unset.
RILL_RUNTIME std::size_t confPositive(const SparkConf& conf, const std::string& key, std::size_t dflt);

/// A duration as Spark writes one: a whole number with a unit (us, ms, s, m or
/// min, h, d) or none (milliseconds), e.g. "500", "500ms", "10s"; `dflt` when
/// unset. Negative values are refused.
RILL_RUNTIME std::chrono::milliseconds confTimeMs(const SparkConf& conf, const std::string& key,
                                                  std::chrono::milliseconds dflt);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME bool confBoolean(const SparkConf& conf, const std::string& key, bool dflt) {
  if (!conf.contains(key)) return dflt;
  const std::string v = conf.get(key);
  if (equalsIgnoreCase(v, "true")) return true;
  if (equalsIgnoreCase(v, "false")) return false;
  throw std::invalid_argument("rill: setting '" + key + "' must be true or false, got '" + v + "'");
}

RILL_RUNTIME std::size_t confPositive(const SparkConf& conf, const std::string& key, std::size_t dflt) {
  if (!conf.contains(key)) return dflt;
  const long long n = conf.getLong(key, 0);  // refuses what is not an integer, naming the setting
  if (n <= 0) throw std::invalid_argument("rill: setting '" + key + "' must be positive, got '" + conf.get(key) + "'");
  return static_cast<std::size_t>(n);
}

RILL_RUNTIME std::chrono::milliseconds confTimeMs(const SparkConf& conf, const std::string& key,
                                                  std::chrono::milliseconds dflt) {
  if (!conf.contains(key)) return dflt;
  const std::string text = conf.get(key);
  auto bad = [&] {
    return std::invalid_argument("rill: setting '" + key +
                                 "' must be a duration such as 500ms, 10s or 2min (no unit: ms), got '" + text + "'");
  };
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  std::int64_t n = 0;
  std::size_t digits = 0;
  for (; digits < s.size() && s[digits] >= '0' && s[digits] <= '9'; ++digits) {
    if (n > (std::numeric_limits<std::int64_t>::max() - 9) / 10) throw bad();
    n = n * 10 + (s[digits] - '0');
  }
  if (digits == 0) throw bad();
  const std::string_view unit = s.substr(digits);
  const auto is = [&](std::string_view name) { return equalsIgnoreCase(unit, name); };
  std::int64_t usPerUnit = 0;
  if (unit.empty() || is("ms"))
    usPerUnit = 1000;
  else if (is("us"))
    usPerUnit = 1;
  else if (is("s"))
    usPerUnit = 1000 * 1000;
  else if (is("m") || is("min"))
    usPerUnit = 60LL * 1000 * 1000;
  else if (is("h"))
    usPerUnit = 3600LL * 1000 * 1000;
  else if (is("d"))
    usPerUnit = 86400LL * 1000 * 1000;
  else
    throw bad();
  if (n > std::numeric_limits<std::int64_t>::max() / usPerUnit) throw bad();
  return std::chrono::milliseconds(n * usPerUnit / 1000);  // "1500us" is 1 ms, as in Spark
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
