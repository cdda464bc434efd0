#pragma once
// zip, zipPartitions and zipWithUniqueId. Partition p of a zip reads partition
// p of both parents, where the left one lives; with several ranks, when the
// right one lives elsewhere, the right side is first gathered on every rank
// (as cartesian's).
#include <rill/core/errors.hpp>
#include <rill/core/ref.hpp>
#include <rill/fuse/element_stages.hpp>
#include <rill/rdd/actions.hpp>
#include <rill/rdd/derived_nodes.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/node.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

namespace detail {

/// The element type zipPartitions' f returns a range of.
template <class F, class T, class U>
using zipped_t = fuse::iterable_value_t<std::remove_reference_t<std::invoke_result_t<const F&, std::vector<T>&, std::vector<U>&>>>;

/// Partition p is f(left partition p, right partition p), both read whole.
template <class T, class U, class F>
class ZipPartitionsNode final : public RDDNode<zipped_t<F, T, U>> {
  using V = zipped_t<F, T, U>;

 public:
  ZipPartitionsNode(Ref<const RDDNode<T>> left, Ref<const RDDNode<U>> right, F f)
      : left_(std::move(left)), right_(std::move(right)), f_(std::move(f)) {}
  std::size_t numPartitions() const override { return left_->numPartitions(); }
  bool compute(std::size_t p, ChunkSink<V>& out) const override {
    AppendChunks<T> left;
    AppendChunks<U> right;
    left_->compute(p, left);
    right_->compute(p, right);
    ChunkingSink<V> sink{&out, {}};
    return fuse::detail::emitEach(fuse::detail::pushTo(sink), f_, left.data, right.data) && sink.finish();
  }
  std::size_t owner(std::size_t p, std::size_t ranks) const override { return left_->owner(p, ranks); }

 private:
  Ref<const RDDNode<T>> left_;
  Ref<const RDDNode<U>> right_;
  F f_;
};

/// zip's f: pairs the i-th elements of two partitions of the same length.
template <class T, class U>
struct PairUp {
  std::vector<std::pair<T, U>> operator()(std::vector<T>& left, std::vector<U>& right) const {
    if (left.size() != right.size())
      throw SparkException("rill: zip: Can only zip RDDs with same number of elements in each partition");
    std::vector<std::pair<T, U>> out;
    out.reserve(left.size());
    for (std::size_t i = 0; i < left.size(); ++i) out.emplace_back(std::move(left[i]), std::move(right[i]));
    return out;
  }
};

/// `right` as a node whose partition p can be computed where `left`'s lives:
/// itself when every partition already lives there, else every partition gathered
/// on every rank.
template <class L, class R>
auto besideLeft(const L& left, const R& right) {
  using U = typename R::value_type;
  auto node = right.toRDD().node();
  const std::size_t ranks = clusterOf(left.context()).size();
  bool same = true;
  for (std::size_t p = 0; p < left.numPartitions() && ranks > 1; ++p) same = same && left.owner(p, ranks) == right.owner(p, ranks);
  if (same) return node;
  auto parts = runPerPartition(right, "zipPartitions", [](std::size_t) { return CollectSink<U>{}; });
  return makeNode<StoredNode<U>>(std::move(parts));
}

/// zipWithUniqueId(): partition k of n numbers its elements k, n + k, 2n + k, ...
struct ZipWithUniqueIdStage {
  std::int64_t partitions;
  template <class In>
  using out = std::pair<In, std::int64_t>;
  template <class Next>
  struct Bound {
    std::int64_t id, step;
    Next next;
    template <class X>
    bool push(X&& x) {
      using In = std::remove_cvref_t<X>;
      const std::int64_t mine = id;
      id += step;
      return next.push(std::pair<In, std::int64_t>(std::forward<X>(x), mine));
    }
    bool finish() { return next.finish(); }
  };
  template <class In, class Next>
  Bound<Next> bind(std::size_t partition, Next next) const {
    return {static_cast<std::int64_t>(partition), partitions, std::move(next)};
  }
};

}  // namespace detail

template <class D>
class ZipOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// zipPartitions(other, f): partition p is the range f(std::vector<T>& p of this,
  /// std::vector<U>& p of other) returns. Both RDDs need the same number of partitions.
  template <class Other, class F>
  auto zipPartitions(const Other& other, F f) const {
    constexpr bool isRDD = detail::RDDLike<Other>;
    static_assert(isRDD, "rill: zipPartitions needs an RDD");
    if constexpr (isRDD) return zipPartitionsOf<typename Other::value_type>(other, std::move(f));
  }

  /// zip(other): (i-th element of this, i-th element of other). Both RDDs need the same
  /// number of partitions and of elements in each partition (checked when computed).
  template <class Other>
  auto zip(const Other& other) const {
    constexpr bool isRDD = detail::RDDLike<Other>;
    static_assert(isRDD, "rill: zip needs an RDD");
    if constexpr (isRDD) return zipPartitions(other, detail::PairUp<typename D::value_type, typename Other::value_type>{});
  }

  /// zipWithUniqueId(): (x, id); partition k of n gives ids k, n + k, 2n + k, ... (no job).
  auto zipWithUniqueId() const {
    return d().then(detail::ZipWithUniqueIdStage{static_cast<std::int64_t>(d().numPartitions())});
  }

 private:
  template <class U, class Other, class F>
  auto zipPartitionsOf(const Other& other, F f) const {
    using T = typename D::value_type;
    constexpr bool ok = std::invocable<const F&, std::vector<T>&, std::vector<U>&>;
    static_assert(ok, "rill: zipPartitions(other, f) needs f callable as f(std::vector<T>&, std::vector<U>&) "
                      "returning a range");
    if constexpr (ok) {
      using R = std::remove_reference_t<std::invoke_result_t<const F&, std::vector<T>&, std::vector<U>&>>;
      static_assert(fuse::Iterable<R>, "rill: zipPartitions(other, f) needs f to return a range (begin()/end())");
      if constexpr (fuse::Iterable<R>) {
        checkPartitions(other);
        using V = detail::zipped_t<F, T, U>;
        return RDD<V>(d().context(), makeNode<detail::ZipPartitionsNode<T, U, F>>(
                                         d().toRDD().node(), detail::besideLeft(d(), other), std::move(f)));
      }
    }
  }

  template <class Other>
  void checkPartitions(const Other& other) const {
    if (d().numPartitions() != other.numPartitions())
      throw std::invalid_argument("rill: zip: Can't zip RDDs with unequal numbers of partitions: List(" +
                                  std::to_string(d().numPartitions()) + ", " + std::to_string(other.numPartitions()) +
                                  ")");
  }
};

}  // namespace rill
