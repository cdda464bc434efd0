#pragma once
// Checkpointing a StreamingContext: after a completed batch, every registered
// participant (state, incremental windows, the batches windows still need; see
// checkpoint_participant.hpp) saves its data, and a manifest naming each part
// (checkpoint_manifest.hpp) is written as the checkpoint of that batch. A
// restarted program rebuilds its graph with the same code, and recover() puts
// the newest usable checkpoint back into it, whole or not at all, after
// checking that the graph has the same participants.
//
// With several processes every process saves the partitions it owns into a
// parts file of its own; rank 0 writes the manifest once every process has
// written its file. On a restart (with as many processes) every process reads
// its own parts, and the processes agree on each decision (which checkpoint is
// usable, whether the program fits it), so they all restore the same one.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/core/serialization.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/io/atomic_file.hpp>
#include <rill/io/directory.hpp>
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
  Checkpointer(std::string directory, std::size_t keep);

  const std::string& directory() const { return dir_; }

  /// Refuses to start when some data could not be saved (a type without serialisation).
  void start(const DStreamGraph& graph, Time zero);

  /// Part of batch t when its checkpoint is due: every participant computes
  /// what no output has read yet through t (CheckpointParticipant::computeThrough).
  void computeThrough(const DStreamGraph& graph, Time t) const;

  /// Writes the checkpoint of batch t when one is due (every batch, unless
  /// DStream::checkpoint(interval) asked otherwise). A failed write is reported
  /// as a warning and the program goes on, as in Spark.
  void afterBatch(const DStreamGraph& graph, Time t, ListenerBus& bus);

  void write(const DStreamGraph& graph, Time t) const;

  /// Puts the newest usable checkpoint in dir into a graph rebuilt by the same
  /// program and returns its manifest; nullopt when dir has none. A checkpoint
  /// that cannot be used (truncated, corrupt, of another format version, with
  /// data a stream refuses, or one whose reading threw anything) is skipped
  /// for the previous one with a warning. Throws SparkException when there are
  /// checkpoint files but none is usable (as Spark), or when the program's
  /// streams do not fit the checkpoint.
  static std::optional<CheckpointManifest> recover(DStreamGraph& graph, const std::string& dir, ListenerBus& bus);

  /// The newest checkpoint in dir whose file and manifest are usable, without
  /// a graph to restore it into (as one process); otherwise as recover().
  static std::optional<CheckpointManifest> readLatest(const std::string& dir, ListenerBus& bus);

 private:
  /// Why a manifest that decoded cleanly still cannot be a checkpoint this
  /// library wrote (empty when it can): the checksum catches accidents, this
  /// catches a record whose times would put the scheduler somewhere absurd.
  static std::string implausibleTimes(const CheckpointManifest& data);

  /// Whether the checkpoint of batch t is due.
  bool due(const DStreamGraph& graph, Time t) const;

  /// The newest checkpoint whose file reads and whose manifest use(manifest)
  /// finds no problem with, on every process; each unusable one is reported as
  /// a warning. An exception from use() is every process's (the lowest rank's).
  template <class Use>
  static std::optional<CheckpointManifest> newestUsable(exec::Cluster& cluster, const std::string& dir,
                                                        ListenerBus& bus, Use&& use) {
    const auto times = candidateTimes(cluster, dir);
    std::string newest;
    for (const std::int64_t t : times) {
      const std::string path = checkpointPath(dir, t);
      CheckpointManifest manifest;
      std::string problem;
      cluster.runAndAgree("checkpoint recovery", [&] {
        problem = problemOf([&] { manifest = readManifest(path); });
        if (problem.empty()) problem = use(manifest);
      });
      problem = agreedProblem(cluster, std::move(problem));
      if (problem.empty()) return manifest;
      bus.post(&StreamingListener::onWarning,
               "rill: checkpoint file '" + path + "' is unusable (" + problem + "); trying the previous one");
      if (newest.empty()) newest = "'" + path + "': " + problem;
    }
    if (!times.empty())
      throw SparkException("rill: failed to read a checkpoint from '" + dir + "': all " +
                           std::to_string(times.size()) + " checkpoint files are unusable (the newest, " + newest +
                           ")");
    return std::nullopt;
  }

  /// The batch times of the checkpoints in dir, newest first, as rank 0 lists
  /// them: every process then judges the same checkpoints in the same order.
  static std::vector<std::int64_t> candidateTimes(exec::Cluster& cluster, const std::string& dir);

  /// The first process's problem with a checkpoint (empty when none has one),
  /// naming the process when there are several.
  static std::string agreedProblem(exec::Cluster& cluster, std::string mine);

  /// The manifest of the file at path; throws when it cannot be used.
  static CheckpointManifest readManifest(const std::string& path);

  /// Each process writes its parts file atomically; once every one has (a
  /// failure on any fails the checkpoint on all), returns what the manifest
  /// names them by, in rank order.
  std::vector<RankFile> writeRankParts(exec::Cluster& cluster, Time t, std::vector<CheckpointPart> parts) const;

  /// This process's parts of a checkpoint: the manifest's own with one
  /// process, else those of the parts file the manifest names for `rank`.
  /// Throws when they cannot be used.
  static std::vector<CheckpointPart> partsOf(const std::string& dir, const CheckpointManifest& m, std::uint32_t rank);

  /// Throws when the checkpoint was written by a job of another number of
  /// processes: its partitions and their owners would not match this job's.
  static void checkRanks(const CheckpointManifest& data, std::size_t ranks, const std::string& dir);

  /// Throws when the program's streams are not those the checkpoint saved: the
  /// program, not the file, must change.
  static void checkFits(const DStreamGraph& graph, const CheckpointManifest& data, const std::string& dir);

  /// Every participant reads its part (throwing when it cannot use it); the
  /// result puts them all in place.
  static std::function<void()> prepare(DStreamGraph& graph, const CheckpointManifest& data);

  std::string dir_;
  std::size_t keep_;
  Time zero_;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME Checkpointer::Checkpointer(std::string directory, std::size_t keep)
    : dir_(std::move(directory)), keep_(keep) {
  if (dir_.empty()) throw std::invalid_argument("rill: checkpoint directory must not be empty");
  if (keep_ == 0) throw std::invalid_argument("rill: checkpoint: the number of checkpoints to keep must be positive");
  if (const int err = io::makeDirectories(dir_))
    io::throwSystemError("cannot create checkpoint directory '" + dir_ + "'", err);
  removeStaleCheckpointTemps(dir_);
}

RILL_RUNTIME void Checkpointer::start(const DStreamGraph& graph, Time zero) {
  for (const auto& p : graph.checkpoints().participants())
    if (auto reason = p->unsupportedReason()) throw IllegalStateException(*reason);
  zero_ = zero;
}

RILL_RUNTIME bool Checkpointer::due(const DStreamGraph& graph, Time t) const {
  return isMultipleOf(t - zero_, graph.checkpoints().interval().value_or(graph.batchDuration()));
}

RILL_RUNTIME void Checkpointer::computeThrough(const DStreamGraph& graph, Time t) const {
  if (!due(graph, t)) return;
  for (const auto& p : graph.checkpoints().participants()) p->computeThrough(t);
}

RILL_RUNTIME void Checkpointer::afterBatch(const DStreamGraph& graph, Time t, ListenerBus& bus) {
  if (!due(graph, t)) return;
  try {
    write(graph, t);
  } catch (const std::exception& e) {
    bus.post(&StreamingListener::onWarning,
             std::string("rill: could not write the checkpoint of batch ") + t.toString() + ": " + e.what());
  }
}

RILL_RUNTIME void Checkpointer::write(const DStreamGraph& graph, Time t) const {
  exec::Cluster& cluster = graph.sparkContext().cluster();
  const auto rank = static_cast<std::uint32_t>(cluster.rank());
  std::vector<CheckpointPart> parts;
  // One agreement per participant: a save that fails on one process fails on
  // all before any goes on to the next participant's collectives.
  for (const auto& p : graph.checkpoints().participants())
    cluster.runAndAgree("checkpoint participant", [&] { parts.push_back({p->describe(), rank, p->save(t)}); });
  CheckpointManifest manifest{graph.batchDuration().count(),
                              zero_.milliseconds(),
                              t.milliseconds(),
                              static_cast<std::uint32_t>(cluster.size()),
                              {},
                              {},
                              {}};
  if (cluster.size() == 1)
    manifest.parts = std::move(parts);
  else
    manifest.rankFiles = writeRankParts(cluster, t, std::move(parts));
  cluster.runAndAgree("checkpoint manifest", [&] {
    if (!cluster.isDriver()) return;  // receivers, and their logs, live on rank 0
    manifest.receiverLog = receiverLogRanges(graph, t);
    writeCheckpointFile(dir_, t.milliseconds(), toBytes(manifest), keep_);
    logsCheckpointed(graph, t);
  });
}

RILL_RUNTIME std::optional<CheckpointManifest> Checkpointer::recover(DStreamGraph& graph, const std::string& dir,
                                                                     ListenerBus& bus) {
  exec::Cluster& cluster = graph.sparkContext().cluster();
  std::function<void()> putInPlace;
  auto manifest = newestUsable(cluster, dir, bus, [&](CheckpointManifest& m) {
    checkRanks(m, cluster.size(), dir);
    std::string problem = problemOf([&] { m.parts = partsOf(dir, m, static_cast<std::uint32_t>(cluster.rank())); });
    if (!problem.empty()) return problem;
    checkFits(graph, m, dir);
    return problemOf([&] { putInPlace = prepare(graph, m); });
  });
  // Participants that read their data only as it is put in place (restore(bytes)) can still fail here.
  const auto problem = manifest ? problemOf(putInPlace) : std::string();
  cluster.runAndAgree("checkpoint restore", [&] {
    if (!problem.empty())
      throw SparkException("rill: the checkpoint of batch " + Time(manifest->time).toString() + " in '" + dir +
                           "' could not be put back into the streams: " + problem);
  });
  return manifest;
}

RILL_RUNTIME std::optional<CheckpointManifest> Checkpointer::readLatest(const std::string& dir, ListenerBus& bus) {
  exec::SingleProcessCluster one;
  return newestUsable(one, dir, bus, [](const CheckpointManifest&) { return std::string(); });
}

RILL_RUNTIME std::string Checkpointer::implausibleTimes(const CheckpointManifest& data) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 53;  // ms: ~285,000 years
  if (data.batchDuration <= 0) return "batch duration " + std::to_string(data.batchDuration) + " ms";
  if (data.time <= -kLimit || data.time >= kLimit || data.zeroTime <= -kLimit || data.zeroTime >= kLimit)
    return "batch time out of range";
  if (data.time <= data.zeroTime || (data.time - data.zeroTime) % data.batchDuration != 0)
    return "batch time " + std::to_string(data.time) + " ms is not a batch after the start (" +
           std::to_string(data.zeroTime) + " ms, every " + std::to_string(data.batchDuration) + " ms)";
  return {};
}

RILL_RUNTIME std::vector<std::int64_t> Checkpointer::candidateTimes(exec::Cluster& cluster, const std::string& dir) {
  std::vector<std::int64_t> times;
  if (cluster.isDriver())
    for (const auto& entry : listCheckpoints(dir)) times.push_back(entry.first);
  if (cluster.size() == 1) return times;
  return fromBytes<std::vector<std::int64_t>>(cluster.broadcast("checkpoint list", 0, toBytes(times)));
}

RILL_RUNTIME std::string Checkpointer::agreedProblem(exec::Cluster& cluster, std::string mine) {
  if (cluster.size() == 1) return mine;
  const auto all = cluster.allGather("checkpoint recovery", std::move(mine));
  for (std::size_t r = 0; r < all.size(); ++r)
    if (!all[r].empty()) return "rank " + std::to_string(r) + ": " + all[r];
  return {};
}

RILL_RUNTIME CheckpointManifest Checkpointer::readManifest(const std::string& path) {
  const CheckpointFile file = readCheckpointFile(path);
  CheckpointManifest manifest;
  BinaryReader archive(file.payload);
  if (file.version == 3)
    manifest.serializeVersion3(archive);
  else
    archive(manifest);
  std::string problem = implausibleTimes(manifest);
  if (problem.empty() && manifest.ranks == 0) problem = "a checkpoint of 0 processes";
  for (const auto& part : manifest.parts)
    if (problem.empty() && part.rank >= manifest.ranks)
      problem =
          "a part of process " + std::to_string(part.rank) + " in a checkpoint of " + std::to_string(manifest.ranks);
  if (!problem.empty()) throw CheckpointUnusable(problem);
  return manifest;
}

RILL_RUNTIME std::vector<RankFile> Checkpointer::writeRankParts(exec::Cluster& cluster, Time t,
                                                                std::vector<CheckpointPart> parts) const {
  constexpr std::string_view tag = "checkpoint parts";
  const auto rank = static_cast<std::uint32_t>(cluster.rank());
  RankFile mine;
  cluster.runAndAgree(tag, [&] {
    const std::string payload =
        toBytes(RankParts{t.milliseconds(), rank, static_cast<std::uint32_t>(cluster.size()), std::move(parts)});
    mine = RankFile{rank, rankPartsName(t.milliseconds(), rank), payload.size(), fnv1a64(payload)};
    io::writeFileAtomically(io::joinPath(dir_, mine.file), encodeCheckpoint(payload, kCheckpointRankPartsKind));
  });
  std::vector<RankFile> all;
  for (const auto& bytes : cluster.allGather(tag, toBytes(mine))) all.push_back(fromBytes<RankFile>(bytes));
  return all;
}

RILL_RUNTIME std::vector<CheckpointPart> Checkpointer::partsOf(const std::string& dir, const CheckpointManifest& m,
                                                               std::uint32_t rank) {
  const std::string ranks = std::to_string(m.ranks);
  if (m.ranks == 1) {
    if (!m.rankFiles.empty()) throw CheckpointUnusable("a checkpoint of 1 process that names parts files");
    return m.parts;
  }
  if (!m.parts.empty()) throw CheckpointUnusable("a checkpoint of " + ranks + " processes with parts in its manifest");
  for (std::uint32_t r = 0; r < m.ranks; ++r)
    if (m.rankFiles.size() != m.ranks || m.rankFiles[r].rank != r)
      throw CheckpointUnusable("a checkpoint of " + ranks + " processes that does not name one parts file each");
  const RankFile& named = m.rankFiles[rank];
  if (named.file.empty() || named.file.find('/') != std::string::npos || named.file[0] == '.')
    throw CheckpointUnusable("a parts file named '" + named.file + "', outside the checkpoint directory");
  std::string payload;
  if (auto problem = problemOf(
          [&] { payload = readCheckpointFile(io::joinPath(dir, named.file), kCheckpointRankPartsKind).payload; });
      !problem.empty())
    throw CheckpointUnusable("its parts file '" + named.file + "': " + problem);
  if (payload.size() != named.length || fnv1a64(payload) != named.checksum)
    throw CheckpointUnusable("its parts file '" + named.file +
                             "' is not the one it names (written again since, by a later run)");
  auto own = fromBytes<RankParts>(payload);
  bool ours = own.time == m.time && own.rank == rank && own.ranks == m.ranks;
  for (const auto& part : own.parts) ours = ours && part.rank == rank;
  if (!ours) throw CheckpointUnusable("its parts file '" + named.file + "' holds the parts of another checkpoint");
  return std::move(own.parts);
}

RILL_RUNTIME void Checkpointer::checkRanks(const CheckpointManifest& data, std::size_t ranks, const std::string& dir) {
  const auto processes = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " process" : " processes"); };
  if (data.ranks != ranks)
    throw SparkException("rill: the checkpoint in '" + dir + "' was written by a job of " + processes(data.ranks) +
                         "; this one has " + std::to_string(ranks) + " (restart it with " + processes(data.ranks) +
                         ", or start afresh with another checkpoint directory)");
}

RILL_RUNTIME void Checkpointer::checkFits(const DStreamGraph& graph, const CheckpointManifest& data,
                                          const std::string& dir) {
  if (data.batchDuration != graph.batchDuration().count())
    throw SparkException("rill: the checkpoint in '" + dir + "' was written with a batch duration of " +
                         toString(Duration(data.batchDuration)) + "; this program uses " +
                         toString(graph.batchDuration()));
  const auto& participants = graph.checkpoints().participants();
  for (std::size_t i = 0; i < std::max(participants.size(), data.parts.size()); ++i) {
    const std::string now = i < participants.size() ? participants[i]->describe() : "nothing";
    const std::string then = i < data.parts.size() ? data.parts[i].name : "nothing";
    if (now != then)
      throw SparkException("rill: the checkpoint in '" + dir +
                           "' does not fit this program's DStream graph: "
                           "stateful stream #" +
                           std::to_string(i + 1) + " was " + then + ", and is now " + now +
                           " (the program must define its streams as when the checkpoint was written)");
  }
}

RILL_RUNTIME std::function<void()> Checkpointer::prepare(DStreamGraph& graph, const CheckpointManifest& data) {
  const CheckpointTimes times{Time(data.zeroTime), Time(data.time)};
  const auto& participants = graph.checkpoints().participants();
  std::vector<std::function<void()>> steps;
  for (std::size_t i = 0; i < participants.size(); ++i)
    steps.push_back(participants[i]->prepareRestore(data.parts[i].bytes, times));
  return [steps = std::move(steps)] {
    for (const auto& step : steps) step();
  };
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
