#pragma once
// countApproxDistinct: a HyperLogLog (Flajolet, Fusy, Gandouet and Meunier,
// 2007) per partition, merged register by register. The precision follows
// Spark's HyperLogLog++ rule p = ceil(2 log2(1.054 / relativeSD)), so the
// relative error is about relativeSD, and small counts use linear counting;
// rill's 64-bit hash (rill::Hash, then a murmur3 finalizer) differs from
// Spark's, so an estimate differs from Spark's within that error.
#include <rill/core/concepts.hpp>
#include <rill/core/hash.hpp>
#include <rill/core/runtime.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rill {

namespace detail {

/// p for relativeSD, as Spark's: at least 4; throws for a relativeSD of 0.000017 or less (p above 32).
RILL_RUNTIME int hyperLogLogPrecision(double relativeSD);

/// 2^p registers, each the largest rank (leading zeros + 1 of the hash bits after
/// the register index) seen among the elements hashed to it.
template <class T>
struct HyperLogLogSink {
  int p;
  std::vector<std::uint8_t> registers;
  template <class X>
  bool push(const X& x) {
    std::uint64_t h = Hash<T>{}(x);
    h ^= h >> 33;  // murmur3's fmix64: std::hash of an int is the identity
    h *= 0xFF51'AFD7'ED55'8CCDu;
    h ^= h >> 33;
    h *= 0xC4CE'B9FE'1A85'EC53u;
    h ^= h >> 33;
    const std::size_t index = static_cast<std::size_t>(h >> (64 - p));
    const auto rank = static_cast<std::uint8_t>(std::min(std::countl_zero(h << p), 64 - p) + 1);
    registers[index] = std::max(registers[index], rank);
    return true;
  }
  bool finish() { return true; }
  std::vector<std::uint8_t> result() && { return std::move(registers); }
};

/// The raw estimate alpha m^2 / sum 2^-M, or linear counting m ln(m / zeros) below 2.5 m.
RILL_RUNTIME std::int64_t hyperLogLogEstimate(const std::vector<std::uint8_t>& registers);

}  // namespace detail

template <class D>
class ApproxOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// countApproxDistinct([relativeSD = 0.05]): the number of distinct elements, estimated
  /// with a relative standard deviation of about relativeSD (> 0.000017).
  std::int64_t countApproxDistinct(double relativeSD = 0.05) const {
    using T = typename D::value_type;
    static_assert(HashableKey<T>, "rill: countApproxDistinct needs elements that hash: " RILL_KEY_HASH_RULE);
    const int p = detail::hyperLogLogPrecision(relativeSD);
    const std::size_t m = std::size_t{1} << p;
    std::vector<std::uint8_t> all(m, 0);
    auto parts = detail::runPerPartition(d(), "countApproxDistinct", [&](std::size_t) {
      return detail::HyperLogLogSink<T>{p, std::vector<std::uint8_t>(m, 0)};
    });
    for (const auto& registers : parts)
      for (std::size_t i = 0; i < registers.size(); ++i) all[i] = std::max(all[i], registers[i]);
    return detail::hyperLogLogEstimate(all);
  }
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME int detail::hyperLogLogPrecision(double relativeSD) {
  if (!(relativeSD > 0.000017))
    throw std::invalid_argument("rill: countApproxDistinct: accuracy (" + std::to_string(relativeSD) +
                                ") must be greater than 0.000017");
  // A relativeSD of 0.3727 or more asks for fewer than 2^4 registers: Spark raises p to 4 then, as
  // its HyperLogLog++ needs at least that many, so such a relativeSD is allowed and gives 2^4.
  const int p = static_cast<int>(std::ceil(2.0 * std::log2(1.054 / relativeSD)));
  return std::max(p, 4);
}

RILL_RUNTIME std::int64_t detail::hyperLogLogEstimate(const std::vector<std::uint8_t>& registers) {
  const double m = static_cast<double>(registers.size());
  double sum = 0;
  std::size_t zeros = 0;
  for (const std::uint8_t r : registers) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    zeros += r == 0;
  }
  const double alpha = m == 16 ? 0.673 : m == 32 ? 0.697 : m == 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
  double estimate = alpha * m * m / sum;
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / static_cast<double>(zeros));
  return std::llround(estimate);
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
