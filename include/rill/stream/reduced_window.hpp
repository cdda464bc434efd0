#pragma once
// reduceByKeyAndWindow with an inverse function (Spark's ReducedWindowedDStream):
// each window is the previous window's result with the batches that left
// inverse-reduced out and the batches that entered reduced in, so a slide costs
// the same however long the window is. Per-batch values are reduced first
// (reduceByKey with the stream's partitioner), and every RDD involved shares
// that partitioner, so the merge runs partition by partition with no shuffle.
//
// As in Spark, a key whose values all left stays, with the value invF(x, x)
// (0 for +/-), unless filterFunc removes it; what filterFunc removes is also
// forgotten for the next window.
#include <rill/core/serialization.hpp>
#include <rill/core/type_name.hpp>
#include <rill/rdd/hash_table.hpp>
#include <rill/stream/checkpoint_streams.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/state_limits.hpp>
#include <rill/stream/window_keyed.hpp>

#include <algorithm>
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

/// reduceByKeyAndWindow's filterFunc when none is given (Spark's null).
struct NoFilter {};

template <class K, class V, class F, class G, class Filter, class P>
class ReducedWindowNode final : public DStreamNode<std::pair<K, V>>, public CheckpointParticipant {
  using Row = std::pair<K, V>;
  using Hash = hasher_of_t<P>;

 public:
  ReducedWindowNode(std::shared_ptr<DStreamNode<Row>> reduced, Duration window, Duration slide, F f, G invF,
                    Filter filter, P part)
      : DStreamNode<Row>(reduced->graph(), slide, {reduced}),
        reduced_(std::move(reduced)),
        window_(window),
        f_(std::move(f)),
        invF_(std::move(invF)),
        filter_(std::move(filter)),
        part_(std::move(part)),
        maxPending_(maxPendingStateBatches(this->graph().sparkContext().getConf())) {}

  std::string describe() const override {
    return "the previous window of reduceByKeyAndWindow (" + typeName<Row>() + ")";
  }
  std::optional<std::string> unsupportedReason() const override { return unsupportedTypes<K, V>(describe()); }
  std::string save(Time) const override {
    if constexpr (Checkpointable<Row>) {
      std::optional<std::pair<std::int64_t, std::vector<std::vector<Row>>>> saved;
      if (auto last = lastWindow()) saved.emplace(last->first.milliseconds(), savedPartitions(last->second));
      return toBytes(saved);
    } else {
      throwUnsupported(unsupportedReason());
    }
  }
  std::function<void()> prepareRestore(std::string_view bytes, const CheckpointTimes& times) override {
    if constexpr (Checkpointable<Row>) {
      auto saved = fromBytes<std::optional<std::pair<std::int64_t, std::vector<std::vector<Row>>>>>(bytes);
      if (!saved) return [] {};
      const Time t(saved->first);
      checkSavedTime(t, times, this->slideDuration(), SavedTime::batch, describe());
      // The restart makes every window between it and the checkpoint's batch.
      checkRestoredStateLag(t, times, this->slideDuration(), maxPending_, describe());
      auto& sc = this->graph().sparkContext();
      auto rdd = restoredKeyedRDD(sc, std::move(saved->second), part_);
      return [this, t, rdd = std::move(rdd)] {
        std::lock_guard lock(lastMutex_);
        last_.emplace(t, rdd);
      };
    } else {
      throwUnsupported(unsupportedReason());
    }
  }

 protected:
  std::optional<RDD<Row>> compute(Time t) override {
    // The current window holds the batches in (t - window, t], the previous one
    // those a slide earlier: what is only in the previous one leaves, what is
    // only in the current one enters. For slide <= window these are Spark's
    // intervals. For a slide longer than the window Spark subtracts and adds
    // the batches between two windows as well, and so counts them for keys new
    // to a window; rill leaves them out (they are in no window).
    const Duration ps = reduced_->slideDuration();
    const Duration slide = this->slideDuration();
    auto leaving = reduced_->slice(t - slide - window_ + ps, std::min(t - slide, t - window_));
    auto entering = reduced_->slice(std::max(t - slide, t - window_) + ps, t);
    std::vector<RDD<Row>> inputs;
    inputs.reserve(1 + leaving.size() + entering.size());
    inputs.push_back(previousWindow(t));
    inputs.insert(inputs.end(), leaving.begin(), leaving.end());
    inputs.insert(inputs.end(), entering.begin(), entering.end());
    const std::size_t numLeaving = leaving.size();
    auto out = mergeAligned(this->graph().sparkContext(), "reduceByKeyAndWindow", part_, std::move(inputs),
                            [&](std::size_t, std::vector<std::vector<Row>>& in) { return merge(in, numLeaving); });
    std::lock_guard lock(lastMutex_);
    last_.emplace(t, out);
    return out;
  }
  Duration parentRememberDuration() const override { return this->rememberDuration() + window_; }

 private:
  // What one key has in the previous window, in the batches leaving and in those entering.
  struct Slot {
    std::optional<V> previous, leaving, entering;
  };

  std::optional<std::pair<Time, RDD<Row>>> lastWindow() const {
    std::lock_guard lock(lastMutex_);
    return last_;
  }

  /// This stream's RDD a slide before t: empty before the stream's start.
  RDD<Row> previousWindow(Time t) {
    const Duration slide = this->slideDuration();
    const Time previous = t - slide;
    auto last = lastWindow();
    if (last && last->first == previous) return last->second;
    if (!this->isTimeValid(previous)) return this->graph().sparkContext().template emptyRDD<Row>();
    // Nothing asked for the windows since the last one made (a consumer that
    // skips slides, or a restored window): make them now, oldest first, in a
    // loop (not one nested call per window). Not through getOrCompute, which
    // holds this node's lock.
    Time from = *this->zeroTime() + slide;
    if (last && last->first < previous) from = last->first + slide;
    for (Time u = from; u < previous; u = u + slide) compute(u);
    return *compute(previous);
  }

  std::vector<Row> merge(std::vector<std::vector<Row>>& in, std::size_t numLeaving) const {
    FlatMap<K, Slot, Hash> table(hasherFrom<Hash>(part_));
    auto fold = [&](std::vector<Row>& rows, std::optional<V> Slot::*member) {
      for (auto& row : rows) {
        auto add = [&](Slot& slot) {
          auto& acc = slot.*member;
          acc = acc ? V(f_(std::move(*acc), std::move(row.second))) : std::move(row.second);
        };
        table.upsert(
            std::move(row.first),
            [&] {
              Slot slot;
              add(slot);
              return slot;
            },
            add);
      }
    };
    fold(in[0], &Slot::previous);
    for (std::size_t i = 1; i <= numLeaving; ++i) fold(in[i], &Slot::leaving);
    for (std::size_t i = numLeaving + 1; i < in.size(); ++i) fold(in[i], &Slot::entering);

    std::vector<Row> out;
    out.reserve(table.size());
    for (auto& [key, slot] : table.entries()) {
      auto value = windowValue(slot);
      if (!value) continue;
      Row row(std::move(key), std::move(*value));
      if constexpr (!std::is_same_v<Filter, NoFilter>)
        if (!filter_(std::as_const(row))) continue;
      out.push_back(std::move(row));
    }
    return out;
  }

  /// Spark's mergeValues. A key with no previous value and nothing entering
  /// (possible only after filterFunc dropped it) is not in the window; Spark
  /// throws there instead.
  std::optional<V> windowValue(Slot& slot) const {
    if (!slot.previous) return std::move(slot.entering);
    V value = std::move(*slot.previous);
    if (slot.leaving) value = V(invF_(std::move(value), std::move(*slot.leaving)));
    if (slot.entering) value = V(f_(std::move(value), std::move(*slot.entering)));
    return value;
  }

  std::shared_ptr<DStreamNode<Row>> reduced_;
  Duration window_;
  F f_;
  G invF_;
  [[no_unique_address]] Filter filter_;
  P part_;
  std::size_t maxPending_;  // how far behind its checkpoint a restored window may be
  mutable std::mutex lastMutex_;
  std::optional<std::pair<Time, RDD<Row>>> last_;  // guarded by lastMutex_
};

}  // namespace rill::detail
