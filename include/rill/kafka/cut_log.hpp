#pragma once
// The offset ranges a direct stream cut for its recent batches, kept in a file
// of the checkpoint directory and on disk before each batch runs. A job
// restarted from a checkpoint runs the batches it had cut after that
// checkpoint (the one that was running when it died, and those a checkpoint
// interval left out) again with exactly the same ranges, not cut again up to
// where the logs end by then: the same batches give the same output, which a
// transactional sink has perhaps already committed (Spark re-runs the batches
// its checkpoint names as pending the same way).
#include <rill/core/runtime.hpp>
#include <rill/core/serialization.hpp>
#include <rill/io/atomic_file.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/stream/time.hpp>

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

  explicit CutLog(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  /// Reads what the file holds (none when there is no file; throws
  /// SparkException when it cannot be read as cuts) and returns it. The cuts
  /// read stay in the log: a restart that dies again before it has replayed
  /// them all finds the rest still there.
  Cuts load();

  /// Adds batch t's cut, forgets those at or before `forgetUpTo`, and returns
  /// once the file says so on disk (it is replaced atomically).
  void record(Time t, const std::vector<OffsetRange>& ranges, Time forgetUpTo);

 private:
  std::string path_;
  Cuts cuts_;  // what the file holds: what load() read, then what record() added
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME CutLog::Cuts CutLog::load() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return cuts_ = {};
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return cuts_ = rill::detail::fromBytes<Cuts>(bytes);
}

RILL_RUNTIME void CutLog::record(Time t, const std::vector<OffsetRange>& ranges, Time forgetUpTo) {
  cuts_.erase(cuts_.begin(), cuts_.upper_bound(forgetUpTo.milliseconds()));
  cuts_[t.milliseconds()] = ranges;
  io::writeFileAtomically(path_, rill::detail::toBytes(cuts_));
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka::detail
