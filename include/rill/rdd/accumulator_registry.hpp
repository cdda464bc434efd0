#pragma once
// The accumulators a context has created, in creation order, and how ranks
// agree on their values: each rank keeps what its successful tasks added since
// the last job ("pending"); after every job the ranks all-gather their pending
// updates and each merges all of them, in rank order, into its value. So
// value() reads the same, exact value on every rank after each action, as
// Spark's driver does. With one rank tasks merge straight into the value and
// nothing is exchanged.
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/wire.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace rill {
class SparkContext;
}

namespace rill::detail {

/// An accumulator as the registry sees it (once per job, never per element).
class AccumulatorCellBase {
 public:
  virtual ~AccumulatorCellBase() = default;
  /// Appends this rank's pending updates as one frame and clears them.
  virtual void takePending(exec::Bytes& out, std::string_view tag) = 0;
  /// Merges one rank's pending updates (a frame takePending wrote) into the value.
  virtual void mergePending(std::string_view frame, std::string_view tag) = 0;
};

class AccumulatorRegistry {
 public:
  std::int64_t nextId() {
    std::lock_guard lock(m_);
    return nextId_++;
  }
  void add(std::shared_ptr<AccumulatorCellBase> cell) {
    std::lock_guard lock(m_);
    cells_.push_back(std::move(cell));
  }

  /// After a job on several ranks: every rank's pending updates merged into every
  /// rank's values. A collective when the context has accumulators, so every rank
  /// must create the same accumulators (every rank runs the same program).
  void mergeAcrossRanks(exec::Cluster& cluster) {
    constexpr std::string_view tag = "accumulators";
    std::vector<std::shared_ptr<AccumulatorCellBase>> cells;
    {
      std::lock_guard lock(m_);
      cells = cells_;
    }
    if (cells.empty() || cluster.size() == 1) return;
    exec::Bytes mine;
    exec::appendFrame(mine, static_cast<std::uint64_t>(cells.size()), tag);
    for (const auto& cell : cells) cell->takePending(mine, tag);
    const std::vector<exec::Bytes> all = cluster.allGather(tag, std::move(mine));
    for (std::size_t r = 0; r < all.size(); ++r) {
      exec::FrameReader in(all[r]);
      const auto count = exec::readWire<std::uint64_t>(in.next(), tag);
      if (count != cells.size())
        throw SparkException(message({"rill: rank ", r, " has ", count, " accumulators and rank ", cluster.rank(),
                                      " has ", cells.size(), "; every rank must create the same accumulators"}));
      for (const auto& cell : cells) cell->mergePending(in.next(), tag);
    }
  }

 private:
  std::mutex m_;
  std::int64_t nextId_ = 0;
  // Kept for the context's life, as Spark's driver keeps them registered.
  std::vector<std::shared_ptr<AccumulatorCellBase>> cells_;
};

// Defined in spark_context.hpp.
AccumulatorRegistry& accumulatorsOf(SparkContext& sc);

}  // namespace rill::detail
