#pragma once
// How every non-fused DStream operation is built: a new node whose RDD at
// batch t is a function of its parents' RDDs at t. The function runs once per
// batch; inside it the RDD operations fuse as usual.
#include <rill/core/errors.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace rill {

template <class T>
class DStream;

namespace detail {

template <class D>
using batch_rdd_t = std::remove_cvref_t<decltype(*std::declval<const D&>().rddAt(Time()))>;

/// A stream whose batch is perBatch(parent's batch, t). When the parent has no
/// RDD at t the result has none either, unless requireParent (Spark's transform).
template <class D, class F>
auto deriveStreamTimed(const D& parent, F perBatch, bool requireParent = true) {
  using R = std::remove_cvref_t<std::invoke_result_t<F&, const batch_rdd_t<D>&, Time>>;
  using U = typename R::value_type;
  parent.graph().checkNotStarted();
  auto fn = [parent, perBatch = std::move(perBatch), requireParent](Time t) mutable -> std::optional<RDD<U>> {
    auto rdd = parent.rddAt(t);
    if (!rdd) {
      if (requireParent) throw SparkException("rill: couldn't generate RDD from parent at time " + t.toString());
      return std::nullopt;
    }
    return RDD<U>(perBatch(*rdd, t));
  };
  return DStream<U>(std::make_shared<FunctionNode<U>>(
      parent.graph(), parent.slideDuration(), std::vector<std::shared_ptr<DStreamBase>>{parent.baseNode()},
      std::move(fn)));
}

template <class D, class F>
auto deriveStream(const D& parent, F perBatch, bool requireParent = false) {
  return deriveStreamTimed(
      parent, [perBatch = std::move(perBatch)](const auto& rdd, Time) mutable { return perBatch(rdd); },
      requireParent);
}

/// A stream whose batch is f(left's batch, right's batch); both must have one
/// (Spark's transformWith, union and joins fail otherwise).
template <class L, class R, class F>
auto deriveStream2(const L& left, const R& right, F perBatch, const char* op) {
  using Out = std::remove_cvref_t<std::invoke_result_t<F&, const batch_rdd_t<L>&, const batch_rdd_t<R>&>>;
  using U = typename Out::value_type;
  left.graph().checkNotStarted();
  if (&left.graph() != &right.graph())
    throw std::invalid_argument(std::string("rill: ") + op + " of DStreams from different StreamingContexts");
  if (left.slideDuration() != right.slideDuration())
    throw std::invalid_argument(std::string("rill: ") + op + " of DStreams with different slide durations (" +
                                toString(left.slideDuration()) + " and " + toString(right.slideDuration()) + ")");
  auto fn = [left, right, perBatch = std::move(perBatch), op](Time t) mutable -> std::optional<RDD<U>> {
    auto a = left.rddAt(t);
    auto b = right.rddAt(t);
    if (!a || !b)
      throw SparkException(std::string("rill: could not generate RDD from a parent for ") + op + " at time " +
                           t.toString());
    return RDD<U>(perBatch(*a, *b));
  };
  return DStream<U>(std::make_shared<FunctionNode<U>>(
      left.graph(), left.slideDuration(),
      std::vector<std::shared_ptr<DStreamBase>>{left.baseNode(), right.baseNode()}, std::move(fn)));
}

}  // namespace detail
}  // namespace rill
