#pragma once
// updateStateByKey (Spark's StateDStream): every batch, the update function is
// called for every key that has new values or a state, as
// updateFn(values, std::optional<S> state) -> std::optional<S> (or with the
// batch time and key first); std::nullopt removes the key. Or, the partition
// form (state_rows.hpp), once per state partition with all its keys. The
// output of each batch is the whole state.
//
// The state is an RDD hash-partitioned by key (the stream's partitioner); a
// batch's values are shuffled to the same partitions, and each partition's
// state is updated by one task on the pool, in parallel. Without
// rememberPartitioner the state RDD does not claim the partitioner, and the
// next update shuffles it by key first (what a partition function that
// changes keys needs).
//
// A failed update loses no input, and fails its batch only: the batch's values
// wait, and the next batch's update gives them to the function before its own,
// in batch order, in one call per key at that batch's time (Spark instead
// recomputes the failed batch at its own time, which fails again when the
// failure depends on it). At most rill.streaming.state.maxPendingBatches
// batches wait (state_limits.hpp); one more stops the stream: that batch and
// every later one fail with an error saying so. The state of a batch nothing
// asked for (between the slides of a window over the state, or between a
// restored state and the first batch after a restart) is still computed, at
// its own time, one batch after another.
#include <rill/core/errors.hpp>
#include <rill/core/serialization.hpp>
#include <rill/core/type_name.hpp>
#include <rill/rdd/hash_table.hpp>
#include <rill/stream/by_time.hpp>
#include <rill/stream/checkpoint_streams.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/state_keys.hpp>
#include <rill/stream/state_limits.hpp>
#include <rill/stream/state_rows.hpp>
#include <rill/stream/window_keyed.hpp>

#include <atomic>
#include <cstddef>
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

/// How updateStateByKey calls its function: per key (with or without the batch
/// time and key), or per partition.
enum class UpdateForm { perKey, perKeyTimed, partition };

template <class K, class V, class S, class F, class P, UpdateForm Form>
class UpdateStateNode final : public SelfCheckpointingNode<std::pair<K, S>>, public KeyedState {
  using StateRow = std::pair<K, S>;
  using Hash = hasher_of_t<P>;
  using State = std::optional<RDD<StateRow>>;  // none: no state
  // The states the stream remembers, by batch time (ms), each as its partitions.
  using Saved = std::vector<std::pair<std::int64_t, std::optional<std::vector<std::vector<StateRow>>>>>;

  // A key's values, and whether the update being computed called it already.
  struct Group {
    std::vector<V> values;
    bool called = false;
  };
  using Groups = FlatMap<K, Group, Hash>;

  /// The values of the batches not yet applied: those whose update failed, then
  /// the batch being computed. They stay until an update succeeds.
  struct Waiting {
    std::vector<Groups> parts;                               // by partition of the state
    std::vector<std::vector<std::pair<K, V>>> incoming;      // the newest batch, until its task groups it
    std::size_t batches = 0;
    std::optional<Time> through;                             // the newest batch among them
    bool anyRDD = false;                                     // whether any of them had a batch RDD
  };

 public:
  /// A batch's (key, value) rows, already in the partitions of the stream's partitioner.
  using Batch = std::function<std::optional<std::vector<std::vector<std::pair<K, V>>>>(Time)>;

  UpdateStateNode(DStreamGraph& graph, Duration slide, std::shared_ptr<DStreamBase> parent, Batch batch, F fn,
                  P part, bool rememberPartitioner, RDD<StateRow> initial /* without a node: none */)
      : SelfCheckpointingNode<StateRow>(graph, slide, {std::move(parent)}),
        batch_(std::move(batch)),
        fn_(std::move(fn)),
        part_(std::move(part)),
        remember_(rememberPartitioner),
        initial_(std::move(initial)),
        maxPending_(maxPendingStateBatches(graph.sparkContext().getConf())),
        waiting_(makeWaiting()) {}

  std::string describe() const override { return "the state of updateStateByKey (" + typeName<StateRow>() + ")"; }
  std::int64_t numStateKeys() const override { return keys_; }
  std::optional<std::string> unsupportedReason() const override { return unsupportedTypes<K, S>(describe()); }
  /// The stream's own batches: it saves the states it remembers, which is what a
  /// window over it would save again.
  const void* identity() const override { return static_cast<const DStreamNode<StateRow>*>(this); }
  std::string save(Time) const override {
    if constexpr (Checkpointable<StateRow>) {
      Saved saved;
      for (const auto& [time, state] : appliedStates()) {
        saved.emplace_back(time.milliseconds(), std::nullopt);
        if (state) saved.back().second = savedPartitions(*state);
      }
      return toBytes(saved);
    } else {
      throwUnsupported(unsupportedReason());
    }
  }
  std::function<void()> prepareRestore(std::string_view bytes, const CheckpointTimes& times) override {
    if constexpr (Checkpointable<StateRow>) {
      auto saved = fromBytes<Saved>(bytes);
      ByTime<State> applied;
      for (auto& [ms, parts] : saved) {
        checkSavedTime(Time(ms), times, this->slideDuration(), SavedTime::stateUpdate, describe());
        if (applied.size() > 0 && Time(ms) <= (applied.end() - 1)->first)
          throw SparkException("rill: the saved states of " + describe() + " are not in time order");
        applied.insertOrAssign(Time(ms), parts ? State(restoredRDD(std::move(*parts))) : std::nullopt);
      }
      if (applied.size() > 0)
        checkRestoredStateLag((applied.end() - 1)->first, times, this->slideDuration(), maxPending_, describe());
      return [this, applied = std::move(applied)]() mutable {
        std::lock_guard lock(appliedMutex_);
        applied_ = std::move(applied);
      };
    } else {
      throwUnsupported(unsupportedReason());
    }
  }

 protected:
  std::optional<RDD<StateRow>> compute(Time t) override {
    if (stopped_) throw SparkException(*stopped_);
    if (waiting_.batches > 0 && waiting_.through == t) return applyWaiting(t);  // asked again after failing
    if (auto last = lastState(); last && t <= last->first) return appliedAt(t);
    State out;
    for (Time u = nextBatch(); u <= t; u = u + this->slideDuration()) {
      takeInput(u);
      out = applyWaiting(u);
    }
    return out;
  }

 private:
  /// The newest applied batch and its state.
  std::optional<std::pair<Time, State>> lastState() const {
    std::lock_guard lock(appliedMutex_);
    if (applied_.size() == 0) return std::nullopt;
    return *(applied_.end() - 1);
  }
  /// The state after an applied batch the stream still remembers; none for older ones.
  State appliedAt(Time t) {
    std::lock_guard lock(appliedMutex_);
    const State* state = applied_.find(t);
    return state ? *state : std::nullopt;
  }
  ByTime<State> appliedStates() const {
    std::lock_guard lock(appliedMutex_);
    return applied_;
  }

  /// The first batch whose values are not yet taken.
  Time nextBatch() const {
    if (waiting_.through) return *waiting_.through + this->slideDuration();
    if (auto last = lastState()) return last->first + this->slideDuration();
    return *this->zeroTime() + this->slideDuration();
  }

  Waiting makeWaiting() const {
    Waiting w;
    w.parts.reserve(part_.numPartitions());
    for (std::size_t r = 0; r < part_.numPartitions(); ++r) w.parts.emplace_back(hasherFrom<Hash>(part_));
    return w;
  }

  /// Adds batch u's values to the waiting ones (grouped later, by the update's tasks).
  void takeInput(Time u) {
    auto rows = batch_(u);  // a failure here takes nothing
    ++waiting_.batches;
    waiting_.through = u;
    if (!rows) return;
    waiting_.anyRDD = true;
    waiting_.incoming = std::move(*rows);
  }

  /// The state after batch u: the previous state updated with every waiting value.
  State applyWaiting(Time u) {
    auto [previous, fromInitial] = previousState();
    State out;
    std::atomic<std::int64_t> keys{0};
    try {
      // Spark: no previous state and no batch RDD (or only the initial state) gives no RDD.
      if (waiting_.anyRDD || (previous && !fromInitial)) {
        auto& sc = this->graph().sparkContext();
        std::vector<RDD<StateRow>> inputs{previous ? *previous : sc.template emptyRDD<StateRow>()};
        const auto updatePartition = [&](std::size_t r, std::vector<std::vector<StateRow>>& in) {
          auto rows = update(u, in[0], r);
          keys += static_cast<std::int64_t>(rows.size());
          return rows;
        };
        out = mergeAligned(sc, "updateStateByKey", part_, std::move(inputs), updatePartition);
        if (!remember_) out = RDD<StateRow>(sc, out->node());  // the same partitions, no partitioner
      }
    } catch (...) {
      keepWaiting();
      throw;
    }
    {
      // Kept as long as a window over the state may ask for it (as the node's RDDs).
      std::lock_guard lock(appliedMutex_);
      applied_.insertOrAssign(u, out);
      applied_.eraseBefore(u - this->rememberDuration() + Duration(1));
    }
    waiting_ = makeWaiting();
    keys_ = keys.load();
    return out;
  }

  /// After a failed update: groups what its tasks did not reach, and stops the
  /// stream when more batches wait than the setting allows.
  void keepWaiting() {
    for (std::size_t r = 0; r < waiting_.incoming.size(); ++r) group(r);
    waiting_.incoming.clear();
    if (waiting_.batches <= maxPending_) return;
    stopped_ = tooManyFailedStateBatches("updateStateByKey", waiting_.batches, *waiting_.through, maxPending_);
    waiting_ = makeWaiting();
    throw SparkException(*stopped_);
  }

  /// The state of the batch before the one being applied, else the initial state
  /// (as Spark, also when the previous batch had no state); second: whether it is
  /// the initial state.
  std::pair<State, bool> previousState() const {
    State state;
    if (auto last = lastState()) state = last->second;
    if (state) return {std::move(state), false};
    if (!initial_.node()) return {std::nullopt, false};
    return {initial_, true};
  }

  /// Moves partition r of the newest batch into the waiting groups.
  void group(std::size_t r) {
    auto& rows = waiting_.incoming[r];
    for (auto& row : rows)
      waiting_.parts[r].upsert(
          std::move(row.first), [&] { return Group{{std::move(row.second)}, false}; },
          [&](Group& g) { g.values.push_back(std::move(row.second)); });
    rows.clear();
  }

  /// Partition r of the new state (a task); reads the waiting values without
  /// consuming them, so that a failed update leaves them for the next.
  std::vector<StateRow> update(Time t, std::vector<StateRow>& states, std::size_t r) {
    if (r < waiting_.incoming.size()) group(r);
    Groups& groups = waiting_.parts[r];
    std::vector<StateRow> out;
    if constexpr (Form == UpdateForm::partition) {
      // The function may keep what it is given: the values are copies.
      StateUpdateRows<K, V, S> rows;
      rows.reserve(states.size() + groups.size());
      forEachKey(states, groups, [&](K key, const std::vector<V>& values, std::optional<S> state) {
        rows.emplace_back(std::move(key), values, std::move(state));
      });
      out = toStateRows<K, S>(callWithRows(fn_, rows));
    } else {
      out.reserve(states.size() + groups.size());
      forEachKey(states, groups, [&](K key, const std::vector<V>& values, std::optional<S> state) {
        if (auto next = call(t, key, values, std::move(state))) out.emplace_back(std::move(key), std::move(*next));
      });
    }
    return out;
  }

  /// visit(key, values, state) for every key with a state (in the state's
  /// order), then every key with values only. The keys of the state are
  /// moved; those of the values copied, as the values stay until the update succeeds.
  template <class Visit>
  static void forEachKey(std::vector<StateRow>& states, Groups& groups, Visit&& visit) {
    for (auto& entry : groups.entries()) entry.second.called = false;
    const std::vector<V> none;
    for (auto& [key, state] : states) {
      Group* g = groups.find(key);
      if (g) g->called = true;
      visit(std::move(key), g ? g->values : none, std::optional<S>(std::move(state)));
    }
    for (auto& [key, g] : groups.entries())
      if (!g.called) visit(key, g.values, std::nullopt);
  }

  std::optional<S> call(Time t, const K& key, const std::vector<V>& values, std::optional<S> state) const {
    if constexpr (Form == UpdateForm::perKeyTimed)
      return fn_(t, key, values, std::move(state));
    else
      return fn_(values, std::move(state));
  }

  RDD<StateRow> restoredRDD(std::vector<std::vector<StateRow>> parts) const {
    auto& sc = this->graph().sparkContext();
    return remember_ ? restoredKeyedRDD(sc, std::move(parts), part_) : sc.fromPartitions(std::move(parts));
  }

  Batch batch_;
  F fn_;
  P part_;
  bool remember_;  // whether the state RDDs claim part_ (Spark's rememberPartitioner)
  RDD<StateRow> initial_;  // without a node when there is none
  std::size_t maxPending_;
  // On the scheduler thread, and partition by partition in the update's tasks.
  Waiting waiting_;
  std::optional<std::string> stopped_;  // why the stream stopped
  mutable std::mutex appliedMutex_;
  ByTime<State> applied_;  // guarded by appliedMutex_
  std::atomic<std::int64_t> keys_{0};  // in the newest applied state, on this rank
};

}  // namespace rill::detail
