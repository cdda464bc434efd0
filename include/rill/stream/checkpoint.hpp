#pragma once
// Checkpointing a StreamingContext: after a completed batch, every registered
// participant (state, incremental windows, the batches windows still need; see
// checkpoint_participant.hpp) saves its data, and a manifest naming each part
// (checkpoint_manifest.hpp) is written as the checkpoint of that batch. A
// restarted program rebuilds its graph with the same code, and recover() puts
// the newest usable checkpoint back into it, whole or not at all, after
// checking that the graph has the same participants.
#include <rill/core/errors.hpp>
#include <rill/core/serialization.hpp>
#include <rill/io/system_error.hpp>
#include <rill/stream/checkpoint_file.hpp>
#include <rill/stream/checkpoint_manifest.hpp>
#include <rill/stream/checkpoint_participant.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/logged_input.hpp>
#include <rill/stream/time.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rill::detail {

/// What an exception thrown while reading or judging a checkpoint says about
/// it; empty when fn() returned.
template <class Fn>
std::string problemOf(Fn&& fn) {
  try {
    fn();
    return {};
  } catch (const std::bad_alloc&) {
    return "not enough memory to read it (std::bad_alloc)";
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

class Checkpointer {
 public:
  /// Creates the directory if needed.
  Checkpointer(std::string directory, std::size_t keep) : dir_(std::move(directory)), keep_(keep) {
    if (dir_.empty()) throw std::invalid_argument("rill: checkpoint directory must not be empty");
    if (keep_ == 0) throw std::invalid_argument("rill: checkpoint: the number of checkpoints to keep must be positive");
    if (const int err = io::makeDirectories(dir_))
      io::throwSystemError("cannot create checkpoint directory '" + dir_ + "'", err);
    removeStaleCheckpointTemps(dir_);
  }

  const std::string& directory() const { return dir_; }

  /// Refuses to start when some data could not be saved (a type without serialisation).
  void start(const DStreamGraph& graph, Time zero) {
    for (const auto& p : graph.checkpoints().participants())
      if (auto reason = p->unsupportedReason()) throw IllegalStateException(*reason);
    zero_ = zero;
  }

  /// Writes the checkpoint of batch t when one is due (every batch, unless
  /// DStream::checkpoint(interval) asked otherwise). A failed write is reported
  /// as a warning and the program goes on, as in Spark.
  void afterBatch(const DStreamGraph& graph, Time t, ListenerBus& bus) {
    const Duration interval = graph.checkpoints().interval().value_or(graph.batchDuration());
    if ((t - zero_).count() % interval.count() != 0) return;
    try {
      write(graph, t);
    } catch (const std::exception& e) {
      bus.post(&StreamingListener::onWarning,
               std::string("rill: could not write the checkpoint of batch ") + t.toString() + ": " + e.what());
    }
  }

  void write(const DStreamGraph& graph, Time t) const {
    CheckpointManifest manifest{graph.batchDuration().count(), zero_.milliseconds(), t.milliseconds(), 1, {}, {}, {}};
    for (const auto& p : graph.checkpoints().participants()) manifest.parts.push_back({p->describe(), 0, p->save(t)});
    manifest.receiverLog = receiverLogRanges(graph, t);
    writeCheckpointFile(dir_, t.milliseconds(), toBytes(manifest), keep_);
  }

  /// Puts the newest usable checkpoint in dir into a graph rebuilt by the same
  /// program and returns its manifest; nullopt when dir has none. A checkpoint
  /// that cannot be used (truncated, corrupt, of another format version, with
  /// data a stream refuses, or one whose reading threw anything) is skipped
  /// for the previous one with a warning. Throws SparkException when there are
  /// checkpoint files but none is usable (as Spark), or when the program's
  /// streams do not fit the checkpoint.
  static std::optional<CheckpointManifest> recover(DStreamGraph& graph, const std::string& dir, ListenerBus& bus) {
    std::function<void()> putInPlace;
    auto manifest = newestUsable(dir, bus, [&](const CheckpointManifest& m) {
      checkFits(graph, m, dir);
      return problemOf([&] { putInPlace = prepare(graph, m); });
    });
    // Participants that read their data only as it is put in place (restore(bytes)) can still fail here.
    if (const auto problem = manifest ? problemOf(putInPlace) : std::string(); !problem.empty())
      throw SparkException("rill: the checkpoint of batch " + Time(manifest->time).toString() + " in '" + dir +
                           "' could not be put back into the streams: " + problem);
    return manifest;
  }

  /// The newest checkpoint in dir whose file and manifest are usable, without
  /// a graph to restore it into; otherwise as recover().
  static std::optional<CheckpointManifest> readLatest(const std::string& dir, ListenerBus& bus) {
    return newestUsable(dir, bus, [](const CheckpointManifest&) { return std::string(); });
  }

 private:
  /// Why a manifest that decoded cleanly still cannot be a checkpoint this
  /// library wrote (empty when it can): the checksum catches accidents, this
  /// catches a record whose times would put the scheduler somewhere absurd.
  static std::string implausibleTimes(const CheckpointManifest& data) {
    constexpr std::int64_t kLimit = std::int64_t{1} << 53;  // ms: ~285,000 years
    if (data.batchDuration <= 0) return "batch duration " + std::to_string(data.batchDuration) + " ms";
    if (data.time <= -kLimit || data.time >= kLimit || data.zeroTime <= -kLimit || data.zeroTime >= kLimit)
      return "batch time out of range";
    if (data.time <= data.zeroTime || (data.time - data.zeroTime) % data.batchDuration != 0)
      return "batch time " + std::to_string(data.time) + " ms is not a batch after the start (" +
             std::to_string(data.zeroTime) + " ms, every " + std::to_string(data.batchDuration) + " ms)";
    return {};
  }

  /// The newest checkpoint whose file reads and whose manifest use(manifest)
  /// finds no problem with; each unusable one is reported as a warning.
  template <class Use>
  static std::optional<CheckpointManifest> newestUsable(const std::string& dir, ListenerBus& bus, Use&& use) {
    const auto files = listCheckpoints(dir);
    std::string newest;
    for (const auto& entry : files) {
      const std::string& path = entry.second;  // not a structured binding: clang 14 cannot capture those
      CheckpointManifest manifest;
      std::string problem = problemOf([&] { manifest = readManifest(path); });
      if (problem.empty()) problem = use(manifest);
      if (problem.empty()) return manifest;
      bus.post(&StreamingListener::onWarning,
               "rill: checkpoint file '" + path + "' is unusable (" + problem + "); trying the previous one");
      if (newest.empty()) newest = "'" + path + "': " + problem;
    }
    if (!files.empty())
      throw SparkException("rill: failed to read a checkpoint from '" + dir + "': all " +
                           std::to_string(files.size()) + " checkpoint files are unusable (the newest, " + newest +
                           ")");
    return std::nullopt;
  }

  /// The manifest of the file at path; throws when it cannot be used.
  static CheckpointManifest readManifest(const std::string& path) {
    auto manifest = fromBytes<CheckpointManifest>(readCheckpointPayload(path));
    std::string problem = implausibleTimes(manifest);
    if (problem.empty() && manifest.ranks == 0) problem = "a checkpoint of 0 processes";
    for (const auto& part : manifest.parts)
      if (problem.empty() && part.rank >= manifest.ranks)
        problem = "a part of process " + std::to_string(part.rank) + " in a checkpoint of " +
                  std::to_string(manifest.ranks);
    if (!problem.empty()) throw CheckpointUnusable(problem);
    return manifest;
  }

  /// Throws when the program's streams are not those the checkpoint saved: the
  /// program, not the file, must change.
  static void checkFits(const DStreamGraph& graph, const CheckpointManifest& data, const std::string& dir) {
    if (data.batchDuration != graph.batchDuration().count())
      throw SparkException("rill: the checkpoint in '" + dir + "' was written with a batch duration of " +
                           toString(Duration(data.batchDuration)) + "; this program uses " +
                           toString(graph.batchDuration()));
    if (data.ranks != 1)
      throw SparkException("rill: the checkpoint in '" + dir + "' was written by a job of " +
                           std::to_string(data.ranks) + " processes; this one has 1");
    const auto& participants = graph.checkpoints().participants();
    for (std::size_t i = 0; i < std::max(participants.size(), data.parts.size()); ++i) {
      const std::string now = i < participants.size() ? participants[i]->describe() : "nothing";
      const std::string then = i < data.parts.size() ? data.parts[i].name : "nothing";
      if (now != then)
        throw SparkException("rill: the checkpoint in '" + dir + "' does not fit this program's DStream graph: "
                             "stateful stream #" + std::to_string(i + 1) + " was " + then + ", and is now " + now +
                             " (the program must define its streams as when the checkpoint was written)");
    }
  }

  /// Every participant reads its part (throwing when it cannot use it); the
  /// result puts them all in place.
  static std::function<void()> prepare(DStreamGraph& graph, const CheckpointManifest& data) {
    const CheckpointTimes times{Time(data.zeroTime), Time(data.time)};
    const auto& participants = graph.checkpoints().participants();
    std::vector<std::function<void()>> steps;
    for (std::size_t i = 0; i < participants.size(); ++i)
      steps.push_back(participants[i]->prepareRestore(data.parts[i].bytes, times));
    return [steps = std::move(steps)] {
      for (const auto& step : steps) step();
    };
  }

  std::string dir_;
  std::size_t keep_;
  Time zero_;
};

}  // namespace rill::detail
