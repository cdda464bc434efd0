#pragma once
// With several ranks a direct stream's batch is cut once, on rank 0 (Spark's
// driver): it alone asks Kafka where the logs end and applies the rate limits,
// then sends the batch's offset ranges to every rank, so all ranks build the
// same KafkaRDD and each reads only the ranges of the partitions it owns. A cut
// that fails on rank 0 fails on every rank, so no rank waits for ranges that
// never come.
#include <rill/core/serialization.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/kafka/offset_range.hpp>

#include <string_view>
#include <vector>

namespace rill::kafka::detail {

inline constexpr std::string_view kRangesTag = "Kafka offset ranges";

/// cut() on rank 0, its ranges on every rank; when cut() throws, rank 0
/// rethrows its exception and every other rank throws it as throwFailure does.
template <class Cut>
std::vector<OffsetRange> rangesFromDriver(exec::Cluster& cluster, Cut&& cut) {
  if (cluster.size() == 1) return cut();
  std::vector<OffsetRange> ranges;
  const exec::Bytes bytes = cluster.broadcastMade(kRangesTag, 0, [&](exec::Bytes& out) {
    ranges = cut();
    out += rill::detail::toBytes(ranges);
  });
  if (cluster.isDriver()) return ranges;
  return rill::detail::fromBytes<std::vector<OffsetRange>>(bytes);
}

}  // namespace rill::kafka::detail
