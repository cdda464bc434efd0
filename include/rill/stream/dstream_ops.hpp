#pragma once
// DStream transformations. Element-wise ones (fuse::ElementOps, shared with
// RDD) append a stage to the stream's chain type, so per batch they fuse with
// whatever the batch RDD does next;
// the others derive a new stream whose batch is an RDD operation on the parent's.
#include <rill/core/counts.hpp>
#include <rill/fuse/element_ops.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/transformations.hpp>
#include <rill/stream/derive.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

namespace detail {
/// Whether f, called as a transform-like function with batches of types R...
/// (and the time when it takes it), returns an RDD or an RDD chain. True when f
/// cannot be called so at all: the caller's own check names that mistake.
template <class F, class... R>
constexpr bool returnsRDD() {
  if constexpr (std::invocable<F&, const R&..., Time>)
    return RDDLike<std::remove_cvref_t<std::invoke_result_t<F&, const R&..., Time>>>;
  else if constexpr (std::invocable<F&, const R&...>)
    return RDDLike<std::remove_cvref_t<std::invoke_result_t<F&, const R&...>>>;
  else
    return true;
}
}  // namespace detail

template <class D>
class DStreamOps : public fuse::ElementOps<D> {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// repartition(n): every batch spread round-robin over n partitions; n = 0 throws
  /// std::invalid_argument here, not in the first batch.
  template <std::integral N>
  auto repartition(N numPartitions) const {
    const std::size_t n = detail::positivePartitionCount(numPartitions, "repartition");
    return detail::deriveStream(d(), [n](const auto& rdd) { return rdd.repartition(n); });
  }

  /// union_(other): both streams' batches together (`union` is a C++ keyword).
  template <class Other>
  auto union_(const Other& other) const {
    static_assert(std::is_same_v<typename D::value_type, typename Other::value_type>,
                  "rill: union_ needs two DStreams of the same element type");
    return detail::deriveStream2(
        d(), other, [](const auto& a, const auto& b) { return a.union_(b); }, "union");
  }

  /// count(): one element per batch, the number of records (0 for an empty batch).
  auto count() const {
    return detail::deriveStream(d(), [](const auto& rdd) {
      return rdd.context().parallelize(std::vector<std::int64_t>{rdd.count()}, 1);
    });
  }

  /// reduce(f): one element per batch, nothing for an empty batch.
  template <class F>
  auto reduce(F f) const {
    using T = typename D::value_type;
    static_assert(ReduceFunction<F, T>,
                  "rill: reduce(f) needs f callable as f(const T&, const T&) returning T, where T is "
                  "the DStream's element type");
    return detail::deriveStream(d(), [f](const auto& rdd) {
      auto merge = [&f](std::optional<T> acc, const auto& x) -> std::optional<T> {
        if (!acc) return T(x);
        return T(f(std::move(*acc), x));
      };
      auto combine = [&f](std::optional<T> a, std::optional<T> b) -> std::optional<T> {
        if (!a) return b;
        if (!b) return a;
        return T(f(std::move(*a), std::move(*b)));
      };
      auto result = rdd.aggregate(std::optional<T>(), merge, combine);
      std::vector<T> out;
      if (result) out.push_back(std::move(*result));
      return rdd.context().parallelize(std::move(out), 1);
    });
  }

  /// countByValue([numPartitions]): (value, count) pairs per batch.
  template <std::integral N = std::size_t>
  auto countByValue(N numPartitions = 0) const {
    using T = typename D::value_type;
    const std::size_t n = detail::partitionCount(numPartitions, "countByValue");
    return d()
        .map([](const T& x) { return std::pair<T, std::int64_t>(x, 1); })
        .reduceByKey([](std::int64_t a, std::int64_t b) { return a + b; }, n);
  }

  /// transform(f): f(rdd) or f(rdd, time) -> an RDD, any RDD operation per batch.
  template <class F>
  auto transform(F f) const {
    using R = detail::batch_rdd_t<D>;
    static_assert(detail::returnsRDD<F, R>(), "rill: transform(f) needs f to return an RDD (or an RDD chain)");
    if constexpr (std::invocable<F&, const R&, Time>) {
      return detail::deriveStreamTimed(d(), std::move(f), true);
    } else {
      static_assert(std::invocable<F&, const R&>,
                    "rill: transform(f) needs f callable as f(rdd) or f(rdd, rill::Time) returning an RDD");
      return detail::deriveStream(d(), std::move(f), true);
    }
  }

  /// transformWith(other, f): f(rdd, otherRdd) or f(rdd, otherRdd, time) -> an RDD.
  template <class Other, class F>
  auto transformWith(const Other& other, F f) const {
    using A = detail::batch_rdd_t<D>;
    using B = detail::batch_rdd_t<Other>;
    static_assert(std::invocable<F&, const A&, const B&, Time> || std::invocable<F&, const A&, const B&>,
                  "rill: transformWith(other, f) needs f callable as f(rdd, otherRdd) or f(rdd, otherRdd, "
                  "rill::Time) returning an RDD");
    static_assert(detail::returnsRDD<F, A, B>(),
                  "rill: transformWith(other, f) needs f to return an RDD (or an RDD chain)");
    return detail::deriveStream2(d(), other, std::move(f), "transformWith");
  }

  /// cache() / persist(): each batch RDD is computed once however many outputs use it.
  auto cache() const {
    auto stream = d().toDStream();
    stream.node()->setCached();
    return stream;
  }
  auto persist() const { return cache(); }
};

}  // namespace rill
