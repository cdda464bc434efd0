#pragma once
// The one shuffle every wide operation is built from (repartition, distinct,
// the keyed aggregations, sorts and joins):
//   1. map side: each input partition runs its fused chain into a writer that
//      cuts its output into one bucket per target partition (and may combine
//      on the way, as reduceByKey does);
//   2. exchange: buckets move to their target partitions;
//   3. reduce side: each target partition turns what it received into its
//      output, in parallel on the executor.
// In one process the exchange is a move (exec::LocalExchange). Between ranks,
// target partitions are placed in blocks (blockOwner); a map task serialises
// the buckets for other ranks' targets as it finishes (exec/wire.hpp), one
// allToAll sends them, and each target task deserialises what it received.
// Every target sees its buckets in global map order either way, so a shuffle's
// output is the same on any number of ranks.
#include <rill/exec/exchange.hpp>
#include <rill/exec/wire.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/node.hpp>

#include <atomic>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::detail {

template <class MakeWriter>
using bucket_element_t = typename sink_result_t<MakeWriter>::value_type::value_type;

/// Map side: runs each partition m of `rdd` this rank owns into the writer
/// makeWriter(m), whose result() is one bucket (std::vector<U>) per target
/// partition; returns them as a grid, row m holding map task m's buckets.
template <class R, class MakeWriter>
auto writeBuckets(const R& rdd, std::string_view tag, std::size_t numTargets, MakeWriter&& makeWriter) {
  exec::BucketGrid<bucket_element_t<MakeWriter>> grid(rdd.numPartitions(), numTargets);
  forEachPartition(rdd, tag, [&](std::size_t m) {
    auto writer = makeWriter(m);
    rdd.runPartition(m, writer);
    auto buckets = std::move(writer).result();
    for (std::size_t r = 0; r < numTargets; ++r) grid.row(m)[r] = std::move(buckets[r]);
  });
  return grid;
}

/// The buckets of a shuffle between ranks, as this rank sees them: those its
/// own map tasks wrote for its own targets stay as they are; those for other
/// ranks are serialised per destination rank (targets ascending within a map
/// task, map tasks ascending) and exchanged; a target's row is deserialised
/// by the task that reduces it.
template <class U>
class ClusterBuckets {
 public:
  ClusterBuckets(SparkContext& sc, std::string_view tag, std::vector<std::size_t> mapOwners, std::size_t numTargets)
      : cluster_(&clusterOf(sc)),
        metrics_(&exchangeMetricsOf(sc)),
        tag_(tag),
        mapOwners_(std::move(mapOwners)),
        targets_(numTargets),
        first_(sliceBegin(cluster_->rank(), numTargets, cluster_->size())),
        last_(sliceBegin(cluster_->rank() + 1, numTargets, cluster_->size())),
        grid_(numTargets, mapOwners_.size()),
        outgoing_(mapOwners_.size()),
        frames_((last_ - first_) * mapOwners_.size()) {}

  /// Map task m's buckets, one per target (called from m's task).
  void put(std::size_t m, std::vector<std::vector<U>>&& buckets) {
    exec::TimedScope timed(metrics_->serializeNanos);
    std::vector<exec::Bytes>& out = outgoing_[m];
    out.resize(cluster_->size());
    std::vector<std::size_t> sizes(out.size(), 0);  // allocated once where known (no regrowth)
    for (std::size_t r = 0; r < targets_; ++r) sizes[owner(r)] += exec::frameSizeHint(buckets[r]);
    for (std::size_t d = 0; d < out.size(); ++d) out[d].reserve(sizes[d]);
    for (std::size_t r = 0; r < targets_; ++r) {
      if (r >= first_ && r < last_) {
        grid_.row(r)[m] = std::move(buckets[r]);
      } else {
        exec::appendFrame(out[owner(r)], buckets[r], tag_);
        std::vector<U>().swap(buckets[r]);  // its bytes replace it: the map output is not held twice
      }
    }
  }

  /// Sends every rank what this rank's map tasks wrote for it (a collective).
  void exchange() {
    std::vector<exec::Bytes> send(cluster_->size());
    std::optional<exec::TimedScope> joining(metrics_->serializeNanos);
    for (std::size_t d = 0; d < send.size(); ++d) {
      std::size_t total = 0, senders = 0;
      for (const auto& out : outgoing_)
        if (!out.empty() && !out[d].empty()) total += out[d].size(), ++senders;
      if (senders > 1) send[d].reserve(total);
      for (auto& out : outgoing_) {
        if (out.empty() || out[d].empty()) continue;
        if (senders == 1)
          send[d] = std::move(out[d]);  // one sender's buffer goes as it is
        else
          send[d] += std::exchange(out[d], exec::Bytes());
      }
      metrics_->bytesSent.fetch_add(total, std::memory_order_relaxed);
    }
    outgoing_.clear();
    joining.reset();
    {
      exec::TimedScope timed(metrics_->exchangeNanos);
      received_ = cluster_->allToAll(tag_, std::move(send));
    }
    metrics_->exchanges.fetch_add(1, std::memory_order_relaxed);
    indexFrames();
  }

  /// The buckets sent to target r (one of this rank's), in map order.
  std::span<std::vector<U>> row(std::size_t r) {
    exec::TimedScope timed(metrics_->deserializeNanos);
    for (std::size_t m = 0; m < mapOwners_.size(); ++m)
      if (mapOwners_[m] != cluster_->rank())
        grid_.row(r)[m] = exec::readWire<std::vector<U>>(frames_[(r - first_) * mapOwners_.size() + m], tag_);
    // The last row read frees what was received: every frame has been read.
    if (rowsRead_.fetch_add(1, std::memory_order_acq_rel) + 1 == last_ - first_) received_ = {};
    return grid_.row(r);
  }

 private:
  std::size_t owner(std::size_t target) const { return blockOwner(target, targets_, cluster_->size()); }

  // Where each (map task, target) frame sits in the received buffers: in the
  // order their senders wrote them.
  void indexFrames() {
    for (std::size_t s = 0; s < received_.size(); ++s) {
      if (s == cluster_->rank()) continue;
      metrics_->bytesReceived.fetch_add(received_[s].size(), std::memory_order_relaxed);
      exec::FrameReader in(received_[s]);
      for (std::size_t m = 0; m < mapOwners_.size(); ++m)
        if (mapOwners_[m] == s)
          for (std::size_t r = first_; r < last_; ++r) frames_[(r - first_) * mapOwners_.size() + m] = in.next();
    }
  }

  exec::Cluster* cluster_;
  exec::ExchangeMetrics* metrics_;
  std::string_view tag_;
  std::vector<std::size_t> mapOwners_;
  std::size_t targets_, first_, last_;     // this rank's targets: [first_, last_)
  exec::BucketGrid<U> grid_;               // row r: target r's buckets in map order
  std::vector<std::vector<exec::Bytes>> outgoing_;  // [m][rank]: map task m's frames for that rank
  std::vector<exec::Bytes> received_;
  std::vector<std::string_view> frames_;  // [(r - first_) * maps + m], into received_
  std::atomic<std::size_t> rowsRead_{0};
};

/// The map owners of `rdd` on `ranks` ranks.
template <class R>
std::vector<std::size_t> partitionOwners(const R& rdd, std::size_t ranks) {
  std::vector<std::size_t> owners(rdd.numPartitions());
  for (std::size_t m = 0; m < owners.size(); ++m) owners[m] = rdd.owner(m, ranks);
  return owners;
}

/// reduce(r, incoming), then the incoming buckets' memory goes (the elements may
/// have been moved out, their vectors' memory not), so the shuffle's input and
/// output are not both held until every target is done.
template <class Reduce, class U>
auto reduceAndRelease(Reduce& reduce, std::size_t r, std::span<std::vector<U>> incoming) {
  auto out = reduce(r, incoming);
  for (auto& bucket : incoming) std::vector<U>().swap(bucket);
  return out;
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
  std::vector<std::vector<V>> out(numTargets);
  if (cluster.size() == 1) {
    auto incoming = exec::LocalExchange::exchange(writeBuckets(rdd, tag, numTargets, makeWriter));
    forEachTarget(sc, tag, numTargets, [&](std::size_t r) { out[r] = reduceAndRelease(reduce, r, incoming.row(r)); });
    return out;
  }
  ClusterBuckets<U> buckets(sc, tag, partitionOwners(rdd, cluster.size()), numTargets);
  forEachPartition(rdd, tag, [&](std::size_t m) {
    auto writer = makeWriter(m);
    rdd.runPartition(m, writer);
    buckets.put(m, std::move(writer).result());
  });
  buckets.exchange();
  forEachTarget(sc, tag, numTargets, [&](std::size_t r) { out[r] = reduceAndRelease(reduce, r, buckets.row(r)); });
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
