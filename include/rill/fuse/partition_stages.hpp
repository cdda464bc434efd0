#pragma once
// Stages that see a whole partition (mapPartitions, glom) or its position
// (mapPartitionsWithIndex, zipWithIndex, sample). They still sit inside the
// fused chain: the elements before them flow in one loop, and what they emit
// flows on through the stages after them in the same loop.
#include <rill/core/random.hpp>
#include <rill/fuse/element_stages.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::fuse {

namespace detail {
// What f returns for a partition. A specialisation rather than std::conditional_t,
// which would name both invoke results and fail on the signature f does not have.
template <class F, bool WithIndex, class In>
struct PartitionResult {
  using type = std::invoke_result_t<const F&, std::vector<In>&>;
};
template <class F, class In>
struct PartitionResult<F, true, In> {
  using type = std::invoke_result_t<const F&, std::size_t, std::vector<In>&>;
};
}  // namespace detail

/// mapPartitionsWithIndex(f): f(partitionIndex, std::vector<T>& partition) -> range.
/// mapPartitions is the same stage with the index dropped.
template <class F, bool WithIndex>
struct MapPartitionsStage {
  F f;
  template <class In>
  using range_t = typename detail::PartitionResult<F, WithIndex, In>::type;
  template <class In>
  using out = iterable_value_t<std::remove_reference_t<range_t<In>>>;

  template <class In, class Next>
  struct Bound {
    const F* f;
    std::size_t partition;
    Next next;
    std::vector<In> buffer;
    template <class X>
    bool push(X&& x) {
      buffer.emplace_back(std::forward<X>(x));
      return true;
    }
    bool finish() {
      bool goOn;
      if constexpr (WithIndex)
        goOn = detail::emitEach(detail::pushTo(next), *f, partition, buffer);
      else
        goOn = detail::emitEach(detail::pushTo(next), *f, buffer);
      return goOn && next.finish();
    }
  };
  template <class In, class Next>
  Bound<In, Next> bind(std::size_t partition, Next next) const {
    return {&f, partition, std::move(next), {}};
  }
};

/// glom(): one std::vector<T> per partition.
struct GlomStage {
  template <class In>
  using out = std::vector<In>;
  template <class In, class Next>
  struct Bound {
    Next next;
    std::vector<In> buffer;
    template <class X>
    bool push(X&& x) {
      buffer.emplace_back(std::forward<X>(x));
      return true;
    }
    bool finish() { return next.push(std::move(buffer)) && next.finish(); }
  };
  template <class In, class Next>
  Bound<In, Next> bind(std::size_t, Next next) const {
    return {std::move(next), {}};
  }
};

/// zipWithIndex(): (x, global index); the start index of each partition comes
/// from a count of the partitions before it, computed once when the RDD is defined.
struct ZipWithIndexStage {
  std::shared_ptr<const std::vector<std::int64_t>> starts;
  template <class In>
  using out = std::pair<In, std::int64_t>;
  template <class Next>
  struct Bound {
    std::int64_t index;
    Next next;
    template <class X>
    bool push(X&& x) {
      using In = std::remove_cvref_t<X>;
      return next.push(std::pair<In, std::int64_t>(std::forward<X>(x), index++));
    }
    bool finish() { return next.finish(); }
  };
  template <class In, class Next>
  Bound<Next> bind(std::size_t partition, Next next) const {
    return {(*starts)[partition], std::move(next)};
  }
};

/// The one draw behind sample, sampleByKey and randomSplit: how many copies of
/// an element to keep, Spark's cell sampling. Without replacement one, when a
/// uniform draw falls in the cell [lower, upper) (sample's is [0, fraction);
/// randomSplit's splits draw alike and own disjoint cells); with replacement
/// Poisson(upper - lower).
inline std::int64_t sampledCopies(SplitMix64& rng, bool withReplacement, double lower, double upper) {
  if (withReplacement) return rng.poisson(upper - lower);
  const double u = rng.uniform();
  return u < lower || u >= upper ? 0 : 1;
}

/// Pushes `copies` copies of x, the last one moved when x is an rvalue; false
/// when the sink stopped.
template <class Next, class X>
bool pushCopies(Next& next, X&& x, std::int64_t copies) {
  for (std::int64_t i = 1; i < copies; ++i)
    if (!next.push(std::as_const(x))) return false;
  return copies < 1 || next.push(std::forward<X>(x));
}

/// sample(withReplacement, fraction, seed): Bernoulli or Poisson sampling with a
/// generator seeded from (seed, partition), so a seed gives the same sample
/// whatever the number of workers. randomSplit's splits are samples of the cells
/// [lower, fraction) of one draw per element.
struct SampleStage {
  bool withReplacement;
  double fraction;
  std::uint64_t seed;
  double lower = 0;
  template <class In>
  using out = In;
  template <class Next>
  struct Bound {
    bool withReplacement;
    double lower, upper;
    SplitMix64 rng;
    Next next;
    template <class X>
    bool push(X&& x) {
      return pushCopies(next, std::forward<X>(x), sampledCopies(rng, withReplacement, lower, upper));
    }
    bool finish() { return next.finish(); }
  };
  template <class In, class Next>
  Bound<Next> bind(std::size_t partition, Next next) const {
    return {withReplacement, lower, fraction, SplitMix64(seed, partition), std::move(next)};
  }
};

}  // namespace rill::fuse
