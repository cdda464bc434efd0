#pragma once
// Case-insensitive comparison in ASCII, one rule for the names rill reads (settings, units, REST query
// values), as Spark's equalsIgnoreCase and toLowerCase(Locale.ROOT): the program's locale plays no part.
#include <algorithm>
#include <string_view>

namespace rill::detail {

/// Whether a and b are the same text once ASCII letters' case is ignored.
constexpr bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace rill::detail
