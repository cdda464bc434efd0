#pragma once
// The one shuffle every wide operation is built from (repartition, distinct,
// the keyed aggregations, sorts and joins):
//   1. map side: each input partition runs its fused chain into a writer that
//      cuts its output into one bucket per target partition (and may combine
//      on the way, as reduceByKey does);
//   2. exchange: buckets move to their target partitions (exec::LocalExchange
//      here; a distributed exchange later);
//   3. reduce side: each target partition turns what it received into its
//      output, in parallel on the executor.
#include <rill/exec/exchange.hpp>
#include <rill/rdd/fwd.hpp>

#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::detail {

/// Runs fn(r) for r in [0, n) in parallel on the context's executor (the
/// reduce side of a shuffle, or work on partitions that are already in place).
template <class Fn>
void forEachTarget(SparkContext& sc, std::size_t n, Fn&& fn) {
  if (n == 0) return;
  executorOf(sc).runTasks(n, fn);
}

/// Map side: runs each partition m of `rdd` into the writer makeWriter(m), whose
/// result() is one bucket (std::vector<U>) per target partition; returns them as
/// a grid, row m holding map task m's buckets.
template <class R, class MakeWriter>
auto writeBuckets(const R& rdd, std::size_t numTargets, MakeWriter&& makeWriter) {
  using Writer = decltype(makeWriter(std::size_t{}));
  using U = typename decltype(std::declval<Writer&&>().result())::value_type::value_type;
  exec::BucketGrid<U> grid(rdd.numPartitions(), numTargets);
  forEachPartition(rdd, [&](std::size_t m) {
    auto writer = makeWriter(m);
    rdd.runPartition(m, writer);
    auto buckets = std::move(writer).result();
    for (std::size_t r = 0; r < numTargets; ++r) grid.row(m)[r] = std::move(buckets[r]);
  });
  return grid;
}

/// makeWriter(p) -> a sink whose result() is std::vector<std::vector<U>> with one
/// bucket per target; reduce(r, std::span<std::vector<U>> incoming) -> std::vector<V>,
/// where incoming holds the buckets sent to r in map order (none when `rdd` has no
/// partitions: every target still runs reduce). Returns the target partitions.
template <class R, class MakeWriter, class Reduce>
auto shuffle(const R& rdd, std::size_t numTargets, MakeWriter&& makeWriter, Reduce&& reduce) {
  auto incoming = exec::LocalExchange::exchange(writeBuckets(rdd, numTargets, makeWriter));
  using Bucket = typename decltype(incoming.row(0))::value_type;
  using V = typename std::invoke_result_t<Reduce&, std::size_t, std::span<Bucket>>::value_type;
  std::vector<std::vector<V>> out(numTargets);
  forEachTarget(rdd.context(), numTargets, [&](std::size_t r) { out[r] = reduce(r, incoming.row(r)); });
  return out;
}

/// A map-side writer that routes each element to target(x) without combining.
template <class T, class Target>
struct RoutingWriter {
  Target target;
  std::vector<std::vector<T>> buckets;
  template <class X>
  bool push(X&& x) {
    auto r = target(std::as_const(x));
    buckets[r].emplace_back(std::forward<X>(x));
    return true;
  }
  bool finish() { return true; }
  std::vector<std::vector<T>> result() && { return std::move(buckets); }
};

/// The only non-empty bucket a target received, or nullptr when none or several are.
template <class T>
std::vector<T>* soleBucket(std::span<std::vector<T>> incoming) {
  std::vector<T>* only = nullptr;
  for (auto& b : incoming) {
    if (b.empty()) continue;
    if (only) return nullptr;
    only = &b;
  }
  return only;
}

/// Concatenates the buckets a target partition received, in map order.
template <class T>
std::vector<T> concatenate(std::span<std::vector<T>> incoming) {
  if (auto* only = soleBucket(incoming)) return std::move(*only);  // one sender: nothing to copy
  std::size_t total = 0;
  for (auto& b : incoming) total += b.size();
  std::vector<T> out;
  out.reserve(total);
  for (auto& b : incoming)
    for (auto& x : b) out.push_back(std::move(x));
  return out;
}

}  // namespace rill::detail
