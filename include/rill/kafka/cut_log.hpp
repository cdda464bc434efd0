#pragma once
// The offset ranges a direct stream cut for its recent batches, kept in a file
// of the checkpoint directory and on disk before each batch runs. A job
// restarted from a checkpoint runs the batches it had cut after that
// checkpoint (the one that was running when it died, and those a checkpoint
// interval left out) again with exactly the same ranges, not cut again up to
// where the logs end by then: the same batches give the same output, which a
// transactional sink has perhaps already committed (Spark re-runs the batches
// its checkpoint names as pending the same way).
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/core/serialization.hpp>
#include <rill/io/atomic_file.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/stream/state_limits.hpp>
#include <rill/stream/time.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rill::kafka::detail {

class CutLog {
 public:
  /// Batch time (ms) -> the ranges the batch was cut with.
  using Cuts = std::map<std::int64_t, std::vector<OffsetRange>>;

  /// `maxPending`: the most cuts the log holds after the last checkpoint on
  /// disk (rill.streaming.state.maxPendingBatches).
  CutLog(std::string path, std::size_t maxPending) : path_(std::move(path)), maxPending_(maxPending) {}

  const std::string& path() const { return path_; }

  /// Reads what the file holds (none when there is no file; throws
  /// SparkException when it cannot be read as cuts) and returns it. The cuts
  /// read stay in the log: a restart that dies again before it has replayed
  /// them all finds the rest still there.
  Cuts load();

  /// Adds batch t's cut, forgets those at or before `forgetUpTo`, and returns
  /// once the file says so on disk (it is replaced atomically). Throws
  /// SparkException, adding nothing, when t's cut would be more than
  /// maxPending cuts after `checkpointed`, the last checkpoint on disk (one
  /// restored counts): while checkpoints fail, or batches fail and write none,
  /// the log would otherwise grow by a cut each batch, rewritten whole each time.
  void record(Time t, const std::vector<OffsetRange>& ranges, Time forgetUpTo, Time checkpointed);

 private:
  std::string path_;
  std::size_t maxPending_;
  Cuts cuts_;  // what the file holds: what load() read, then what record() added
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME CutLog::Cuts CutLog::load() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return cuts_ = {};
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return cuts_ = rill::detail::fromBytes<Cuts>(bytes);
}

RILL_RUNTIME void CutLog::record(Time t, const std::vector<OffsetRange>& ranges, Time forgetUpTo, Time checkpointed) {
  auto pending =
      static_cast<std::size_t>(std::distance(cuts_.upper_bound(checkpointed.milliseconds()), cuts_.end()));
  // A batch replayed after a restart is in the log already.
  if (t > checkpointed && !cuts_.contains(t.milliseconds())) ++pending;
  if (pending > maxPending_)
    throw SparkException("rill: Kafka direct stream, batch " + t.toString() + ": the cut log '" + path_ +
                         "' would hold " + std::to_string(pending) + " batches after the last checkpoint on disk, more "
                         "than " + rill::detail::kMaxPendingStateBatches + " (" + std::to_string(maxPending_) +
                         "); this batch and every later one fail until checkpoints succeed");
  cuts_.erase(cuts_.begin(), cuts_.upper_bound(forgetUpTo.milliseconds()));
  cuts_[t.milliseconds()] = ranges;
  io::writeFileAtomically(path_, rill::detail::toBytes(cuts_));
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka::detail
