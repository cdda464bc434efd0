#pragma once
// Saving stream data in checkpoints: the helpers every participant uses, and
// the participant that saves the batches a stream still remembers (what a
// window or an incremental reduce needs again after a restart).
#include <rill/core/serialization.hpp>
#include <rill/rdd/actions.hpp>
#include <rill/rdd/spark_context.hpp>
#include <rill/stream/checkpoint_participant.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

/// An RDD's partitions as vectors, partition by partition (computed in parallel).
template <class T>
std::vector<std::vector<T>> collectPartitions(const RDD<T>& rdd) {
  return runPerPartition(rdd, [](std::size_t) { return CollectSink<T>{}; });
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
inline void requireCheckpointInterval(Duration interval, Duration slide) {
  requirePositiveDuration(interval, "checkpoint interval");
  if (!isMultipleOf(interval, slide))
    throw std::invalid_argument("rill: the checkpoint interval (" + toString(interval) +
                                ") must be a multiple of the DStream's slide duration (" + toString(slide) + ")");
}

/// Saves the batch RDDs a stream remembers and puts them back on restore.
template <class T>
class BatchesParticipant final : public CheckpointParticipant {
 public:
  BatchesParticipant(std::shared_ptr<DStreamNode<T>> node, std::string what)
      : node_(std::move(node)), what_(std::move(what)) {}

  std::string describe() const override { return what_ + " (" + typeName<T>() + ")"; }
  std::optional<std::string> unsupportedReason() const override { return unsupportedTypes<T>(describe()); }
  const void* identity() const override { return node_.get(); }

  std::string save(Time t) const override {
    if constexpr (Checkpointable<T>) {
      // (time in ms, partitions) by time: the bytes of the std::map earlier versions wrote.
      std::vector<std::pair<std::int64_t, std::vector<std::vector<T>>>> batches;
      for (auto& [time, rdd] : node_->generatedRDDs())
        if (time <= t) batches.emplace_back(time.milliseconds(), collectPartitions(rdd));
      return toBytes(batches);
    } else {
      throwUnsupported(unsupportedReason());
    }
  }
  void restore(std::string_view bytes) override {
    if constexpr (Checkpointable<T>) {
      auto batches = fromBytes<std::vector<std::pair<std::int64_t, std::vector<std::vector<T>>>>>(bytes);
      auto& sc = node_->graph().sparkContext();
      for (auto& [ms, parts] : batches) node_->restore(Time(ms), sc.fromPartitions(std::move(parts)));
    } else {
      throwUnsupported(unsupportedReason());
    }
  }

 private:
  std::shared_ptr<DStreamNode<T>> node_;
  std::string what_;
};

}  // namespace rill::detail
