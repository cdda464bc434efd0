#pragma once
// Nodes built from other RDDs without a shuffle: a fused chain turned into a
// storable RDD, the two unions, a cache, a coalesce.
#include <rill/core/ref.hpp>
#include <rill/rdd/node.hpp>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

namespace rill::detail {

inline constexpr std::size_t kChunkSize = 1024;

/// Collects pushed elements into chunks and hands each full chunk on.
template <class T>
struct ChunkingSink {
  ChunkSink<T>* out;
  std::vector<T> chunk;
  bool stopped = false;
  template <class X>
  bool push(X&& x) {
    chunk.emplace_back(std::forward<X>(x));
    if (chunk.size() < kChunkSize) return true;
    return flush();
  }
  bool flush() {
    // Once the consumer said stop, the chunk it saw must not be handed on again
    // (a producer that calls finish() after a refused push would duplicate it).
    if (stopped) return false;
    if (!chunk.empty() && !out->consume(std::span<const T>(chunk.data(), chunk.size()))) {
      stopped = true;
      return false;
    }
    chunk.clear();
    return true;
  }
  bool finish() { return flush(); }
};

/// A fused chain (any RDD-like value: source plus stages) as a node.
template <class Chain>
class ChainNode final : public RDDNode<typename Chain::value_type> {
  using T = typename Chain::value_type;

 public:
  explicit ChainNode(Chain chain) : chain_(std::move(chain)) {}
  std::size_t numPartitions() const override { return chain_.numPartitions(); }
  bool compute(std::size_t p, ChunkSink<T>& out) const override {
    ChunkingSink<T> sink{&out, {}};
    sink.chunk.reserve(kChunkSize);
    chain_.runPartition(p, sink);
    return !sink.stopped;
  }
  std::size_t owner(std::size_t p, std::size_t ranks) const override { return chain_.owner(p, ranks); }

 private:
  Chain chain_;
};

template <class T>
class UnionNode final : public RDDNode<T> {
 public:
  explicit UnionNode(std::vector<Ref<const RDDNode<T>>> parents)
      : parents_(std::move(parents)) {}
  std::size_t numPartitions() const override {
    std::size_t n = 0;
    for (auto& p : parents_) n += p->numPartitions();
    return n;
  }
  bool compute(std::size_t p, ChunkSink<T>& out) const override {
    for (auto& parent : parents_) {
      if (p < parent->numPartitions()) return parent->compute(p, out);
      p -= parent->numPartitions();
    }
    return true;
  }
  /// Each partition stays where its parent's partition lives.
  std::size_t owner(std::size_t p, std::size_t ranks) const override {
    for (auto& parent : parents_) {
      if (p < parent->numPartitions()) return parent->owner(p, ranks);
      p -= parent->numPartitions();
    }
    return 0;
  }

 private:
  std::vector<Ref<const RDDNode<T>>> parents_;
};

/// Spark's PartitionerAwareUnionRDD: parents with one partitioner (as many
/// partitions each, partition i of each on one rank); partition i is partition i
/// of every parent in turn, so the union keeps their partitioner.
template <class T>
class PartitionwiseUnionNode final : public RDDNode<T> {
 public:
  explicit PartitionwiseUnionNode(std::vector<Ref<const RDDNode<T>>> parents) : parents_(std::move(parents)) {}
  std::size_t numPartitions() const override { return parents_.front()->numPartitions(); }
  bool compute(std::size_t p, ChunkSink<T>& out) const override {
    for (auto& parent : parents_)
      if (!parent->compute(p, out)) return false;
    return true;
  }
  std::size_t owner(std::size_t p, std::size_t ranks) const override { return parents_.front()->owner(p, ranks); }

 private:
  std::vector<Ref<const RDDNode<T>>> parents_;  // at least one
};

/// Materialises each partition of its parent the first time it is computed.
template <class T>
class CachedNode final : public RDDNode<T> {
 public:
  explicit CachedNode(Ref<const RDDNode<T>> parent)
      : parent_(std::move(parent)), slots_(parent_->numPartitions()) {}
  std::size_t numPartitions() const override { return slots_.size(); }
  bool compute(std::size_t p, ChunkSink<T>& out) const override {
    if (!persisted_.load(std::memory_order_acquire)) return parent_->compute(p, out);
    auto& slot = slots_[p];
    if (!slot.ready.load(std::memory_order_acquire)) fill(p, slot);
    return slot.data.empty() || out.consume(std::span<const T>(slot.data.data(), slot.data.size()));
  }
  /// Kept where computed: a rank caches only the partitions it owns.
  std::size_t owner(std::size_t p, std::size_t ranks) const override { return parent_->owner(p, ranks); }
  /// Spark's unpersist: the kept partitions go, and later computes read the parent.
  void unpersist() const {
    persisted_.store(false, std::memory_order_release);
    for (auto& slot : slots_) {
      std::lock_guard lock(slot.m);
      slot.ready.store(false, std::memory_order_relaxed);
      std::vector<T>().swap(slot.data);
    }
  }

 private:
  // A mutex and a flag, not std::call_once: a parent that throws must leave the
  // slot empty for the next action to retry, and call_once after a throwing call
  // deadlocks with libstdc++ under TSan (and on some targets, GCC bug 66146).
  struct Slot {
    std::mutex m;
    std::atomic<bool> ready{false};
    std::vector<T> data;
  };

  void fill(std::size_t p, Slot& slot) const {
    std::lock_guard lock(slot.m);
    if (slot.ready.load(std::memory_order_relaxed)) return;  // another task filled it meanwhile
    AppendChunks<T> collect;
    parent_->compute(p, collect);  // may throw: the slot stays empty
    slot.data = std::move(collect.data);
    slot.ready.store(true, std::memory_order_release);
  }

  Ref<const RDDNode<T>> parent_;
  mutable std::vector<Slot> slots_;
  mutable std::atomic<bool> persisted_{true};
};

/// The parents partition i of coalesce(n) reads: a contiguous run [first, last).
inline std::pair<std::size_t, std::size_t> coalescedRun(std::size_t i, std::size_t parents, std::size_t n) {
  return {sliceBegin(i, parents, n), sliceBegin(i + 1, parents, n)};
}

/// coalesce(n) without a shuffle: partition i reads a contiguous run of parents,
/// on the rank of its first parent (coalesce moves the data first when a run's
/// parents live on several ranks).
template <class T>
class CoalescedNode final : public RDDNode<T> {
 public:
  CoalescedNode(Ref<const RDDNode<T>> parent, std::size_t n)
      : parent_(std::move(parent)), n_(n) {}
  std::size_t numPartitions() const override { return n_; }
  bool compute(std::size_t p, ChunkSink<T>& out) const override {
    const auto [first, last] = coalescedRun(p, parent_->numPartitions(), n_);
    for (std::size_t q = first; q < last; ++q)
      if (!parent_->compute(q, out)) return false;
    return true;
  }
  std::size_t owner(std::size_t p, std::size_t ranks) const override {
    return parent_->owner(coalescedRun(p, parent_->numPartitions(), n_).first, ranks);
  }

 private:
  Ref<const RDDNode<T>> parent_;
  std::size_t n_;
};

}  // namespace rill::detail
