#pragma once
// How many keys the state streams (updateStateByKey, mapWithState) hold, for
// the listener's BatchInfo::stateKeys. A state stream implements KeyedState;
// the scheduler finds them among the graph's checkpoint participants, where
// every state stream registers itself in definition order.
#include <rill/core/runtime.hpp>
#include <rill/stream/checkpoint_participant.hpp>

#include <cstdint>
#include <vector>

namespace rill::detail {

class KeyedState {
 public:
  /// The keys in the state after the latest batch applied, on this rank; read
  /// on the scheduler thread between batches.
  virtual std::int64_t numStateKeys() const = 0;

 protected:
  ~KeyedState() = default;
};

/// The key count of every state stream of `registry`, in definition order.
RILL_RUNTIME std::vector<std::int64_t> stateKeyCounts(const CheckpointRegistry& registry);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::vector<std::int64_t> stateKeyCounts(const CheckpointRegistry& registry) {
  std::vector<std::int64_t> counts;
  for (const auto& p : registry.participants())
    if (const auto* state = dynamic_cast<const KeyedState*>(p.get())) counts.push_back(state->numStateKeys());
  return counts;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
