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
#include <memory>
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

/// makeWriter(p) -> a sink whose result() is std::vector<std::vector<U>> with one
/// bucket per target; reduce(r, std::vector<std::vector<U>>& incoming) -> std::vector<V>.
/// Returns the target partitions.
template <class R, class MakeWriter, class Reduce>
auto shuffle(const R& rdd, std::size_t numTargets, MakeWriter&& makeWriter, Reduce&& reduce) {
  auto buckets = runPerPartition(rdd, makeWriter);
  using U = typename decltype(buckets)::value_type::value_type::value_type;
  if (buckets.empty()) buckets.emplace_back(numTargets);  // so every target still runs reduce
  auto incoming = exec::LocalExchange::exchange<U>(std::move(buckets), numTargets);
  using V = typename std::invoke_result_t<Reduce&, std::size_t, std::vector<std::vector<U>>&>::value_type;
  std::vector<std::vector<V>> out(numTargets);
  forEachTarget(rdd.context(), numTargets, [&](std::size_t r) { out[r] = reduce(r, incoming[r]); });
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
std::vector<T>* soleBucket(std::vector<std::vector<T>>& incoming) {
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
std::vector<T> concatenate(std::vector<std::vector<T>>& incoming) {
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
