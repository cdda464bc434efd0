#pragma once
// With several ranks a stream's input arrives on rank 0 (receivers, the RDD
// queue, textFileStream): each batch is cut there and its partitions are sent
// to the ranks that own them, so every rank holds its share of exactly the
// batch one process would have cut. With one rank nothing is sent.
#include <rill/exec/cluster.hpp>
#include <rill/exec/wire.hpp>
#include <rill/rdd/node.hpp>
#include <rill/rdd/rank_sources.hpp>
#include <rill/rdd/spark_context.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

inline constexpr std::string_view kDriverBatchTag = "stream batch";

/// Rank 0's partitions `parts` (the other ranks' are ignored) as one RDD on
/// every rank: partition p goes to the rank that owns it (block placement).
/// `failure` is rank 0's when it could not make them: every rank then throws it,
/// so the ranks stay in step.
template <class T>
RDD<T> spreadFromDriver(SparkContext& sc, std::vector<std::vector<T>> parts, std::exception_ptr failure = nullptr) {
  exec::Cluster& cluster = sc.cluster();
  if (cluster.size() == 1) {
    if (failure) std::rethrow_exception(failure);
    return sc.fromPartitions(std::move(parts));
  }
  const bool driver = cluster.isDriver();
  const std::size_t ranks = cluster.size();
  exec::Bytes count;
  if (driver && !failure) exec::appendWire(count, static_cast<std::uint64_t>(parts.size()), kDriverBatchTag);
  const exec::Agreement agreed = cluster.agree(kDriverBatchTag, failure, std::move(count));
  agreed.rethrow();
  const auto n = static_cast<std::size_t>(exec::readWire<std::uint64_t>(agreed.payloads[0], kDriverBatchTag));
  std::vector<exec::Bytes> send(ranks);
  if (driver) {
    for (std::size_t p = 0; p < n; ++p) {
      const std::size_t owner = blockOwner(p, n, ranks);
      if (owner == 0) continue;
      exec::appendFrame(send[owner], parts[p], kDriverBatchTag);
      std::vector<T>().swap(parts[p]);
    }
  } else {
    parts.assign(n, {});
  }
  const std::vector<exec::Bytes> received = cluster.allToAll(kDriverBatchTag, std::move(send));
  if (!driver) {
    exec::FrameReader in(received[0]);
    const Block mine = ownedBlock(cluster.rank(), n, ranks);
    for (std::size_t p = mine.first; p < mine.last; ++p)
      parts[p] = exec::readWire<std::vector<T>>(in.next(), kDriverBatchTag);
  }
  return sc.fromPartitions(std::move(parts));
}

/// Rank 0's received records as a batch, cut into contiguous runs in
/// min(defaultParallelism, records) partitions as one process cuts them.
template <class T>
RDD<T> spreadRecordsFromDriver(SparkContext& sc, std::vector<T> records) {
  const std::size_t total = records.size();
  const std::size_t n = std::min(sc.defaultParallelism(), total);
  std::vector<std::vector<T>> parts(n);
  for (std::size_t p = 0; p < n; ++p) parts[p] = takeSlice(records, p, n, total);
  return spreadFromDriver(sc, std::move(parts));
}

/// Every partition of `rdd`, computed here on rank 0 without the other ranks
/// (so its lineage must be rank 0's alone: fromSlices, fromPartitions and
/// narrow transformations of them, as RDDQueue's RDDs are).
template <class T>
std::vector<std::vector<T>> computeOnDriver(const RDD<T>& rdd) {
  const auto& node = *rdd.node();
  std::vector<std::vector<T>> parts(node.numPartitions());
  for (std::size_t p = 0; p < parts.size(); ++p) {
    AppendChunks<T> sink;
    node.compute(p, sink);
    parts[p] = std::move(sink.data);
  }
  return parts;
}

}  // namespace rill::detail
