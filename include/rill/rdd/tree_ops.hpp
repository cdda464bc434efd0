#pragma once
// treeAggregate and treeReduce: aggregate and reduce whose per-partition
// results merge in levels, as Spark's: each level folds result i into slot
// i % m, m shrinking by `scale` per level, while that saves a merge step.
// Every rank already holds every partition's result (jobs.hpp), so the levels
// run on the caller, in partition order: the same tree, the same value, on any
// number of ranks.
#include <rill/core/concepts.hpp>
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/rdd/actions.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

namespace detail {

RILL_RUNTIME void checkDepth(int depth);

/// Spark's tree of merges over per-partition results, then the final fold from zero.
/// zero goes where Spark's puts it: a level is a foldByKey, so every result entering
/// it starts from zero (comb(zero, x)); the last is a fold, zero starting each
/// result left and the merge of them all.
template <class U, class Comb>
U mergeInTree(std::vector<U> level, const U& zero, const Comb& comb, int depth) {
  std::size_t n = level.size();
  const auto scale = std::max<std::size_t>(
      static_cast<std::size_t>(std::ceil(std::pow(static_cast<double>(n), 1.0 / depth))), 2);
  while (static_cast<double>(n) > static_cast<double>(scale) + std::ceil(static_cast<double>(n) / static_cast<double>(scale))) {
    n /= scale;
    std::vector<U> next;
    next.reserve(n);
    for (std::size_t i = 0; i < level.size(); ++i) {
      U folded = comb(zero, std::move(level[i]));
      if (i < n)
        next.push_back(std::move(folded));
      else
        next[i % n] = comb(std::move(next[i % n]), std::move(folded));
    }
    level = std::move(next);
  }
  U acc = zero;
  for (auto& x : level) acc = comb(std::move(acc), comb(zero, std::move(x)));
  return acc;
}

}  // namespace detail

template <class D>
class TreeOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// treeAggregate(zero, seqOp, combOp[, depth = 2]): aggregate, the per-partition
  /// results merged in a tree of `depth` levels (depth >= 1). A zero that is not
  /// neutral counts as often as in Spark's (see mergeInTree).
  template <class U, class Seq, class Comb>
  U treeAggregate(U zero, Seq seqOp, Comb combOp, int depth = 2) const {
    using T = typename D::value_type;
    static_assert(std::is_invocable_r_v<U, const Seq&, U, const T&>,
                  "rill: treeAggregate(zero, seqOp, combOp) needs seqOp(U, const T&) -> U, with U the type of zero");
    static_assert(ReduceFunction<Comb, U>, "rill: treeAggregate(zero, seqOp, combOp) needs combOp(const U&, const U&) -> U");
    detail::checkDepth(depth);
    auto parts = detail::runPerPartition(d(), "treeAggregate",
                                         [&](std::size_t) { return detail::FoldSink<U, Seq>{zero, &seqOp}; });
    return detail::mergeInTree(std::move(parts), zero, combOp, depth);
  }

  /// treeReduce(f[, depth = 2]): reduce, merged in a tree; throws on an empty RDD.
  template <class F>
  auto treeReduce(F f, int depth = 2) const {
    using T = typename D::value_type;
    static_assert(ReduceFunction<F, T>,
                  "rill: treeReduce(f) needs f callable as f(const T&, const T&) returning T, where T is "
                  "the RDD's element type");
    detail::checkDepth(depth);
    auto parts = detail::runPerPartition(d(), "treeReduce", [&](std::size_t) { return detail::ReduceSink<T, F>{&f}; });
    auto merge = [&f](std::optional<T> a, std::optional<T> b) {
      return detail::mergeReduced(f, std::move(a), std::move(b));
    };
    auto result = detail::mergeInTree(std::move(parts), std::optional<T>(), merge, depth);
    if (!result) throw UnsupportedOperationException("rill: treeReduce() on an empty RDD: empty collection");
    return std::move(*result);
  }
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void detail::checkDepth(int depth) {
  if (depth < 1)
    throw std::invalid_argument("rill: Depth must be greater than or equal to 1 but got " + std::to_string(depth) +
                                ".");
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
