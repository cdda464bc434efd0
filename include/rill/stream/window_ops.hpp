#pragma once
// DStream window operations (Spark's window, countByWindow, reduceByWindow,
// reduceByKeyAndWindow, countByValueAndWindow, groupByKeyAndWindow).
//
// A window of length w and slide s is output at every multiple of s and holds
// the batches with times in (t - w, t]; both must be multiples of the parent's
// slide (std::invalid_argument when the stream is defined). Windows reaching
// back before the stream's start hold only the batches that exist.
// The keyed forms take an optional last argument as the keyed RDD ops do: a
// number of partitions (0: the context's default parallelism, as Spark
// Streaming) or a partitioner (rill::HashPartitioner(n) or your own).
#include <rill/core/concepts.hpp>
#include <rill/rdd/hash_table.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/rdd/keys.hpp>
#include <rill/rdd/transformations.hpp>
#include <rill/stream/derive.hpp>
#include <rill/stream/reduced_window.hpp>
#include <rill/stream/window.hpp>
#include <rill/stream/window_keyed.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

template <class D>
class DStreamWindowOps {
  const D& d() const { return static_cast<const D&>(*this); }

  // The checks of reduceByKeyAndWindow, for f and for invF.
  template <class F, class Part>
  static constexpr bool checkKeyedReduce() {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "reduceByKeyAndWindow needs a DStream");
    if constexpr (PairLike<T>) {
      constexpr bool reduceOk = ReduceFunction<F, mapped_of_t<T>>;
      static_assert(reduceOk, "rill: reduceByKeyAndWindow needs f (and invF) callable as f(const V&, const V&) "
                              "returning V, where V is the value type");
      return reduceOk && detail::checkKeyed<T, Part>();
    }
    return false;
  }

 public:
  /// window(windowDuration[, slideDuration]): the batches in each window, every slide
  /// (the slide defaults to the parent's).
  auto window(Duration windowDuration) const { return window(windowDuration, d().slideDuration()); }
  auto window(Duration windowDuration, Duration slideDuration) const {
    using T = typename D::value_type;
    auto parent = d().toDStream();
    SparkContext* sc = &parent.sparkContext();
    return detail::windowStream<T>("window", parent, windowDuration, slideDuration,
                                   [sc](std::vector<RDD<T>> rdds) { return detail::unionAll(*sc, rdds); });  // Spark's sc.union
  }

  /// countByWindow(window, slide): the number of elements in each window, one int64.
  /// Incremental, as Spark: once data was seen, an emptied window gives 0.
  auto countByWindow(Duration windowDuration, Duration slideDuration) const {
    return d()
        .map([](const auto&) { return std::int64_t{1}; })
        .reduceByWindow(std::plus<std::int64_t>(), std::minus<std::int64_t>(), windowDuration, slideDuration);
  }

  /// reduceByWindow(f, window, slide): f(T, T) -> T over each window; nothing for an empty window.
  template <class F>
  auto reduceByWindow(F f, Duration windowDuration, Duration slideDuration) const {
    detail::requireWindowDurations("reduceByWindow", windowDuration, slideDuration, d().slideDuration());
    return d().reduce(f).window(windowDuration, slideDuration).reduce(f);
  }

  /// reduceByWindow(f, invF, window, slide): incremental; invF(a, b) undoes f(a, b).
  template <class F, class G>
    requires(!std::is_convertible_v<G, Duration>)
  auto reduceByWindow(F f, G invF, Duration windowDuration, Duration slideDuration) const {
    using T = typename D::value_type;
    static_assert(ReduceFunction<F, T> && ReduceFunction<G, T>,
                  "rill: reduceByWindow(f, invF, ...) needs f and invF callable as f(const T&, const T&) returning T");
    if constexpr (ReduceFunction<F, T> && ReduceFunction<G, T>)
      return d()
          .map([](const T& x) { return std::pair<int, T>(1, x); })
          .reduceByKeyAndWindow(std::move(f), std::move(invF), windowDuration, slideDuration, 1)
          .map([](const std::pair<int, T>& kv) { return kv.second; });
  }

  /// reduceByKeyAndWindow(f, window[, slide[, n | partitioner]]): (key, f over its values
  /// in the window); a key is present only when it has values in the window.
  template <class F>
  auto reduceByKeyAndWindow(F f, Duration windowDuration) const {
    return reduceByKeyAndWindow(std::move(f), windowDuration, d().slideDuration());
  }
  template <class F, class Part = std::size_t>
  auto reduceByKeyAndWindow(F f, Duration windowDuration, Duration slideDuration, Part part = 0) const {
    if constexpr (checkKeyedReduce<F, Part>()) {
      using Row = detail::row_t<typename D::value_type>;
      detail::requireWindowDurations("reduceByKeyAndWindow", windowDuration, slideDuration, d().slideDuration());
      SparkContext* sc = &d().sparkContext();
      const auto p = detail::streamPartitioner(part, "reduceByKeyAndWindow", sc->defaultParallelism());
      DStream<Row> perBatch = detail::deriveStream(d(), [f, p](const auto& rdd) { return rdd.reduceByKey(f, p); });
      return detail::windowStream<Row>(
          "reduceByKeyAndWindow", perBatch, windowDuration, slideDuration, [f, p, sc](std::vector<RDD<Row>> rdds) {
            const auto fold = [&](std::size_t, std::vector<std::vector<Row>>& in) { return foldWindow(in, p, f); };
            return detail::mergeAligned(*sc, "reduceByKeyAndWindow", p, std::move(rdds), fold);
          });
    }
  }

  /// reduceByKeyAndWindow(f, invF, window, slide[, n | partitioner[, filterFunc]]):
  /// incremental, each slide adds the batches entering and removes (invF) those
  /// leaving. Keys stay with invF's result (e.g. 0) when their values leave, unless
  /// filterFunc(const std::pair<K, V>&) -> bool drops them.
  template <class F, class G, class Part = std::size_t, class Filter = detail::NoFilter>
    requires(!std::is_convertible_v<G, Duration>)
  auto reduceByKeyAndWindow(F f, G invF, Duration windowDuration, Duration slideDuration, Part part = 0,
                            Filter filterFunc = {}) const {
    if constexpr (checkKeyedReduce<F, Part>() && checkKeyedReduce<G, Part>() && checkFilter<Filter>()) {
      using Row = detail::row_t<typename D::value_type>;
      using K = typename Row::first_type;
      using V = typename Row::second_type;
      detail::requireWindowDurations("reduceByKeyAndWindow", windowDuration, slideDuration, d().slideDuration());
      const auto p =
          detail::streamPartitioner(part, "reduceByKeyAndWindow", d().sparkContext().defaultParallelism());
      using P = std::remove_cvref_t<decltype(p)>;
      DStream<Row> perBatch = detail::deriveStream(d(), [f, p](const auto& rdd) { return rdd.reduceByKey(f, p); });
      auto node = std::make_shared<detail::ReducedWindowNode<K, V, F, G, Filter, P>>(
          perBatch.node(), windowDuration, slideDuration, std::move(f), std::move(invF), std::move(filterFunc), p);
      auto& checkpoints = d().graph().checkpoints();
      checkpoints.add(std::make_shared<detail::BatchesParticipant<Row>>(
          perBatch.node(), "the per-batch reductions an incremental window subtracts"));
      checkpoints.add(node);
      return DStream<Row>(std::move(node));
    }
  }

  /// countByValueAndWindow(window, slide[, n | partitioner]): (value, int64 count in the
  /// window); values whose count drops to 0 are removed.
  template <class Part = std::size_t>
  auto countByValueAndWindow(Duration windowDuration, Duration slideDuration, Part part = 0) const {
    using T = typename D::value_type;
    // Chosen here, not by reduceByKeyAndWindow, so that a negative count is refused in this operation's name.
    const auto p = detail::streamPartitioner(part, "countByValueAndWindow", d().sparkContext().defaultParallelism());
    return d()
        .map([](const T& x) { return std::pair<T, std::int64_t>(x, 1); })
        .reduceByKeyAndWindow(std::plus<std::int64_t>(), std::minus<std::int64_t>(), windowDuration, slideDuration, p,
                              [](const auto& kv) { return kv.second != 0; });
  }

  /// groupByKeyAndWindow(window[, slide[, n | partitioner]]): (key, std::vector of its
  /// values in the window, oldest batch first).
  auto groupByKeyAndWindow(Duration windowDuration) const {
    return groupByKeyAndWindow(windowDuration, d().slideDuration());
  }
  template <class Part = std::size_t>
  auto groupByKeyAndWindow(Duration windowDuration, Duration slideDuration, Part part = 0) const {
    using T = typename D::value_type;
    RILL_REQUIRE_PAIRS(T, "groupByKeyAndWindow needs a DStream");
    if constexpr (detail::checkKeyed<T, Part>()) {
      using Row = detail::row_t<T>;
      using Group = std::pair<typename Row::first_type, std::vector<typename Row::second_type>>;
      detail::requireWindowDurations("groupByKeyAndWindow", windowDuration, slideDuration, d().slideDuration());
      SparkContext* sc = &d().sparkContext();
      const auto p = detail::streamPartitioner(part, "groupByKeyAndWindow", sc->defaultParallelism());
      DStream<Group> perBatch = detail::deriveStream(d(), [p](const auto& rdd) { return rdd.groupByKey(p); });
      auto concat = [](auto a, auto b) {
        a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
        return a;
      };
      return detail::windowStream<Group>(
          "groupByKeyAndWindow", perBatch, windowDuration, slideDuration, [p, sc, concat](std::vector<RDD<Group>> rdds) {
            const auto fold = [&](std::size_t, std::vector<std::vector<Group>>& in) {
              return foldWindow(in, p, concat);
            };
            return detail::mergeAligned(*sc, "groupByKeyAndWindow", p, std::move(rdds), fold);
          });
    }
  }

 private:
  template <class Filter>
  static constexpr bool checkFilter() {
    if constexpr (std::is_same_v<Filter, detail::NoFilter>) {
      return true;
    } else {
      using Row = detail::row_t<typename D::value_type>;
      constexpr bool ok = std::is_invocable_r_v<bool, const Filter&, const Row&>;
      static_assert(ok, "rill: reduceByKeyAndWindow's filterFunc must be callable as f(const std::pair<K, V>&) -> bool");
      return ok;
    }
  }

  /// One partition of a window: every batch's rows of the partition folded per key with merge.
  template <class Row, class P, class Merge>
  static std::vector<Row> foldWindow(std::vector<std::vector<Row>>& batches, const P& part, const Merge& merge) {
    using Hash = hasher_of_t<P>;
    detail::FlatMap<typename Row::first_type, typename Row::second_type, Hash> table(
        detail::hasherFrom<Hash>(part));
    for (auto& rows : batches) detail::foldRows(table, rows, merge);
    return std::move(table).take();
  }
};

}  // namespace rill
