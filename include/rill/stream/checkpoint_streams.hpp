#pragma once
// Saving stream data in checkpoints: the helpers every participant uses, and
// the participant that saves the batches a stream still remembers (what a
// window or an incremental reduce needs again after a restart).
#include <rill/core/runtime.hpp>
#include <rill/core/serialization.hpp>
#include <rill/core/type_name.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/wire.hpp>
#include <rill/rdd/actions.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/keyed_shuffle.hpp>
#include <rill/rdd/spark_context.hpp>
#include <rill/stream/checkpoint_participant.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/time.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

inline constexpr std::string_view kCheckpointSaveTag = "checkpoint save";

/// An RDD's partitions as a checkpoint saves them (computed in parallel): with
/// one process all of them; with several, each process those it owns by block
/// placement, the others empty, so that fromPartitions puts each back where it
/// was on a restart with as many processes. Partitions computed on another
/// process (those of a union) are sent to their block owner first.
template <class T>
std::vector<std::vector<T>> savedPartitions(const RDD<T>& rdd) {
  auto parts = runOwnedPartitions(rdd, kCheckpointSaveTag, [](std::size_t) { return CollectSink<T>{}; });
  exec::Cluster& cluster = clusterOf(rdd.context());
  const std::size_t ranks = cluster.size(), n = parts.size(), me = cluster.rank();
  if (placedInBlocks(rdd, ranks)) return parts;
  std::vector<exec::Bytes> send(ranks);
  for (std::size_t p = 0; p < n; ++p)
    if (const std::size_t to = blockOwner(p, n, ranks); rdd.owner(p, ranks) == me && to != me) {
      exec::appendFrame(send[to], static_cast<std::uint64_t>(p), kCheckpointSaveTag);
      exec::appendFrame(send[to], std::exchange(parts[p], {}), kCheckpointSaveTag);
    }
  for (const exec::Bytes& from : cluster.allToAll(kCheckpointSaveTag, std::move(send)))
    for (exec::FrameReader in(from); !in.done();) {
      const auto p = exec::readWire<std::uint64_t>(in.next(), kCheckpointSaveTag);
      if (p >= n) throw SparkException("rill: checkpoint: another process sent partition " + std::to_string(p));
      parts[p] = exec::readWire<std::vector<T>>(in.next(), kCheckpointSaveTag);
    }
  return parts;
}

/// Why data made of Ts cannot be checkpointed, or nullopt when it can.
template <class... Ts>
std::optional<std::string> unsupportedTypes(const std::string& what) {
  if constexpr ((Checkpointable<Ts> && ...)) {
    return std::nullopt;
  } else {
    std::string missing;
    ((missing += Checkpointable<Ts> ? "" : (missing.empty() ? "" : ", ") + typeName<Ts>()), ...);
    return "rill: checkpointing needs to save " + what + ", but " + missing +
           " cannot be serialised; give it a serialize function (see rill/core/serialization.hpp)";
  }
}

/// What a participant throws when asked to save types it cannot (the context
/// refuses to start first, so this is a safety net).
[[noreturn]] inline void throwUnsupported(const std::optional<std::string>& reason) {
  throw std::logic_error(reason.value_or("rill: this data cannot be checkpointed"));
}

/// DStream::checkpoint(interval)'s rule (Spark's): a positive multiple of the stream's slide.
RILL_RUNTIME void requireCheckpointInterval(Duration interval, Duration slide);

/// What a saved time stands for: the batch a state was last updated at (which
/// may be times.zero, the state before the first batch), or a batch a stream
/// remembers (after times.zero).
enum class SavedTime { stateUpdate, batch };

/// Throws SparkException unless `time`, saved by `what`, is a batch of a
/// stream sliding every `slide` from times.zero, no later than the checkpoint's
/// batch: anything else comes from damaged or crafted bytes.
RILL_RUNTIME void checkSavedTime(Time time, const CheckpointTimes& times, Duration slide, SavedTime kind,
                                 const std::string& what);

/// A stream that saves its own data in checkpoints (the state streams): before a
/// checkpoint it computes its batch at t if no output asked for it, since the
/// batch's input is gone after a restart from that checkpoint.
template <class T>
class SelfCheckpointingNode : public DStreamNode<T>, public CheckpointParticipant {
 public:
  using DStreamNode<T>::DStreamNode;
  void computeThrough(Time t) override {
    if (this->isTimeValid(t)) this->getOrCompute(t);
  }
};

/// Saves the batch RDDs a stream remembers and puts them back on restore.
template <class T>
class BatchesParticipant final : public CheckpointParticipant {
 public:
  BatchesParticipant(std::shared_ptr<DStreamNode<T>> node, std::string what)
      : node_(std::move(node)), what_(std::move(what)) {}

  std::string describe() const override { return what_ + " (" + typeName<T>() + ")"; }
  std::optional<std::string> unsupportedReason() const override { return unsupportedTypes<T>(describe()); }
  const void* identity() const override { return node_.get(); }

  /// The batches after the newest one made (and within what the stream
  /// remembers), through t.
  void computeThrough(Time t) override {
    const auto zero = node_->zeroTime();
    if (!zero) return;
    Time from = std::max(*zero, t - node_->rememberDuration());
    if (const auto newest = node_->newestGeneratedTime()) from = std::max(from, *newest);
    node_->slice(from + node_->slideDuration(), t);  // floors onto the grid, computes what is missing
  }

  std::string save(Time t) const override {
    if constexpr (Checkpointable<T>) {
      // (time in ms, partitions) by time: the bytes of the std::map earlier versions wrote.
      std::vector<std::pair<std::int64_t, std::vector<std::vector<T>>>> batches;
      for (auto& [time, rdd] : node_->generatedRDDs())
        if (time <= t) batches.emplace_back(time.milliseconds(), savedPartitions(rdd));
      return toBytes(batches);
    } else {
      throwUnsupported(unsupportedReason());
    }
  }
  std::function<void()> prepareRestore(std::string_view bytes, const CheckpointTimes& times) override {
    if constexpr (Checkpointable<T>) {
      auto batches = fromBytes<std::vector<std::pair<std::int64_t, std::vector<std::vector<T>>>>>(bytes);
      auto& sc = node_->graph().sparkContext();
      std::vector<std::pair<Time, RDD<T>>> rdds;
      for (auto& [ms, parts] : batches) {
        checkSavedTime(Time(ms), times, node_->slideDuration(), SavedTime::batch, describe());
        if (!rdds.empty() && Time(ms) <= rdds.back().first)
          throw SparkException("rill: the saved batches of " + describe() + " are not in time order");
        rdds.emplace_back(Time(ms), sc.fromPartitions(std::move(parts)));
      }
      return [node = node_, rdds = std::move(rdds)] {
        for (const auto& [t, rdd] : rdds) node->restore(t, rdd);
      };
    } else {
      throwUnsupported(unsupportedReason());
    }
  }

 private:
  std::shared_ptr<DStreamNode<T>> node_;
  std::string what_;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void requireCheckpointInterval(Duration interval, Duration slide) {
  requirePositiveDuration(interval, "checkpoint interval");
  if (!isMultipleOf(interval, slide))
    throw std::invalid_argument("rill: the checkpoint interval (" + toString(interval) +
                                ") must be a multiple of the DStream's slide duration (" + toString(slide) + ")");
}

RILL_RUNTIME void checkSavedTime(Time time, const CheckpointTimes& times, Duration slide, SavedTime kind,
                                 const std::string& what) {
  const bool state = kind == SavedTime::stateUpdate;
  const bool early = state ? time < times.zero : time <= times.zero;
  if (early || time > times.batch || !isMultipleOf(time - times.zero, slide))
    throw SparkException(what + (state ? " was last updated at " : " holds a batch at ") + time.toString() +
                         ", which is not a batch of its stream (every " + toString(slide) + " from " +
                         times.zero.toString() + ") up to the checkpoint's batch at " + times.batch.toString());
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
