#pragma once
// mapWithState (Spark's MapWithStateDStream): the mapping function is called
// once per input record with its key's State<S>, and the stream emits what it
// returns; stateSnapshots() gives every (key, state) after each batch.
//
// The state lives in hash partitions (the stream's partitioner), each a hash
// table updated in place by one task on the pool, so a batch costs what its
// records cost, not what the whole state costs. Timeouts: a key whose state was
// last updated (or that last had data) more than the timeout before the batch
// time is called once with isTimingOut() == true, after the batch's records,
// and removed. rill checks timeouts in every batch; Spark only in its full-scan
// (checkpoint) batches, every 10 batches by default, so Spark reports them later.
#include <rill/core/errors.hpp>
#include <rill/core/serialization.hpp>
#include <rill/core/type_name.hpp>
#include <rill/stream/checkpoint_streams.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/state.hpp>
#include <rill/stream/state_keys.hpp>
#include <rill/stream/state_limits.hpp>
#include <rill/stream/window_keyed.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rill {

template <class T>
class DStream;

namespace detail {

/// Where stateSnapshots() reads the state of a batch from.
template <class K, class S>
class StateSnapshots {
 public:
  /// Every (key, state) after the batch at t (computing the batch if needed); nullopt
  /// when the stream has no batch at t.
  virtual std::optional<RDD<std::pair<K, S>>> snapshotAt(Time t) = 0;

 protected:
  ~StateSnapshots() = default;
};

template <class R>
struct EngagedOnly : std::false_type {};
template <class M>
struct EngagedOnly<std::optional<M>> : std::true_type {};

/// What mapWithState's stream holds for a function returning R: the function
/// with the batch time first returns std::optional<M> and only engaged results are
/// emitted (Spark's form with Time); otherwise every result is.
template <class R, bool Timed>
struct MappedOf {
  using type = R;
};
template <class M>
struct MappedOf<std::optional<M>, true> {
  using type = M;
};

template <class K, class V, class S, class M, class F, class P, bool Timed>
class MapWithStateNode final : public DStreamNode<M>,
                               public CheckpointParticipant,
                               public StateSnapshots<K, S>,
                               public KeyedState {
  using Hash = hasher_of_t<P>;
  struct Entry {
    S state;
    std::int64_t updated;  // batch time (ms) of the last update, for timeouts
  };
  struct Partition {
    std::unordered_map<K, Entry, Hash, std::equal_to<>> table;
    std::deque<std::pair<std::int64_t, K>> touched;  // (time, key) in time order; only with a timeout
  };
  using Saved = std::tuple<std::optional<std::int64_t>, bool, std::vector<std::vector<std::tuple<K, S, std::int64_t>>>>;

 public:
  using Batch = std::function<std::optional<std::vector<std::vector<std::pair<K, V>>>>(Time)>;

  MapWithStateNode(DStreamGraph& graph, Duration slide, std::shared_ptr<DStreamBase> parent, Batch batch, F fn, P part,
                   RDD<std::pair<K, S>> initial /* without a node: none */, std::optional<Duration> timeout)
      : DStreamNode<M>(graph, slide, {std::move(parent)}),
        batch_(std::move(batch)),
        fn_(std::move(fn)),
        part_(std::move(part)),
        initial_(std::move(initial)),
        timeout_(timeout),
        maxPending_(maxPendingStateBatches(graph.sparkContext().getConf())),
        parts_(makePartitions()) {}

  std::optional<RDD<std::pair<K, S>>> snapshotAt(Time t) override {
    if (!this->getOrCompute(t)) return std::nullopt;
    std::vector<std::vector<std::pair<K, S>>> out(parts_.size());
    for (std::size_t r = 0; r < parts_.size(); ++r)
      for (const auto& [key, entry] : parts_[r].table) out[r].emplace_back(key, entry.state);
    return keyedRDD<std::pair<K, S>>(this->graph().sparkContext(), std::move(out), part_);
  }

  std::int64_t numStateKeys() const override {
    std::int64_t n = 0;
    for (const auto& part : parts_) n += static_cast<std::int64_t>(part.table.size());
    return n;
  }

  std::string describe() const override {
    return "the state of mapWithState (" + typeName<std::pair<K, S>>() + ")";
  }
  std::optional<std::string> unsupportedReason() const override { return unsupportedTypes<K, S>(describe()); }
  void computeThrough(Time t) override {
    if (this->isTimeValid(t)) this->getOrCompute(t);
  }
  std::string save(Time) const override {
    if constexpr (Checkpointable<std::pair<K, S>>) {
      Saved saved{last_ ? std::optional(last_->milliseconds()) : std::nullopt, initialized_, {}};
      auto& parts = std::get<2>(saved);
      parts.resize(parts_.size());
      for (std::size_t r = 0; r < parts_.size(); ++r)
        for (const auto& [key, entry] : parts_[r].table) parts[r].emplace_back(key, entry.state, entry.updated);
      return toBytes(saved);
    } else {
      throwUnsupported(unsupportedReason());
    }
  }
  std::function<void()> prepareRestore(std::string_view bytes, const CheckpointTimes& times) override {
    if constexpr (Checkpointable<std::pair<K, S>>) {
      auto saved = fromBytes<Saved>(bytes);
      const std::optional<std::int64_t> last = std::get<0>(saved);
      const bool initialized = std::get<1>(saved);
      if (last) {
        checkSavedTime(Time(*last), times, this->slideDuration(), SavedTime::stateUpdate, describe());
        checkRestoredStateLag(Time(*last), times, this->slideDuration(), maxPending_, describe());
      }
      auto parts = restoredPartitions(std::move(std::get<2>(saved)));
      return [this, last, initialized, parts = std::move(parts)]() mutable {
        if (last) last_ = Time(*last);
        initialized_ = initialized;
        parts_ = std::move(parts);
      };
    } else {
      throwUnsupported(unsupportedReason());
    }
  }

 protected:
  std::optional<RDD<M>> compute(Time t) override {
    if (last_ && t <= *last_)
      throw SparkException("rill: mapWithState: the batch at " + t.toString() +
                           " was already applied to the state (an earlier attempt failed part-way)");
    // Batches nothing asked for still change the state: apply them first, in order.
    const Time first = last_ ? *last_ + this->slideDuration() : t;
    for (Time u = first; u < t; u = u + this->slideDuration())
      if (this->isTimeValid(u)) apply(u);
    return apply(t);
  }

 private:
  std::vector<Partition> makePartitions() const {
    std::vector<Partition> parts;
    parts.reserve(part_.numPartitions());
    const Hash hash = hasherFrom<Hash>(part_);
    for (std::size_t r = 0; r < part_.numPartitions(); ++r)
      parts.push_back(Partition{std::unordered_map<K, Entry, Hash, std::equal_to<>>(0, hash), {}});
    return parts;
  }
  std::size_t partitionOfKey(const K& key) const { return partitionOf(part_, key, parts_.size()); }

  /// The partitions of a saved state: (key, state, update time) rows in any order.
  std::vector<Partition> restoredPartitions(std::vector<std::vector<std::tuple<K, S, std::int64_t>>> saved) const {
    std::vector<std::tuple<K, S, std::int64_t>> all;
    for (auto& part : saved) std::move(part.begin(), part.end(), std::back_inserter(all));
    // The time order the timeout queue needs.
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return std::get<2>(a) < std::get<2>(b); });
    auto parts = makePartitions();
    for (auto& [key, state, updated] : all) {
      const std::size_t r = partitionOf(part_, key, parts.size());
      store(parts[r], std::move(key), std::move(state), updated);
    }
    return parts;
  }

  /// Sets key's state (its update time `updated`); with a timeout, queues the key for it.
  void store(Partition& part, K key, S state, std::int64_t updated) const {
    auto it = part.table.find(key);
    const bool requeue = timeout_ && (it == part.table.end() || it->second.updated != updated);
    if (requeue) part.touched.emplace_back(updated, key);
    if (it == part.table.end())
      part.table.emplace(std::move(key), Entry{std::move(state), updated});
    else
      it->second = Entry{std::move(state), updated};
  }

  RDD<M> apply(Time t) {
    auto& sc = this->graph().sparkContext();
    if (!initialized_) loadInitial(t);
    auto rows = batch_(t);
    last_ = t;  // before running: a batch that fails part-way is not applied twice
    auto out = perPartition(sc, "mapWithState", parts_.size(), [&](std::size_t r) {
      std::vector<M> mapped;
      if (rows) applyRecords(r, (*rows)[r], t, mapped);
      if (timeout_) applyTimeouts(r, t, mapped);
      return mapped;
    });
    return sc.fromPartitions(std::move(out));
  }

  void loadInitial(Time t) {
    initialized_ = true;
    if (!initial_.node()) return;
    for (auto& part : partitionRows(initial_, "mapWithState", part_))
      for (auto& [key, state] : part) {
        const std::size_t r = partitionOfKey(key);
        store(parts_[r], std::move(key), std::move(state), t.milliseconds());
      }
  }

  void applyRecords(std::size_t r, std::vector<std::pair<K, V>>& records, Time t, std::vector<M>& mapped) {
    auto& table = parts_[r].table;
    State<S> state;
    for (auto& [key, value] : records) {
      auto it = table.find(key);
      StateAccess::wrap(state, it == table.end() ? std::optional<S>() : std::optional<S>(std::move(it->second.state)));
      emit(mapped, call(t, key, std::optional<V>(std::move(value)), state));
      if (state.isRemoved()) {
        if (it != table.end()) table.erase(it);
      } else if (state.isUpdated() || (state.exists() && timeout_)) {
        store(parts_[r], std::move(key), std::move(*StateAccess::take(state)), t.milliseconds());
      } else if (it != table.end()) {
        it->second.state = std::move(*StateAccess::take(state));  // unchanged: put it back
      }
    }
  }

  /// Spark's rule: keys last updated before batchTime - timeout time out.
  void applyTimeouts(std::size_t r, Time t, std::vector<M>& mapped) {
    auto& [table, touched] = parts_[r];
    const std::int64_t threshold = (t - *timeout_).milliseconds();
    State<S> state;
    while (!touched.empty() && touched.front().first < threshold) {
      auto [time, key] = std::move(touched.front());
      touched.pop_front();
      auto it = table.find(key);
      if (it == table.end() || it->second.updated != time) continue;  // removed, or updated since
      StateAccess::wrapTimingOut(state, std::move(it->second.state));
      emit(mapped, call(t, it->first, std::optional<V>(), state));
      table.erase(it);
    }
  }

  decltype(auto) call(Time t, const K& key, std::optional<V> value, State<S>& state) const {
    if constexpr (Timed)
      return fn_(t, key, std::move(value), state);
    else
      return fn_(key, std::move(value), state);
  }
  template <class R>
  static void emit(std::vector<M>& mapped, R&& result) {
    if constexpr (Timed && EngagedOnly<std::remove_cvref_t<R>>::value) {
      if (result) mapped.push_back(std::move(*result));
    } else {
      mapped.push_back(std::forward<R>(result));
    }
  }

  Batch batch_;
  F fn_;
  P part_;
  RDD<std::pair<K, S>> initial_;  // without a node when there is none
  std::optional<Duration> timeout_;
  std::size_t maxPending_;
  // Touched only on the scheduler thread and, partition by partition, by its tasks.
  std::vector<Partition> parts_;
  std::optional<Time> last_;
  bool initialized_ = false;
};

}  // namespace detail

/// The stream mapWithState returns: the mapped values, and stateSnapshots().
template <class K, class S, class M>
class MapWithStateDStream : public DStream<M> {
 public:
  MapWithStateDStream(std::shared_ptr<DStreamNode<M>> node, std::shared_ptr<detail::StateSnapshots<K, S>> snapshots)
      : DStream<M>(std::move(node)), snapshots_(std::move(snapshots)) {}

  /// Every (key, state) after each batch.
  DStream<std::pair<K, S>> stateSnapshots() const {
    this->graph().checkNotStarted();
    return DStream<std::pair<K, S>>(std::make_shared<FunctionNode<std::pair<K, S>>>(
        this->graph(), this->slideDuration(), std::vector<std::shared_ptr<DStreamBase>>{this->baseNode()},
        [src = snapshots_](Time t) { return src->snapshotAt(t); }));
  }

  /// checkpoint(interval): checkpoint at least this often (the state is always saved
  /// when the context checkpoints); the key and state types must be serialisable.
  DStream<M> checkpoint(Duration interval) const {
    static_assert(Checkpointable<std::pair<K, S>>,
                  "rill: checkpoint(interval) on a mapWithState stream saves its state, so the key and state types "
                  "must be serialisable: give them a serialize function (see rill/core/serialization.hpp)");
    detail::requireCheckpointInterval(interval, this->slideDuration());
    this->graph().checkpoints().requestInterval(interval);
    return *this;
  }

 private:
  std::shared_ptr<detail::StateSnapshots<K, S>> snapshots_;
};

}  // namespace rill
