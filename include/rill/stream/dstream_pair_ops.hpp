#pragma once
// DStream operations on key/value streams (Spark's PairDStreamFunctions): each
// applies the RDD operation of the same name to every batch.
#include <rill/core/concepts.hpp>
#include <rill/stream/derive.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace rill {

namespace detail {
/// Calls op(rdd) or op(rdd, n): Spark's optional numPartitions argument, 0 = default.
template <class Rdd, class Op>
auto withPartitions(const Rdd& rdd, std::size_t numPartitions, Op&& op) {
  return op(rdd, numPartitions ? numPartitions : rdd.context().defaultParallelism());
}
}  // namespace detail

template <class D>
class DStreamPairOps {
  const D& d() const { return static_cast<const D&>(*this); }
  template <class Late = void>
  using T_ = typename std::conditional_t<true, D, Late>::value_type;
  template <class Late = void>
  static constexpr bool requirePairs() {
    static_assert(PairLike<T_<Late>>, "rill: this operation needs a DStream of key/value pairs");
    return PairLike<T_<Late>>;
  }

 public:
  template <class F>
  auto reduceByKey(F f, std::size_t numPartitions = 0) const {
    if constexpr (requirePairs())
      return detail::deriveStream(d(), [f, numPartitions](const auto& rdd) {
        return detail::withPartitions(rdd, numPartitions, [&](const auto& r, std::size_t n) { return r.reduceByKey(f, n); });
      });
  }
  auto groupByKey(std::size_t numPartitions = 0) const {
    if constexpr (requirePairs())
      return detail::deriveStream(d(), [numPartitions](const auto& rdd) {
        return detail::withPartitions(rdd, numPartitions, [](const auto& r, std::size_t n) { return r.groupByKey(n); });
      });
  }
  template <class C, class M, class MC>
  auto combineByKey(C createCombiner, M mergeValue, MC mergeCombiners, std::size_t numPartitions = 0) const {
    if constexpr (requirePairs())
      return detail::deriveStream(d(), [=](const auto& rdd) {
        return detail::withPartitions(rdd, numPartitions, [&](const auto& r, std::size_t n) {
          return r.combineByKey(createCombiner, mergeValue, mergeCombiners, n);
        });
      });
  }
  template <class F>
  auto mapValues(F f) const {
    if constexpr (requirePairs()) return detail::deriveStream(d(), [f](const auto& rdd) { return rdd.mapValues(f); });
  }
  template <class F>
  auto flatMapValues(F f) const {
    if constexpr (requirePairs()) return detail::deriveStream(d(), [f](const auto& rdd) { return rdd.flatMapValues(f); });
  }

  template <class Other>
  auto join(const Other& other, std::size_t numPartitions = 0) const {
    return joinWith(other, numPartitions, "join", [](const auto& a, const auto& b, std::size_t n) { return a.join(b, n); });
  }
  template <class Other>
  auto leftOuterJoin(const Other& other, std::size_t numPartitions = 0) const {
    return joinWith(other, numPartitions, "leftOuterJoin",
                    [](const auto& a, const auto& b, std::size_t n) { return a.leftOuterJoin(b, n); });
  }
  template <class Other>
  auto rightOuterJoin(const Other& other, std::size_t numPartitions = 0) const {
    return joinWith(other, numPartitions, "rightOuterJoin",
                    [](const auto& a, const auto& b, std::size_t n) { return a.rightOuterJoin(b, n); });
  }
  template <class Other>
  auto fullOuterJoin(const Other& other, std::size_t numPartitions = 0) const {
    return joinWith(other, numPartitions, "fullOuterJoin",
                    [](const auto& a, const auto& b, std::size_t n) { return a.fullOuterJoin(b, n); });
  }
  template <class Other>
  auto cogroup(const Other& other, std::size_t numPartitions = 0) const {
    return joinWith(other, numPartitions, "cogroup",
                    [](const auto& a, const auto& b, std::size_t n) { return a.cogroup(b, n); });
  }

 private:
  template <class Other, class Op>
  auto joinWith(const Other& other, std::size_t numPartitions, const char* name, Op op) const {
    if constexpr (requirePairs())
      return detail::deriveStream2(
          d(), other,
          [op, numPartitions](const auto& a, const auto& b) {
            return op(a, b, numPartitions ? numPartitions : a.context().defaultParallelism());
          },
          name);
  }
};

}  // namespace rill
