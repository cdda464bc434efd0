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

/// sample(withReplacement, fraction, seed): Bernoulli or Poisson sampling with a
/// generator seeded from (seed, partition), so a seed gives the same sample
/// whatever the number of workers.
struct SampleStage {
  bool withReplacement;
  double fraction;
  std::uint64_t seed;
  template <class In>
  using out = In;
  template <class Next>
  struct Bound {
    bool withReplacement;
    double fraction;
    SplitMix64 rng;
    Next next;
    template <class X>
    bool push(X&& x) {
      if (!withReplacement) {
        if (rng.uniform() >= fraction) return true;
        return next.push(std::forward<X>(x));
      }
      const int copies = rng.poisson(fraction);
      for (int i = 0; i < copies; ++i)
        if (!next.push(std::as_const(x))) return false;
      return true;
    }
    bool finish() { return next.finish(); }
  };
  template <class In, class Next>
  Bound<Next> bind(std::size_t partition, Next next) const {
    return {withReplacement, fraction, SplitMix64(seed, partition), std::move(next)};
  }
};

}  // namespace rill::fuse
