#pragma once
// Random samples beyond sample(): takeSample, randomSplit and sampleByKey.
// Every draw comes from a SplitMix64 seeded from (seed, partition), as
// sample()'s, so a seed gives the same result whatever the number of workers
// or ranks (though other elements than Spark's XORShift sampler picks).
#include <rill/core/concepts.hpp>
#include <rill/core/errors.hpp>
#include <rill/core/random.hpp>
#include <rill/core/runtime.hpp>
#include <rill/core/show.hpp>
#include <rill/fuse/partition_stages.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/rdd/keys.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rill {

namespace detail {

/// Throws unless fraction is a valid sampling rate (sample's rule).
RILL_RUNTIME void checkFraction(const char* op, bool withReplacement, double fraction);

/// Throws unless fraction is a valid rate for sampleByKey: Spark's rule, >= 0 only, as its
/// draw u < fraction simply keeps every element of a key whose fraction is 1 or more
/// (infinity too) without replacement; with replacement it is a Poisson mean, so finite.
RILL_RUNTIME void checkKeyFraction(bool withReplacement, double fraction);

/// sampleByKey: sample() with the fraction of each element's key.
template <class Fractions>
struct SampleByKeyStage {
  bool withReplacement;
  std::shared_ptr<const Fractions> fractions;
  std::uint64_t seed;
  template <class In>
  using out = In;
  template <class Next>
  struct Bound {
    bool withReplacement;
    const Fractions* fractions;
    SplitMix64 rng;
    Next next;
    template <class X>
    bool push(X&& x) {
      const auto& key = std::get<0>(x);
      const auto at = fractions->find(key);
      if (at == fractions->end())
        throw SparkException("rill: sampleByKey: no fraction for key " + toString(key) + " (key not found)");
      return fuse::pushCopies(next, std::forward<X>(x),
                              fuse::sampledCopies(rng, withReplacement, 0, static_cast<double>(at->second)));
    }
    bool finish() { return next.finish(); }
  };
  template <class In, class Next>
  Bound<Next> bind(std::size_t partition, Next next) const {
    return {withReplacement, fractions.get(), SplitMix64(seed, partition), std::move(next)};
  }
};

/// Spark's SamplingUtils.computeFractionForSampleSize: a fraction that samples at
/// least `num` of `total` elements with probability 0.9999.
RILL_RUNTIME double fractionForSampleSize(std::size_t num, std::int64_t total, bool withReplacement);

/// Spark's takeSample rules, num as a size_t: not negative, and no larger than what keeps
/// the fraction's margin within an Int.
RILL_RUNTIME std::size_t checkSampleSize(std::int64_t num);

/// Spark's randomSplit rule (every weight finite and >= 0, a positive sum), then each
/// weight divided by the sum, as Spark's weights.map(_ / sum).
RILL_RUNTIME std::vector<double> normalisedWeights(const std::vector<double>& weights);

/// Fisher-Yates, as Spark's Utils.randomizeInPlace.
template <class T>
void shuffleInPlace(std::vector<T>& v, SplitMix64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

}  // namespace detail

template <class D>
class SamplingOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// takeSample(withReplacement, num, seed): an action, `num` elements sampled (all of
  /// them, shuffled, when num >= count() without replacement), in random order.
  auto takeSample(bool withReplacement, std::int64_t numRequested, std::uint64_t seed = 42) const {
    using T = typename D::value_type;
    const std::size_t num = detail::checkSampleSize(numRequested);
    std::vector<T> out;
    if (num == 0) return out;
    const std::int64_t total = d().count();
    if (total == 0) return out;
    SplitMix64 rng(seed);
    if (!withReplacement && num >= static_cast<std::size_t>(total)) {
      out = d().collect();
      detail::shuffleInPlace(out, rng);
      return out;
    }
    const double fraction = detail::fractionForSampleSize(num, total, withReplacement);
    // Spark's loop: a sample this large is short with probability 1e-4; draw again with a new seed.
    do out = d().sample(withReplacement, fraction, rng.next()).collect();
    while (out.size() < num);
    detail::shuffleInPlace(out, rng);
    out.resize(num);
    return out;
  }

  /// randomSplit(weights, seed): one RDD per weight, disjoint, together every element once;
  /// each element goes to split i with probability weights[i] / sum(weights).
  auto randomSplit(const std::vector<double>& weights, std::uint64_t seed = 42) const {
    const std::vector<double> fractions = detail::normalisedWeights(weights);
    std::vector<decltype(d().then(fuse::SampleStage{}))> splits;
    double lower = 0, cumulative = 0;
    for (std::size_t i = 0; i < fractions.size(); ++i) {
      cumulative += fractions[i];
      const double upper = i + 1 == fractions.size() ? 1.0 : std::min(cumulative, 1.0);  // the last split ends at 1 exactly
      // Every split draws the same uniform per element and keeps its own cell of
      // [0, 1): the splits are disjoint and together hold every element once.
      splits.push_back(d().then(fuse::SampleStage{false, upper, seed, lower}));
      lower = upper;
    }
    return splits;
  }

  /// sampleByKey(withReplacement, fractions, seed): each element kept with the fraction of
  /// its key (`fractions`: a map from key to double, e.g. std::map or std::unordered_map).
  template <class Fractions>
  auto sampleByKey(bool withReplacement, const Fractions& fractions, std::uint64_t seed = 42) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "sampleByKey needs an RDD");
    if constexpr (PairLike<T>) {
      constexpr bool mapOk = requires(const Fractions& f, const key_of_t<T>& k) {
        { f.find(k)->second } -> std::convertible_to<double>;
        f.find(k) == f.end();
      };
      static_assert(mapOk, "rill: sampleByKey(withReplacement, fractions, seed) needs fractions to map the RDD's "
                           "keys to doubles (find(key)->second)");
      if constexpr (mapOk) {
        for (const auto& entry : fractions) detail::checkKeyFraction(withReplacement, entry.second);
        return d().then(detail::SampleByKeyStage<Fractions>{
            withReplacement, std::make_shared<const Fractions>(fractions), seed});
      }
    }
  }
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void detail::checkFraction(const char* op, bool withReplacement, double fraction) {
  if (!std::isfinite(fraction) || fraction < 0 || (!withReplacement && fraction > 1))
    throw std::invalid_argument(std::string("rill: ") + op +
                                ": fraction must be in [0, 1] without replacement and finite and >= 0 with "
                                "replacement, got " + std::to_string(fraction));
}

RILL_RUNTIME void detail::checkKeyFraction(bool withReplacement, double fraction) {
  if (!(fraction >= 0) || (withReplacement && !std::isfinite(fraction)))
    throw std::invalid_argument("rill: sampleByKey: a fraction must be >= 0, and finite with replacement, got " +
                                std::to_string(fraction));
}

RILL_RUNTIME std::size_t detail::checkSampleSize(std::int64_t num) {
  if (num < 0) throw std::invalid_argument("rill: takeSample: Negative number of elements requested");
  // Spark's Int.MaxValue - (10.0 * math.sqrt(Int.MaxValue)).toInt: the margin truncated first.
  constexpr std::int32_t intMax = std::numeric_limits<std::int32_t>::max();
  const auto maxSampleSize =
      static_cast<std::int64_t>(intMax - static_cast<std::int32_t>(10 * std::sqrt(static_cast<double>(intMax))));
  if (num > maxSampleSize)
    throw std::invalid_argument(
        "rill: takeSample: Cannot support a sample size > Int.MaxValue - 10.0 * math.sqrt(Int.MaxValue), got " +
        std::to_string(num));
  return static_cast<std::size_t>(num);
}

RILL_RUNTIME std::vector<double> detail::normalisedWeights(const std::vector<double>& weights) {
  double sum = 0, largest = 0;
  for (const double w : weights) {
    if (!std::isfinite(w) || w < 0)
      throw std::invalid_argument("rill: randomSplit: weights must be finite and nonnegative, got " +
                                  toString(weights));
    sum += w;
    largest = std::max(largest, w);
  }
  if (!(sum > 0))
    throw std::invalid_argument("rill: randomSplit: sum of weights must be positive, got " + toString(weights));
  // Finite weights whose sum overflows: scale them by the largest first (a sum of at most size()).
  const double scale = std::isfinite(sum) ? 1 : largest;
  if (scale != 1) {
    sum = 0;
    for (const double w : weights) sum += w / scale;
  }
  std::vector<double> out;
  out.reserve(weights.size());
  for (const double w : weights) out.push_back(w / scale / sum);
  return out;
}

RILL_RUNTIME double detail::fractionForSampleSize(std::size_t num, std::int64_t total, bool withReplacement) {
  const double s = static_cast<double>(num), n = static_cast<double>(total);
  if (withReplacement) {
    const double stdevs = s < 6 ? 12 : (s < 16 ? 9 : 6);
    return std::max(s + stdevs * std::sqrt(s), 1e-10) / n;
  }
  const double fraction = s / n, gamma = -std::log(1e-4) / n;
  return std::min(1.0, std::max(1e-10, fraction + gamma + std::sqrt(gamma * gamma + 2 * gamma * fraction)));
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
