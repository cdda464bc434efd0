#pragma once
// Checkpointing a StreamingContext: after a completed batch, every registered
// participant (state, incremental windows, the batches windows still need; see
// checkpoint_participant.hpp) saves its data, and the whole is written as one
// checkpoint file for that batch time. A restarted program rebuilds its graph
// with the same code and restore() puts the data back participant by
// participant, checking that the graph has the same participants.
#include <rill/core/errors.hpp>
#include <rill/core/serialization.hpp>
#include <rill/io/file_lines.hpp>
#include <rill/io/system_error.hpp>
#include <rill/stream/checkpoint_file.hpp>
#include <rill/stream/checkpoint_participant.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/time.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

/// What a checkpoint file holds.
struct CheckpointData {
  std::int64_t batchDuration = 0;  // ms
  std::int64_t zeroTime = 0;       // ms: one batch before the first
  std::int64_t time = 0;           // ms: the batch the checkpoint was taken after
  std::vector<std::pair<std::string, std::string>> streams;  // (participant description, its data)

  template <class Archive>
  void serialize(Archive& ar) {
    ar(batchDuration, zeroTime, time, streams);
  }
};

// A file's payload: CheckpointData through the checkpoint archive (the three
// int64, the number of streams as a u64, then per stream two strings, each a
// u64 length and its bytes; native byte order), which is what cereal wrote for
// it in earlier versions. Malformed bytes throw SparkException.
inline std::string encodeCheckpointData(const CheckpointData& data) {
  return toBytes(data);
}
inline CheckpointData decodeCheckpointData(std::string_view bytes) {
  return fromBytes<CheckpointData>(bytes);
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
    CheckpointData data{graph.batchDuration().count(), zero_.milliseconds(), t.milliseconds(), {}};
    for (const auto& p : graph.checkpoints().participants()) data.streams.emplace_back(p->describe(), p->save(t));
    writeCheckpointFile(dir_, t.milliseconds(), encodeCheckpointData(data), keep_);
  }

  /// The newest usable checkpoint in dir; unusable files (truncated, corrupt) are
  /// skipped with a warning. nullopt when there is none; throws when there are
  /// checkpoint files but none can be read (as Spark).
  static std::optional<CheckpointData> readLatest(const std::string& dir,
                                                                     ListenerBus& bus) {
    const auto files = listCheckpoints(dir);
    for (const auto& [time, path] : files) {
      std::string problem;
      try {
        const std::string bytes = io::readFile(path);  // e.g. deleted since the listing: IoError
        const auto decoded = decodeCheckpoint(bytes);
        problem = decoded.problem;
        if (decoded.payload) {
          CheckpointData data = decodeCheckpointData(*decoded.payload);
          problem = implausibleTimes(data);
          if (problem.empty()) return data;
        }
      } catch (const IoError& e) {
        problem = e.what();
      } catch (const SparkException& e) {
        problem = e.what();
      }
      bus.post(&StreamingListener::onWarning,
               "rill: checkpoint file '" + path + "' is unusable (" + problem + "); trying the previous one");
    }
    if (!files.empty())
      throw SparkException("rill: failed to read a checkpoint from '" + dir + "': all " +
                           std::to_string(files.size()) + " checkpoint files are unusable");
    return std::nullopt;
  }

  /// Why a record that decoded cleanly still cannot be a checkpoint this library
  /// wrote (empty when it can): the checksum catches accidents, this catches a
  /// record whose times would put the scheduler somewhere absurd.
  static std::string implausibleTimes(const CheckpointData& data) {
    constexpr std::int64_t kLimit = std::int64_t{1} << 53;  // ms: ~285,000 years
    if (data.batchDuration <= 0) return "batch duration " + std::to_string(data.batchDuration) + " ms";
    if (data.time <= -kLimit || data.time >= kLimit || data.zeroTime <= -kLimit || data.zeroTime >= kLimit)
      return "batch time out of range";
    if (data.time <= data.zeroTime || (data.time - data.zeroTime) % data.batchDuration != 0)
      return "batch time " + std::to_string(data.time) + " ms is not a batch after the start (" +
             std::to_string(data.zeroTime) + " ms, every " + std::to_string(data.batchDuration) + " ms)";
    return {};
  }

  /// Puts the checkpointed data into a graph rebuilt by the same program.
  static void restore(DStreamGraph& graph, const CheckpointData& data,
                      const std::string& dir) {
    if (data.batchDuration != graph.batchDuration().count())
      throw SparkException("rill: the checkpoint in '" + dir + "' was written with a batch duration of " +
                           toString(Duration(data.batchDuration)) + "; this program uses " +
                           toString(graph.batchDuration()));
    const auto& participants = graph.checkpoints().participants();
    for (std::size_t i = 0; i < std::max(participants.size(), data.streams.size()); ++i) {
      const std::string now = i < participants.size() ? participants[i]->describe() : "nothing";
      const std::string then = i < data.streams.size() ? data.streams[i].first : "nothing";
      if (now != then)
        throw SparkException("rill: the checkpoint in '" + dir + "' does not fit this program's DStream graph: "
                             "stateful stream #" + std::to_string(i + 1) + " was " + then + ", and is now " + now +
                             " (the program must define its streams as when the checkpoint was written)");
    }
    for (std::size_t i = 0; i < participants.size(); ++i) participants[i]->restore(data.streams[i].second);
  }

 private:
  std::string dir_;
  std::size_t keep_;
  Time zero_;
};

}  // namespace rill::detail
