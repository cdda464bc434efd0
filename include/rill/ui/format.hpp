#pragma once
// How the UI writes times, durations and numbers: batch times as readable UTC
// date-times, the REST API's dates as Spark's ("2015-07-12T08:39:47.234GMT"),
// durations as Spark's UI rounds them.
#include <rill/core/runtime.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace rill::ui {

namespace detail {

struct CivilTime {
  int year;
  unsigned month, day;
  long long hour, minute, second, millis;
};

RILL_RUNTIME CivilTime civilTime(std::int64_t epochMillis);

}  // namespace detail

/// "2024/03/01 12:00:05" (UTC), with ".250" when `withMillis` (batches shorter than a second).
RILL_RUNTIME std::string formatDateTime(std::int64_t epochMillis, bool withMillis = true);

/// "12:00:05" (UTC): a chart's axis label.
RILL_RUNTIME std::string formatClock(std::int64_t epochMillis);

/// Spark's REST date: "2024-03-01T12:00:05.250GMT".
RILL_RUNTIME std::string formatJsonDate(std::int64_t epochMillis);

/// A delay as Spark's UI shows it: "350 ms", "1.2 s", "3.5 min", "2.0 h".
RILL_RUNTIME std::string formatDuration(std::int64_t millis);

/// An uptime or interval in words: "500 ms", "1 second", "2 minutes 5 seconds", "3 hours 1 minute".
RILL_RUNTIME std::string formatDurationVerbose(std::int64_t millis);

/// The shortest text that reads back as exactly `v` ("3.5", "5", "0.1"); finite values only.
RILL_RUNTIME std::string formatShortest(double v);

/// A rate or average with two decimals: "12.50".
RILL_RUNTIME std::string formatDecimal(double v);

#if RILL_PART_RUNTIME_BODIES

namespace detail {

RILL_RUNTIME CivilTime civilTime(std::int64_t epochMillis) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds(epochMillis)};
  const auto midnight = floor<days>(tp);
  const year_month_day ymd{midnight};
  const hh_mm_ss<milliseconds> hms{tp - midnight};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
          static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
          static_cast<long long>(hms.seconds().count()), static_cast<long long>(hms.subseconds().count())};
}

}  // namespace detail

RILL_RUNTIME std::string formatDateTime(std::int64_t epochMillis, bool withMillis) {
  const auto t = detail::civilTime(epochMillis);
  char text[48];
  std::snprintf(text, sizeof text, "%04d/%02u/%02u %02lld:%02lld:%02lld", t.year, t.month, t.day, t.hour, t.minute,
                t.second);
  std::string out = text;
  if (withMillis) {
    std::snprintf(text, sizeof text, ".%03lld", t.millis);
    out += text;
  }
  return out;
}

RILL_RUNTIME std::string formatClock(std::int64_t epochMillis) {
  const auto t = detail::civilTime(epochMillis);
  char text[24];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld", t.hour, t.minute, t.second);
  return text;
}

RILL_RUNTIME std::string formatJsonDate(std::int64_t epochMillis) {
  const auto t = detail::civilTime(epochMillis);
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldGMT", t.year, t.month, t.day, t.hour,
                t.minute, t.second, t.millis);
  return text;
}

RILL_RUNTIME std::string formatDuration(std::int64_t millis) {
  char text[32];
  const double ms = static_cast<double>(millis);
  if (millis < 1000) std::snprintf(text, sizeof text, "%lld ms", static_cast<long long>(millis));
  else if (millis < 60'000) std::snprintf(text, sizeof text, "%.1f s", ms / 1000);
  else if (millis < 3'600'000) std::snprintf(text, sizeof text, "%.1f min", ms / 60'000);
  else std::snprintf(text, sizeof text, "%.1f h", ms / 3'600'000);
  return text;
}

RILL_RUNTIME std::string formatDurationVerbose(std::int64_t millis) {
  auto unit = [](long long n, const char* name) {
    return std::to_string(n) + " " + name + (n == 1 ? "" : "s");
  };
  if (millis < 1000) return std::to_string(millis) + " ms";
  const long long s = millis / 1000;
  if (s < 60) return unit(s, "second");
  if (s < 3600) return unit(s / 60, "minute") + (s % 60 ? " " + unit(s % 60, "second") : "");
  if (s < 86400) return unit(s / 3600, "hour") + (s / 60 % 60 ? " " + unit(s / 60 % 60, "minute") : "");
  return unit(s / 86400, "day") + (s / 3600 % 24 ? " " + unit(s / 3600 % 24, "hour") : "");
}

RILL_RUNTIME std::string formatShortest(double v) {
  char text[64];
  return std::string(text, std::to_chars(text, text + sizeof text, v).ptr);
}

RILL_RUNTIME std::string formatDecimal(double v) {
  char text[48];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
