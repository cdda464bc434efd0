#pragma once
// The element-wise operations RDD and DStream share: each checks the user's
// function against the element type, then appends one stage to the chain's
// type through D::then. Nothing runs here; the chain runs when an action (RDD)
// or a batch job (DStream) folds it into one loop per partition.
//
// A CRTP mixin: D is RDD, a fused RDD chain, DStream or a fused DStream chain;
// it provides value_type and then(stage). D is incomplete while this base is
// instantiated, so D::value_type is named only inside the member bodies.
#include <rill/fuse/checks.hpp>
#include <rill/fuse/element_stages.hpp>
#include <rill/fuse/partition_stages.hpp>

#include <utility>

namespace rill::fuse {

template <class D>
class ElementOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// map(f): f(const T&) -> U.
  template <class F>
  auto map(F f) const {
    if constexpr (checkMap<F, typename D::value_type>()) return d().then(MapStage<F>{std::move(f)});
  }

  /// filter(p): p(const T&) -> bool.
  template <class F>
  auto filter(F f) const {
    if constexpr (checkFilter<F, typename D::value_type>()) return d().then(FilterStage<F>{std::move(f)});
  }

  /// flatMap(f): f(const T&) -> any range (container, view, tokenizer).
  template <class F>
  auto flatMap(F f) const {
    if constexpr (checkFlatMap<F, typename D::value_type>()) return d().then(FlatMapStage<F>{std::move(f)});
  }

  /// keyBy(f): x -> (f(x), x).
  template <class F>
  auto keyBy(F f) const {
    if constexpr (checkKeyBy<F, typename D::value_type>()) return d().then(KeyByStage<F>{std::move(f)});
  }

  /// mapPartitions(f): f(std::vector<T>& partition) -> range.
  template <class F>
  auto mapPartitions(F f) const {
    if constexpr (checkMapPartitions<F, typename D::value_type>()) return d().then(MapPartitionsStage<F, false>{std::move(f)});
  }

  /// mapPartitionsWithIndex(f): f(std::size_t index, std::vector<T>& partition) -> range.
  template <class F>
  auto mapPartitionsWithIndex(F f) const {
    if constexpr (checkMapPartitionsWithIndex<F, typename D::value_type>())
      return d().then(MapPartitionsStage<F, true>{std::move(f)});
  }

  /// glom(): each partition as one std::vector<T>.
  auto glom() const { return d().then(GlomStage{}); }
};

}  // namespace rill::fuse
