#pragma once
// How the per-batch DStream operations (transform, union, the keyed ones,
// count, reduce...) are built: a new node whose RDD at batch t is a function of
// its parents' RDDs at t. The function runs once per batch; inside it the RDD
// operations fuse as usual.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>

#include <concepts>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

template <class T>
class DStream;

namespace detail {

template <class D>
using batch_rdd_t = std::remove_cvref_t<decltype(*std::declval<const D&>().rddAt(Time()))>;

/// A stream whose batch is perBatch(parent's batch, t). When the parent has no
/// RDD at t the result has none either, unless requireParent (Spark's transform).
template <class D, class F>
auto deriveStreamTimed(const D& parent, F perBatch, bool requireParent) {
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

/// f(rdds..., t) when f takes the batch time, else f(rdds...): the two forms
/// every transform-like operation accepts.
template <class F, class... R>
decltype(auto) callBatchFn(F& f, Time t, const R&... rdds) {
  if constexpr (std::invocable<F&, const R&..., Time>) {
    return f(rdds..., t);
  } else {
    (void)t;  // clang: unused in this instantiation
    return f(rdds...);
  }
}

/// Refuses a parent from another context, or with another slide than the first
/// parent's (Spark's TransformedDStream and UnionDStream checks).
RILL_RUNTIME void requireSameContextAndSlide(const char* op, const DStreamGraph& graph, Duration slide,
                                             const DStreamGraph& otherGraph, Duration otherSlide);

/// A parent's batch at t, which a multi-parent stream cannot do without.
template <class D>
batch_rdd_t<D> requireBatch(const D& parent, const char* op, Time t) {
  auto rdd = parent.rddAt(t);
  if (!rdd)
    throw SparkException(std::string("rill: could not generate RDD from a parent for ") + op + " at time " +
                         t.toString());
  return std::move(*rdd);
}

/// A stream whose batch is perBatch(each parent's batch..., t) (the time only when
/// perBatch takes it); every parent must have a batch at t.
template <class F, class First, class... Rest>
auto deriveStreams(const char* op, F perBatch, const First& first, const Rest&... rest) {
  using Out = std::remove_cvref_t<decltype(callBatchFn(
      perBatch, Time(), std::declval<const batch_rdd_t<First>&>(), std::declval<const batch_rdd_t<Rest>&>()...))>;
  using U = typename Out::value_type;
  first.graph().checkNotStarted();
  (requireSameContextAndSlide(op, first.graph(), first.slideDuration(), rest.graph(), rest.slideDuration()), ...);
  auto fn = [parents = std::tuple(first, rest...), perBatch = std::move(perBatch), op](Time t) mutable {
    return std::apply(
        [&](const auto&... p) {
          // Braces: the parents are asked in order, so the first missing one is named.
          std::tuple<batch_rdd_t<std::remove_cvref_t<decltype(p)>>...> rdds{requireBatch(p, op, t)...};
          return std::apply(
              [&](const auto&... r) { return std::optional<RDD<U>>(RDD<U>(callBatchFn(perBatch, t, r...))); }, rdds);
        },
        parents);
  };
  return DStream<U>(std::make_shared<FunctionNode<U>>(
      first.graph(), first.slideDuration(),
      std::vector<std::shared_ptr<DStreamBase>>{first.baseNode(), rest.baseNode()...}, std::move(fn)));
}

/// deriveStreams of two parents (union_, the joins, transformWith).
template <class L, class R, class F>
auto deriveStream2(const L& left, const R& right, F perBatch, const char* op) {
  return deriveStreams(op, std::move(perBatch), left, right);
}

/// A stream whose batch is perBatch(vector of the parents' batches[, t]); the
/// parents are DStreams of one type (Spark's ssc.transform over a list).
template <class T, class F>
auto deriveStreamOfAll(const char* op, DStreamGraph& graph, const std::vector<DStream<T>>& parents, F perBatch) {
  if (parents.empty()) throw std::invalid_argument(std::string("rill: ") + op + " needs at least one DStream");
  using Out = std::remove_cvref_t<decltype(callBatchFn(perBatch, Time(), std::declval<const std::vector<RDD<T>>&>()))>;
  using U = typename Out::value_type;
  graph.checkNotStarted();
  std::vector<std::shared_ptr<DStreamBase>> bases;
  for (const auto& p : parents) {
    requireSameContextAndSlide(op, graph, parents.front().slideDuration(), p.graph(), p.slideDuration());
    bases.push_back(p.baseNode());
  }
  auto fn = [parents, perBatch = std::move(perBatch), op](Time t) mutable {
    std::vector<RDD<T>> rdds;
    for (const auto& p : parents) rdds.push_back(requireBatch(p, op, t));
    return std::optional<RDD<U>>(RDD<U>(callBatchFn(perBatch, t, rdds)));
  };
  return DStream<U>(
      std::make_shared<FunctionNode<U>>(graph, parents.front().slideDuration(), std::move(bases), std::move(fn)));
}

/// ssc.transform over DStreams of one type: f(vector of their batches[, time]).
template <class T, class F>
auto transformStreams(DStreamGraph& graph, const std::vector<DStream<T>>& streams, F f) {
  static_assert(std::invocable<F&, const std::vector<RDD<T>>&, Time> || std::invocable<F&, const std::vector<RDD<T>>&>,
                "rill: ssc.transform(streams, f) needs f callable as f(const std::vector<rill::RDD<T>>&, rill::Time) "
                "or f(rdds) returning an RDD");
  return deriveStreamOfAll("transform", graph, streams, std::move(f));
}

/// ssc.transform over a tuple of DStreams of any types: f(each one's batch...[, time]).
template <class... S, class F>
auto transformStreams(DStreamGraph& graph, const std::tuple<S...>& streams, F f) {
  static_assert(sizeof...(S) > 0, "rill: ssc.transform(std::tuple(streams...), f) needs at least one DStream");
  if constexpr (sizeof...(S) > 0) {
    static_assert(std::invocable<F&, const batch_rdd_t<std::remove_cvref_t<S>>&..., Time> ||
                      std::invocable<F&, const batch_rdd_t<std::remove_cvref_t<S>>&...>,
                  "rill: ssc.transform(std::tuple(a, b, ...), f) needs f callable as f(aRdd, bRdd, ..., rill::Time) "
                  "or f(aRdd, bRdd, ...) returning an RDD");
    return std::apply(
        [&](const auto& first, const auto&... rest) {
          requireSameContextAndSlide("transform", graph, first.slideDuration(), first.graph(), first.slideDuration());
          return deriveStreams("transform", std::move(f), first, rest...);
        },
        streams);
  }
}

}  // namespace detail

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void detail::requireSameContextAndSlide(const char* op, const DStreamGraph& graph, Duration slide,
                                                     const DStreamGraph& otherGraph, Duration otherSlide) {
  if (&graph != &otherGraph)
    throw std::invalid_argument(std::string("rill: ") + op + " of DStreams from different StreamingContexts");
  if (slide != otherSlide)
    throw std::invalid_argument(std::string("rill: ") + op + " of DStreams with different slide durations (" +
                                toString(slide) + " and " + toString(otherSlide) + ")");
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
