#pragma once
// The one shuffle every wide operation is built from (repartition, distinct,
// the keyed aggregations, sorts and joins):
//   1. map side: each input partition runs its fused chain into a writer that
//      cuts its output into one bucket per target partition (and may combine
//      on the way, as reduceByKey does);
//   2. exchange: buckets move to their target partitions;
//   3. reduce side: each target partition turns what it received into its
//      output, in parallel on the executor.
// In one process the exchange is a move into the target's row. Between ranks,
// the buckets for other ranks' targets go through a ShuffleExchange
// (shuffle_exchange.hpp). Every target sees its buckets in global map order
// either way, so a shuffle's output is the same on any number of ranks.
#include <rill/exec/exchange.hpp>
#include <rill/exec/huge_pages.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/shuffle_exchange.hpp>

#include <cstddef>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::detail {

template <class MakeWriter>
using bucket_element_t = typename sink_result_t<MakeWriter>::value_type::value_type;

/// reduce(r, incoming), then the incoming buckets' memory goes (the elements may
/// have been moved out, their vectors' memory not), so the shuffle's input and
/// output are not both held until every target is done.
template <class Reduce, class U>
auto reduceAndRelease(Reduce& reduce, std::size_t r, std::span<std::vector<U>> incoming) {
  auto out = reduce(r, incoming);
  for (auto& bucket : incoming) std::vector<U>().swap(bucket);
  return out;
}

/// Decodes what the exchange brought into `grid`'s rows, one sending rank at a
/// time (this rank's targets in parallel), freeing each rank's bytes as soon as
/// they are decoded. Runs in the reduce job (forEachTarget's prepare step), whose
/// agreement covers it.
template <class U>
void decodeReceived(SparkContext& sc, ShuffleExchange& ranks, exec::BucketGrid<U>& grid) {
  exec::Cluster& cluster = clusterOf(sc);
  for (std::size_t s = 0; s < cluster.size(); ++s) {
    if (s == cluster.rank()) continue;
    executorOf(sc).runTasks(ranks.endTarget() - ranks.firstTarget(), [&](std::size_t i) {
      const std::size_t r = ranks.firstTarget() + i;
      std::span<std::vector<U>> row = grid.row(r);
      ranks.read(s, r, &row);
    });
    ranks.release(s);
  }
}

/// makeWriter(p) -> a sink whose result() is std::vector<std::vector<U>> with one
/// bucket per target; reduce(r, std::span<std::vector<U>> incoming) -> std::vector<V>,
/// where incoming holds the buckets sent to r in map order (none when `rdd` has no
/// partitions: every target still runs reduce). Returns the target partitions,
/// those of other ranks empty.
template <class R, class MakeWriter, class Reduce>
auto shuffle(const R& rdd, std::string_view tag, std::size_t numTargets, MakeWriter&& makeWriter, Reduce&& reduce) {
  using U = bucket_element_t<MakeWriter>;
  using V = typename std::invoke_result_t<Reduce&, std::size_t, std::span<std::vector<U>>>::value_type;
  SparkContext& sc = rdd.context();
  exec::Cluster& cluster = clusterOf(sc);
  exec::BucketGrid<U> grid(numTargets, rdd.numPartitions());  // row r: target r's buckets in map order
  std::optional<ShuffleExchange> ranks;                        // only between ranks
  if (cluster.size() > 1)
    ranks.emplace(cluster, exchangeMetricsOf(sc), tag, partitionOwners(rdd, cluster.size()), numTargets,
                  bucketCodec<U>);
  const auto mapTask = [&](std::size_t m) {
    auto writer = makeWriter(m);
    rdd.runPartition(m, writer);
    auto buckets = std::move(writer).result();
    for (std::size_t r = 0; r < numTargets; ++r)
      if (!ranks || ranks->isLocal(r)) grid.row(r)[m] = std::move(buckets[r]);
    if (ranks) ranks->put(m, &buckets);
  };
  if (ranks)
    ranks->exchange(sc, runOwnedTasks(rdd, mapTask));  // the exchange ends the map job
  else
    forEachPartition(rdd, tag, mapTask);
  std::vector<std::vector<V>> out(numTargets);
  forEachTarget(
      sc, tag, numTargets, [&] { if (ranks) decodeReceived(sc, *ranks, grid); },
      [&](std::size_t r) { out[r] = reduceAndRelease(reduce, r, std::span<std::vector<U>>(grid.row(r))); });
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

/// Concatenates the buckets a target partition received, in map order, freeing
/// each bucket once its elements have moved (the buckets are used up): the
/// partition is then held about once, not twice, while it is being built.
template <class T>
std::vector<T> concatenate(std::span<std::vector<T>> incoming) {
  if (auto* only = soleBucket(incoming)) return std::move(*only);  // one sender: nothing to copy
  std::size_t total = 0;
  for (auto& b : incoming) total += b.size();
  std::vector<T> out;
  exec::reserveOnHugePages(out, total);
  for (auto& b : incoming) {
    out.insert(out.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
    std::vector<T>().swap(b);
  }
  return out;
}

}  // namespace rill::detail
