#pragma once
// Batch times as a reader wants them in a program's own messages:
// "2023-10-10 13:00:01 UTC", not milliseconds since 1970. (print()'s batch
// header keeps Spark's layout, "Time: <ms> ms".)
#include <rill/stream/time.hpp>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

namespace examples {

/// Where the examples' manual clocks start, 2023-10-10 13:00:00 UTC, so that
/// scripted runs show dates as real ones do.
inline constexpr std::int64_t kDemoStartMillis = 1'696'942'800'000;

/// "YYYY-MM-DD HH:MM:SS UTC", with ".mmm" after the seconds when they are not whole.
inline std::string dateTime(rill::Time t) {
  const std::int64_t ms = t.milliseconds();
  const std::int64_t millisOfSecond = (ms % 1000 + 1000) % 1000;  // also before 1970
  const std::time_t seconds = static_cast<std::time_t>((ms - millisOfSecond) / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
  if (millisOfSecond != 0) std::snprintf(text + n, sizeof text - n, ".%03d", static_cast<int>(millisOfSecond));
  return std::string(text) + " UTC";
}

}  // namespace examples
