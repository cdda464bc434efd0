#pragma once
// updateStateByKey (Spark's StateDStream): every batch, the update function is
// called for every key that has new values or a state, as
// updateFn(values, std::optional<S> state) -> std::optional<S> (or with the
// batch time and key first); std::nullopt removes the key. The output of each
// batch is the whole state.
//
// The state is an RDD hash-partitioned by key (the stream's partitioner); a
// batch's values are shuffled to the same partitions, and each partition's
// state is updated by one task on the pool, in parallel.
#include <rill/core/serialization.hpp>
#include <rill/rdd/hash_table.hpp>
#include <rill/stream/checkpoint_streams.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/window_keyed.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

template <class K, class V, class S, class F, class P, bool Timed>
class UpdateStateNode final : public DStreamNode<std::pair<K, S>>, public CheckpointParticipant {
  using StateRow = std::pair<K, S>;
  using Hash = hasher_of_t<P>;

 public:
  /// A batch's (key, value) rows, already in the partitions of the stream's partitioner.
  using Batch = std::function<std::optional<std::vector<std::vector<std::pair<K, V>>>>(Time)>;

  UpdateStateNode(DStreamGraph& graph, Duration slide, std::shared_ptr<DStreamBase> parent, Batch batch, F fn,
                  P part, RDD<StateRow> initial /* without a node: none */)
      : DStreamNode<StateRow>(graph, slide, {std::move(parent)}),
        batch_(std::move(batch)),
        fn_(std::move(fn)),
        part_(std::move(part)),
        initial_(std::move(initial)) {}

  std::string describe() const override { return "the state of updateStateByKey (" + typeName<StateRow>() + ")"; }
  std::optional<std::string> unsupportedReason() const override { return unsupportedTypes<K, S>(describe()); }
  std::string save(Time) const override {
    if constexpr (Checkpointable<StateRow>) {
      std::optional<std::pair<std::int64_t, std::optional<std::vector<std::vector<StateRow>>>>> saved;
      if (auto last = lastState()) {
        saved.emplace(last->first.milliseconds(), std::nullopt);
        if (last->second) saved->second = collectPartitions(*last->second);
      }
      return toBytes(saved);
    } else {
      throwUnsupported(unsupportedReason());
    }
  }
  void restore(std::string_view bytes) override {
    if constexpr (Checkpointable<StateRow>) {
      auto saved = fromBytes<std::optional<std::pair<std::int64_t, std::optional<std::vector<std::vector<StateRow>>>>>>(bytes);
      if (!saved) return;
      std::optional<RDD<StateRow>> state;
      if (saved->second) state = restoredRDD(std::move(*saved->second));
      std::lock_guard lock(lastMutex_);
      last_.emplace(Time(saved->first), std::move(state));
    } else {
      throwUnsupported(unsupportedReason());
    }
  }

 protected:
  std::optional<RDD<StateRow>> compute(Time t) override {
    auto [previous, fromInitial] = previousState(t);
    auto values = batch_(t);
    std::optional<RDD<StateRow>> out;
    // Spark: no previous state and no batch RDD (or only the initial state) gives no RDD.
    if (values || (previous && !fromInitial)) {
      std::vector<RDD<StateRow>> inputs{previous ? *previous : this->graph().sparkContext().template emptyRDD<StateRow>()};
      out = mergeAligned(this->graph().sparkContext(), part_, std::move(inputs),
                         [&](std::size_t r, std::vector<std::vector<StateRow>>& in) {
                           return update(t, in[0], values ? &(*values)[r] : nullptr);
                         });
    }
    std::lock_guard lock(lastMutex_);
    last_.emplace(t, out);
    return out;
  }

 private:
  // A key's new values, and whether it had a state (so it was already called).
  struct Group {
    std::vector<V> values;
    bool called = false;
  };

  std::optional<std::pair<Time, std::optional<RDD<StateRow>>>> lastState() const {
    std::lock_guard lock(lastMutex_);
    return last_;
  }

  /// The state a slide before t, else the initial state (as Spark, also when
  /// the previous batch had no state); second: whether it is the initial state.
  std::pair<std::optional<RDD<StateRow>>, bool> previousState(Time t) {
    const Time previous = t - this->slideDuration();
    std::optional<RDD<StateRow>> state;
    if (auto last = lastState(); last && last->first == previous)
      state = last->second;
    else if (this->isTimeValid(previous))
      state = compute(previous);  // a batch nothing asked for; not through getOrCompute, which holds this node's lock
    if (state) return {std::move(state), false};
    if (!initial_.node()) return {std::nullopt, false};
    return {initial_, true};
  }

  std::vector<StateRow> update(Time t, std::vector<StateRow>& states, std::vector<std::pair<K, V>>* rows) const {
    FlatMap<K, Group, Hash> fresh(hasherFrom<Hash>(part_));
    if (rows)
      for (auto& row : *rows)
        fresh.upsert(
            std::move(row.first), [&] { return Group{{std::move(row.second)}, false}; },
            [&](Group& g) { g.values.push_back(std::move(row.second)); });
    std::vector<StateRow> out;
    out.reserve(states.size() + fresh.size());
    const std::vector<V> none;
    for (auto& [key, state] : states) {
      Group* g = fresh.find(key);
      if (g) g->called = true;
      keep(out, key, call(t, key, g ? g->values : none, std::optional<S>(std::move(state))));
    }
    for (auto& [key, g] : fresh.entries())
      if (!g.called) keep(out, key, call(t, key, g.values, std::optional<S>()));
    return out;
  }

  std::optional<S> call(Time t, const K& key, const std::vector<V>& values, std::optional<S> state) const {
    if constexpr (Timed)
      return fn_(t, key, values, std::move(state));
    else
      return fn_(values, std::move(state));
  }
  static void keep(std::vector<StateRow>& out, K& key, std::optional<S> state) {
    if (state) out.emplace_back(std::move(key), std::move(*state));
  }

  RDD<StateRow> restoredRDD(std::vector<std::vector<StateRow>> parts) const {
    auto& sc = this->graph().sparkContext();
    if (parts.size() == part_.numPartitions()) return keyedRDD<StateRow>(sc, std::move(parts), part_);
    return sc.fromPartitions(std::move(parts));  // saved with other partitions: shuffled on use
  }

  Batch batch_;
  F fn_;
  P part_;
  RDD<StateRow> initial_;  // without a node when there is none
  mutable std::mutex lastMutex_;
  std::optional<std::pair<Time, std::optional<RDD<StateRow>>>> last_;  // guarded by lastMutex_
};

}  // namespace rill::detail
