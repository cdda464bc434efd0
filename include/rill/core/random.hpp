#pragma once
// The random numbers sample() and sortByKey's key sampling draw: SplitMix64
// (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
// 2014), a 64-bit generator that passes BigCrush, seeded from (seed, stream) so
// each partition draws its own sequence whatever the number of workers.
// Why not <random>: its distributions differ between standard libraries; this is the same sample for a seed on all.
#include <cmath>
#include <cstdint>

namespace rill {

class SplitMix64 {
 public:
  explicit constexpr SplitMix64(std::uint64_t seed, std::uint64_t stream = 0)
      : state_(mix(seed) ^ mix(stream + 0x632B'E59B'D9B4'E019u)) {}

  constexpr std::uint64_t next() { return mix(state_ += 0x9E37'79B9'7F4A'7C15u); }

  /// Uniform in [0, 1), with 53 random bits.
  constexpr double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform in [0, n) for n > 0, without modulo bias (rejects the top
  /// 2^64 mod n values).
  constexpr std::uint64_t below(std::uint64_t n) {
    const std::uint64_t reject = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t r = next();
      if (r >= reject) return r % n;
    }
  }

  /// A Poisson(mean) count (Knuth's product of uniforms, in steps of a mean of
  /// at most 16, since a sum of Poisson counts is Poisson with the summed mean;
  /// exact, and O(mean) draws, which is the size of what sample() then emits).
  /// 64-bit: a mean above INT_MAX (sample with replacement, a large fraction) is a count above it too.
  std::int64_t poisson(double mean) {
    std::int64_t k = 0;
    while (mean > 0) {
      const double step = mean < 16 ? mean : 16;
      mean -= step;
      const double limit = std::exp(-step);
      for (double p = uniform(); p > limit; p *= uniform()) ++k;
    }
    return k;
  }

 private:
  static constexpr std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58'476D'1CE4'E5B9u;
    z = (z ^ (z >> 27)) * 0x94D0'49BB'1331'11EBu;
    return z ^ (z >> 31);
  }

  std::uint64_t state_;
};

}  // namespace rill
