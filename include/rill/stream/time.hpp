#pragma once
// Batch times and durations. A Time is milliseconds on the streaming clock and
// prints as Spark's does ("1000 ms"); durations are std::chrono durations.
#include <rill/core/show.hpp>

#include <chrono>
#include <cmath>
#include <compare>
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace rill {

using Duration = std::chrono::milliseconds;

inline Duration Milliseconds(std::int64_t ms) { return Duration(ms); }
inline Duration Seconds(std::int64_t s) { return std::chrono::seconds(s); }
inline Duration Minutes(std::int64_t m) { return std::chrono::minutes(m); }

/// A point on the streaming clock, in milliseconds (Spark's Time).
class Time {
 public:
  constexpr Time() = default;
  constexpr explicit Time(std::int64_t ms) : ms_(ms) {}
  constexpr std::int64_t milliseconds() const { return ms_; }
  constexpr auto operator<=>(const Time&) const = default;
  Time operator+(Duration d) const { return Time(ms_ + d.count()); }
  Time operator-(Duration d) const { return Time(ms_ - d.count()); }
  Duration operator-(Time o) const { return Duration(ms_ - o.ms_); }
  bool isMultipleOf(Duration d) const { return d.count() != 0 && ms_ % d.count() == 0; }
  std::string toString() const { return std::to_string(ms_) + " ms"; }

 private:
  std::int64_t ms_ = 0;
};

inline std::ostream& operator<<(std::ostream& os, Time t) { return os << t.toString(); }

inline bool isMultipleOf(Duration d, Duration of) { return of.count() > 0 && d.count() % of.count() == 0; }

namespace detail {
/// A Duration prints as Spark's Duration does ("2000 ms"), in messages and in data alike.
template <>
struct ShowTraits<Duration> {
  static void write(std::ostream& os, Duration d) { os << d.count() << " ms"; }
};
}  // namespace detail

/// Converts any std::chrono duration to milliseconds, refusing what a batch
/// interval or window cannot be: zero, negative, finer than a millisecond, or
/// (floating-point) NaN, infinite or too large to count in microseconds.
template <class Rep, class Period>
Duration requirePositiveDuration(std::chrono::duration<Rep, Period> d, const char* what) {
  if constexpr (std::is_floating_point_v<Rep>) {
    // Casting NaN, an infinity or an out-of-range value to an integer count is undefined.
    const long double ms = std::chrono::duration<long double, std::milli>(d).count();
    if (!std::isfinite(ms) || std::fabs(ms) >= 9e15L)
      throw std::invalid_argument(std::string("rill: ") + what + " must be finite and under 9e15 ms, got " +
                                  std::to_string(ms) + " ms");
  }
  if (d <= d.zero())
    throw std::invalid_argument(std::string("rill: ") + what + " must be positive, got " +
                                std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) +
                                " us");
  const auto ms = std::chrono::duration_cast<Duration>(d);
  if (std::chrono::duration_cast<decltype(d)>(ms) != d)
    throw std::invalid_argument(std::string("rill: ") + what + " must be a whole number of milliseconds, got " +
                                std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) +
                                " us");
  return ms;
}

}  // namespace rill
