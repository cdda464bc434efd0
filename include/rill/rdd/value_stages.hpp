#pragma once
// Fused stages on the value of a key/value element (mapValues, flatMapValues)
// and the trait saying which stages keep an RDD's partitioning: a stage that
// never changes a key leaves every element in the partition its key belongs
// to, so the partitioner survives it (as Spark's mapValues, flatMapValues,
// filter, sample, sampleByKey and randomSplit keep rdd.partitioner).
#include <rill/core/concepts.hpp>
#include <rill/fuse/element_stages.hpp>
#include <rill/fuse/partition_stages.hpp>
#include <rill/fuse/pipeline.hpp>

#include <cstddef>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace rill::detail {

/// What the value stages share: they hold f and bind to the next sink the same
/// way; Stage::emit(f, x, next) says what one element becomes.
template <class F, class Stage>
struct ValueStage {
  F f;
  template <class In, class Next>
  struct Bound {
    const F* f;
    Next next;
    template <class X>
    bool push(X&& x) {
      return Stage::template emit<In>(*f, std::forward<X>(x), next);
    }
    bool finish() { return next.finish(); }
  };
  template <class In, class Next>
  Bound<In, Next> bind(std::size_t, Next next) const {
    return {&f, std::move(next)};
  }
};

/// mapValues(f): (k, v) -> (k, f(v)).
template <class F>
struct MapValuesStage : ValueStage<F, MapValuesStage<F>> {
  template <class In>
  using out = std::pair<key_of_t<In>, result_of_t<F, mapped_of_t<In>>>;

  template <class In, class X, class Next>
  static bool emit(const F& f, X&& x, Next& next) {
    return next.push(out<In>(std::get<0>(std::forward<X>(x)), std::invoke(f, std::as_const(std::get<1>(x)))));
  }
};

/// flatMapValues(f): (k, v) -> (k, y) for every y in f(v).
template <class F>
struct FlatMapValuesStage : ValueStage<F, FlatMapValuesStage<F>> {
  template <class In>
  using range_t = std::invoke_result_t<const F&, const mapped_of_t<In>&>;
  template <class In>
  using out = std::pair<key_of_t<In>, fuse::iterable_value_t<std::remove_reference_t<range_t<In>>>>;

  template <class In, class X, class Next>
  static bool emit(const F& f, X&& x, Next& next) {
    const auto& key = std::get<0>(x);
    return fuse::detail::emitEach(
        [&](auto&& y) { return next.push(out<In>(key, std::forward<decltype(y)>(y))); }, f,
        std::as_const(std::get<1>(x)));
  }
};

/// keys() / values(): the key or the value of a pair, moved out of an rvalue.
template <std::size_t I>
struct Member {
  template <class P>
  auto operator()(P&& p) const {
    return std::get<I>(std::forward<P>(p));
  }
};

template <class Fractions>
struct SampleByKeyStage;  // sampling.hpp

/// Whether a stage leaves every key where it was.
template <class Stage>
inline constexpr bool keeps_partitioning = false;
template <class F>
inline constexpr bool keeps_partitioning<fuse::FilterStage<F>> = true;
template <class F>
inline constexpr bool keeps_partitioning<MapValuesStage<F>> = true;
template <class F>
inline constexpr bool keeps_partitioning<FlatMapValuesStage<F>> = true;
template <>
inline constexpr bool keeps_partitioning<fuse::SampleStage> = true;  // sample and randomSplit
template <class Fractions>
inline constexpr bool keeps_partitioning<SampleByKeyStage<Fractions>> = true;
template <class... Stages>
inline constexpr bool keeps_partitioning<fuse::Pipeline<Stages...>> = (keeps_partitioning<Stages> && ...);

}  // namespace rill::detail
