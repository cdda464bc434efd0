#pragma once
// The storable side of a DStream: a node makes at most one RDD per batch time
// and remembers it for as long as a window downstream may ask for it again.
// Types are erased here, once per batch — never per element.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/rdd/rdd.hpp>
#include <rill/stream/by_time.hpp>
#include <rill/stream/time.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace rill {

class DStreamGraph;

class DStreamBase {
 public:
  DStreamBase(DStreamGraph& graph, Duration slide, std::vector<std::shared_ptr<DStreamBase>> parents)
      : graph_(&graph), slide_(slide), parents_(std::move(parents)) {}
  virtual ~DStreamBase() = default;

  DStreamGraph& graph() const { return *graph_; }
  Duration slideDuration() const { return slide_; }
  const std::vector<std::shared_ptr<DStreamBase>>& parents() const { return parents_; }
  std::optional<Time> zeroTime() const { return zeroTime_; }

  /// A stream makes an RDD only at times after its start that fall on its slide.
  bool isTimeValid(Time t) const {
    return zeroTime_ && t > *zeroTime_ && isMultipleOf(t - *zeroTime_, slide_);
  }

  /// Sets the zero time (one batch before the first) on this stream and its parents.
  /// Every stream keeps at least its last batch (Spark's default remember duration).
  void initialize(Time zero);
  /// How far back generated RDDs must be kept (a window asks its parent for its length).
  void remember(Duration d);
  Duration rememberDuration() const { return rememberDuration_; }
  /// Forgets RDDs older than the remember duration; parents likewise.
  void clearMetadata(Time now);

 protected:
  /// What this stream needs its parents to remember (a window: its length).
  virtual Duration parentRememberDuration() const { return rememberDuration_; }
  virtual void forgetBefore(Time) = 0;

 private:
  DStreamGraph* graph_;
  Duration slide_;
  std::vector<std::shared_ptr<DStreamBase>> parents_;
  std::optional<Time> zeroTime_;
  Duration rememberDuration_{0};
};

template <class T>
class DStreamNode : public DStreamBase {
 public:
  using DStreamBase::DStreamBase;
  using value_type = T;

  /// The RDD of batch `t`, computed once; nullopt when this stream has none at t.
  std::optional<RDD<T>> getOrCompute(Time t) {
    std::lock_guard lock(mutex_);
    if (auto* rdd = generated_.find(t)) return *rdd;
    if (!this->isTimeValid(t)) return std::nullopt;
    auto rdd = compute(t);
    if (rdd && cached_) rdd = rdd->cache();
    if (rdd) generated_.insertOrAssign(t, *rdd);
    return rdd;
  }

  /// The RDDs at the valid times in [from, to] (Spark's slice), computing those
  /// not generated yet. Times off the slide's grid are floored onto it, as Spark
  /// does (so an unaligned `from` takes in the batch before it); times up to the
  /// zero time have no RDD.
  std::vector<RDD<T>> slice(Time from, Time to) {
    const auto zero = this->zeroTime();
    if (!zero) throw SparkException("rill: slice() on a DStream that has not been initialized");
    const Duration slide = this->slideDuration();
    // Truncating division, as Spark's Time.floor; times before the zero time are skipped anyway.
    auto floor = [&](Time t) { return *zero + (t - *zero) / slide.count() * slide.count(); };
    std::vector<RDD<T>> out;
    for (Time t = floor(from); t <= floor(to); t = t + slide)
      if (t > *zero)
        if (auto r = getOrCompute(t)) out.push_back(std::move(*r));
    return out;
  }

  void setCached() { cached_ = true; }
  /// Stores an RDD for time t (checkpoint recovery restores state this way).
  void restore(Time t, RDD<T> rdd) {
    std::lock_guard lock(mutex_);
    generated_.insertOrAssign(t, std::move(rdd));
  }
  /// (time, RDD) by time.
  detail::ByTime<RDD<T>> generatedRDDs() const {
    std::lock_guard lock(mutex_);
    return generated_;
  }
  /// The time of the newest RDD generated or restored (nullopt: none), read
  /// without copying them all as generatedRDDs() does.
  std::optional<Time> newestGeneratedTime() const {
    std::lock_guard lock(mutex_);
    if (generated_.size() == 0) return std::nullopt;
    return (generated_.end() - 1)->first;
  }

 protected:
  virtual std::optional<RDD<T>> compute(Time t) = 0;
  void forgetBefore(Time limit) override {
    std::lock_guard lock(mutex_);
    generated_.eraseBefore(limit + Duration(1));
  }

 private:
  mutable std::mutex mutex_;
  detail::ByTime<RDD<T>> generated_;
  bool cached_ = false;
};

/// A node whose batch RDD is a function of time (and of its parents, which the
/// function reads): the per-batch transformations of derive.hpp and
/// stateSnapshots(); windows and state have nodes of their own.
template <class T>
class FunctionNode final : public DStreamNode<T> {
 public:
  using Fn = std::function<std::optional<RDD<T>>(Time)>;
  FunctionNode(DStreamGraph& graph, Duration slide, std::vector<std::shared_ptr<DStreamBase>> parents, Fn fn)
      : DStreamNode<T>(graph, slide, std::move(parents)), fn_(std::move(fn)) {}

 protected:
  std::optional<RDD<T>> compute(Time t) override { return fn_(t); }

 private:
  Fn fn_;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void DStreamBase::initialize(Time zero) {
  if (zeroTime_ == zero) return;
  zeroTime_ = zero;
  rememberDuration_ = std::max(rememberDuration_, slide_);
  for (auto& p : parents_) p->initialize(zero);
}

RILL_RUNTIME void DStreamBase::remember(Duration d) {
  rememberDuration_ = std::max(rememberDuration_, d);
  for (auto& p : parents_) p->remember(parentRememberDuration());
}

RILL_RUNTIME void DStreamBase::clearMetadata(Time now) {
  forgetBefore(now - rememberDuration_);
  for (auto& p : parents_) p->clearMetadata(now);
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
