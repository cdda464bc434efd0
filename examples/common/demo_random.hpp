#pragma once
// The built-in demo data's randomness: splitmix64, so every platform and
// standard library draws the same numbers (std::uniform_int_distribution is
// implementation-defined) and the examples' output can be checked byte for byte.
#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace examples {

class DemoRandom {
 public:
  explicit DemoRandom(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// 0 .. n-1 (n > 0).
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  /// True `percent` times in a hundred.
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  /// An element, the first ones more often than the last (real traffic is skewed).
  template <class C>
  const auto& pickSkewed(const C& items) {
    return items[std::min(below(items.size()), below(items.size()))];
  }
  template <class C>
  const auto& pick(const C& items) {
    return items[below(items.size())];
  }

 private:
  std::uint64_t state_;
};

}  // namespace examples
