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
//
// A call that throws fails its batch and changes nothing of its key: that
// record and every later one its task had not applied wait, and the next
// batch's tasks apply them first, at that batch's time (Spark instead
// recomputes the failed batch from the state before it). The records before
// it stay applied, so each record changes the state once. As for
// updateStateByKey, more than rill.streaming.state.maxPendingBatches failed
// batches in a row stop the stream (state_limits.hpp).
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
class MapWithStateNode final : public SelfCheckpointingNode<M>, public StateSnapshots<K, S>, public KeyedState {
  using Hash = hasher_of_t<P>;
  struct Entry {
    S state;
    std::int64_t updated;  // batch time (ms) of the last update, for timeouts
  };
  using Table = std::unordered_map<K, Entry, Hash, std::equal_to<>>;
  struct Partition {
    Table table;
    std::deque<std::pair<std::int64_t, K>> touched;  // (time, key) in time order; only with a timeout
    std::vector<std::pair<K, V>> pending;             // records not yet applied, in order
  };
  using Saved = std::tuple<std::optional<std::int64_t>, bool, std::vector<std::vector<std::tuple<K, S, std::int64_t>>>>;

 public:
  using Batch = std::function<std::optional<std::vector<std::vector<std::pair<K, V>>>>(Time)>;

  MapWithStateNode(DStreamGraph& graph, Duration slide, std::shared_ptr<DStreamBase> parent, Batch batch, F fn, P part,
                   RDD<std::pair<K, S>> initial /* without a node: none */, std::optional<Duration> timeout)
      : SelfCheckpointingNode<M>(graph, slide, {std::move(parent)}),
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
    if (stopped_) throw SparkException(*stopped_);
    if (failedAt_ == t) return applyPending(t);  // asked again after failing: its records wait already
    if (last_ && t <= *last_)
      throw SparkException("rill: mapWithState: the batch at " + t.toString() + " was already applied to the state");
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
      parts.push_back(Partition{Table(0, hash), {}, {}});
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
    if (it != part.table.end()) {
      it->second.state = std::move(state);
      touch(part, it, updated);
      return;
    }
    it = part.table.emplace(std::move(key), Entry{std::move(state), updated}).first;
    if (timeout_) part.touched.emplace_back(updated, it->first);
  }
  /// The key at `it` was updated or had data at `updated`: with a timeout, its idle time starts again.
  void touch(Partition& part, typename Table::iterator it, std::int64_t updated) const {
    if (it->second.updated == updated) return;
    it->second.updated = updated;
    if (timeout_) part.touched.emplace_back(updated, it->first);
  }

  /// Batch t: its records join those a failed batch left, and all are applied.
  RDD<M> apply(Time t) {
    if (!initialized_) loadInitial(t);
    if (auto rows = batch_(t)) {  // a failure here takes nothing
      for (std::size_t r = 0; r < parts_.size(); ++r) {
        auto& pending = parts_[r].pending;
        if (pending.empty()) pending = std::move((*rows)[r]);
        else std::move((*rows)[r].begin(), (*rows)[r].end(), std::back_inserter(pending));
      }
    }
    last_ = t;
    return applyPending(t);
  }

  /// Applies every waiting record at time t, then the timeouts; each partition's
  /// task counts what it applied, so a failure keeps exactly the rest.
  RDD<M> applyPending(Time t) {
    auto& sc = this->graph().sparkContext();
    std::vector<std::size_t> applied(parts_.size(), 0);
    try {
      auto out = perPartition(sc, "mapWithState", parts_.size(), [&](std::size_t r) {
        std::vector<M> mapped;
        applyRecords(r, t, applied[r], mapped);
        if (timeout_) applyTimeouts(r, t, mapped);
        return mapped;
      });
      dropPending();
      failedAt_.reset();
      failedBatches_ = 0;
      return sc.fromPartitions(std::move(out));
    } catch (...) {
      keepPending(applied, t);
      throw;
    }
  }

  /// Forgets every waiting record and gives their memory back: on the normal
  /// path they are the whole batch's input.
  void dropPending() {
    for (auto& part : parts_) std::vector<std::pair<K, V>>().swap(part.pending);
  }

  /// After a failed batch: drops the records that were applied, and stops the
  /// stream when more batches failed in a row than the setting allows. Every rank
  /// counts the same batches, as a failure fails the batch on every rank.
  void keepPending(const std::vector<std::size_t>& applied, Time t) {
    for (std::size_t r = 0; r < parts_.size(); ++r) {
      auto& pending = parts_[r].pending;
      pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(applied[r]));
    }
    if (failedAt_ != t) ++failedBatches_;
    failedAt_ = t;
    if (failedBatches_ <= maxPending_) return;
    stopped_ = tooManyFailedStateBatches("mapWithState", failedBatches_, t, maxPending_);
    dropPending();
    throw SparkException(*stopped_);
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

  /// Applies partition r's waiting records from `applied` on, counting them. The
  /// function gets a copy of each value: a call that throws leaves the record whole.
  void applyRecords(std::size_t r, Time t, std::size_t& applied, std::vector<M>& mapped) {
    auto& part = parts_[r];
    State<S> state;
    for (; applied < part.pending.size(); ++applied) {
      auto& [key, value] = part.pending[applied];
      auto it = part.table.find(key);
      StateAccess::wrap(state, it == part.table.end() ? nullptr : &it->second.state);
      emit(mapped, call(t, key, std::optional<V>(std::as_const(value)), state));
      if (state.isRemoved()) {
        if (it != part.table.end()) part.table.erase(it);
      } else if (state.isUpdated()) {
        store(part, std::move(key), StateAccess::takeUpdated(state), t.milliseconds());
      } else if (it != part.table.end() && timeout_) {
        touch(part, it, t.milliseconds());
      }
    }
  }

  /// Spark's rule: keys last updated before batchTime - timeout time out.
  void applyTimeouts(std::size_t r, Time t, std::vector<M>& mapped) {
    auto& table = parts_[r].table;
    auto& touched = parts_[r].touched;
    const std::int64_t threshold = (t - *timeout_).milliseconds();
    State<S> state;
    while (!touched.empty() && touched.front().first < threshold) {
      auto it = table.find(touched.front().second);
      if (it != table.end() && it->second.updated == touched.front().first) {  // not removed or updated since
        StateAccess::wrapTimingOut(state, it->second.state);
        emit(mapped, call(t, it->first, std::optional<V>(), state));  // throws: the key times out next batch
        table.erase(it);
      }
      touched.pop_front();
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
  std::optional<Time> failedAt_;      // the batch that failed last, while its records wait
  std::size_t failedBatches_ = 0;     // failed batches in a row
  std::optional<std::string> stopped_;  // why the stream stopped
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
