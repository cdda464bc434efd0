#pragma once
// The accumulators a context has created, in creation order, and how ranks
// agree on their values: each rank keeps what its successful tasks added since
// the last job ("pending"); the agreement that ends every job carries every
// rank's pending updates, and each rank merges all of them, in rank order, into
// its value. So value() reads the same, exact value on every rank after each
// action, as Spark's driver does. With one rank tasks merge straight into the
// value and nothing is exchanged.
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/core/ref.hpp>
#include <rill/core/runtime.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/wire.hpp>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace rill {
class SparkContext;
}

namespace rill::detail {

/// An accumulator as the registry sees it (once per job, never per element).
/// Counted in itself (Ref), not by a std::shared_ptr: a batch program that
/// releases no shared_ptr does not compile, through g++ -O2's devirtualisation
/// of the control block, every shared_ptr-owned type of rill/rill.hpp.
class AccumulatorCellBase : public RefCounted {
 public:
  /// Appends this rank's pending updates as one frame and clears them.
  virtual void takePending(exec::Bytes& out, std::string_view tag) = 0;
  /// Merges one rank's pending updates (a frame takePending wrote) into the value.
  virtual void mergePending(std::string_view frame, std::string_view tag) = 0;
};

class AccumulatorRegistry {
 public:
  std::int64_t nextId();
  void add(Ref<AccumulatorCellBase> cell);

  /// This rank's pending updates, taken for the agreement that ends a job on
  /// several ranks (jobs.hpp): their count, then one frame per accumulator;
  /// nothing when the context has no accumulators.
  exec::Bytes takePending();

  /// Merges every rank's pending updates (takePending's, in rank order) into
  /// every value. Every rank must create the same accumulators (every rank runs
  /// the same program): else every rank throws the same error, merging nothing.
  void mergePending(const std::vector<exec::Bytes>& ranks);

 private:
  static constexpr std::string_view kTag = "accumulators";

  std::vector<Ref<AccumulatorCellBase>> cells();
  static std::uint64_t countOf(const exec::Bytes& pending);

  std::mutex m_;
  std::int64_t nextId_ = 0;
  // Kept for the context's life, as Spark's driver keeps them registered.
  std::vector<Ref<AccumulatorCellBase>> cells_;
};

// Defined in spark_context.hpp.
AccumulatorRegistry& accumulatorsOf(SparkContext& sc);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::int64_t AccumulatorRegistry::nextId() {
  std::lock_guard lock(m_);
  return nextId_++;
}
RILL_RUNTIME void AccumulatorRegistry::add(Ref<AccumulatorCellBase> cell) {
  std::lock_guard lock(m_);
  cells_.push_back(std::move(cell));
}
RILL_RUNTIME std::vector<Ref<AccumulatorCellBase>> AccumulatorRegistry::cells() {
  std::lock_guard lock(m_);
  return cells_;
}
RILL_RUNTIME std::uint64_t AccumulatorRegistry::countOf(const exec::Bytes& pending) {
  return pending.empty() ? 0 : exec::readWire<std::uint64_t>(exec::FrameReader(pending).next(), kTag);
}

RILL_RUNTIME exec::Bytes AccumulatorRegistry::takePending() {
  exec::Bytes mine;
  const auto all = cells();
  if (all.empty()) return mine;
  exec::appendFrame(mine, static_cast<std::uint64_t>(all.size()), kTag);
  for (const auto& cell : all) cell->takePending(mine, kTag);
  return mine;
}

RILL_RUNTIME void AccumulatorRegistry::mergePending(const std::vector<exec::Bytes>& ranks) {
  const std::uint64_t count = countOf(ranks[0]);
  for (std::size_t r = 1; r < ranks.size(); ++r)
    if (const std::uint64_t theirs = countOf(ranks[r]); theirs != count)
      throw SparkException(message({"rill: rank ", r, " has ", theirs, " accumulators and rank 0 has ", count,
                                    "; every rank must create the same accumulators"}));
  if (count == 0) return;
  const auto all = cells();  // this rank's first `count`, and perhaps some created since
  for (const exec::Bytes& pending : ranks) {
    exec::FrameReader in(pending);
    in.next();  // the count
    for (std::size_t i = 0; i < count; ++i) all[i]->mergePending(in.next(), kTag);
  }
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
