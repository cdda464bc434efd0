#pragma once
// How far a state stream (updateStateByKey, mapWithState) may fall behind.
// rill.streaming.state.maxPendingBatches (default 100,000) is the most batches
// one state computation may have to apply at once: the batches whose update
// failed, whose input waits for the next one, and the batches a restored state
// is behind the checkpoint it came from (a restored state far behind would make
// the restart walk every slide between the two).
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/stream/checkpoint_participant.hpp>
#include <rill/stream/time.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rill::detail {

inline constexpr const char* kMaxPendingStateBatches = "rill.streaming.state.maxPendingBatches";

/// The setting, read when a state stream is defined (a bad value fails there).
RILL_RUNTIME std::size_t maxPendingStateBatches(const SparkConf& conf);

/// Throws SparkException when a restored state last updated at `last` (a
/// checked time) is more than maxPending slides behind the checkpoint's batch.
RILL_RUNTIME void checkRestoredStateLag(Time last, const CheckpointTimes& times, Duration slide, std::size_t maxPending,
                                        const std::string& what);

/// The error that stops a state stream (`op`: "updateStateByKey", "mapWithState")
/// once `batches` batches in a row, up to `through`, failed to update its state,
/// more than maxPending: their input would otherwise pile up without bound.
RILL_RUNTIME std::string tooManyFailedStateBatches(std::string_view op, std::size_t batches, Time through,
                                                   std::size_t maxPending);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::size_t maxPendingStateBatches(const SparkConf& conf) {
  const long long v = conf.getLong(kMaxPendingStateBatches, 100'000);
  if (v <= 0)
    throw std::invalid_argument(std::string("rill: setting '") + kMaxPendingStateBatches + "' must be positive, got " +
                                std::to_string(v));
  return static_cast<std::size_t>(v);
}

RILL_RUNTIME void checkRestoredStateLag(Time last, const CheckpointTimes& times, Duration slide, std::size_t maxPending,
                                        const std::string& what) {
  const auto behind = static_cast<std::size_t>((times.batch - last).count() / slide.count());
  if (behind > maxPending)
    throw SparkException(what + " was last updated at " + last.toString() + ", " + std::to_string(behind) +
                         " batches before the checkpoint's batch at " + times.batch.toString() + ": more than " +
                         kMaxPendingStateBatches + " (" + std::to_string(maxPending) + ")");
}

RILL_RUNTIME std::string tooManyFailedStateBatches(std::string_view op, std::size_t batches, Time through,
                                                   std::size_t maxPending) {
  return "rill: " + std::string(op) + ": the state could not be updated for " + std::to_string(batches) +
         " batches in a row (up to " + through.toString() + "), more than " + kMaxPendingStateBatches + " (" +
         std::to_string(maxPending) + ") lets wait: the stream stops, and every later batch fails with this error";
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
