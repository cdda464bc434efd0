#pragma once
// The storable side of an RDD: a node computes one partition and hands it on
// in chunks. This is the one place where types are erased — one virtual call
// per chunk of elements, never per element — so RDD<T> can be named, stored
// and passed around while the chains built on it still fuse.
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/core/ref.hpp>
#include <rill/core/runtime.hpp>

#include <cstddef>
#include <iterator>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

/// Receives a partition chunk by chunk; returns false to stop early.
template <class T>
class ChunkSink {
 public:
  virtual bool consume(std::span<const T> chunk) = 0;

 protected:
  ~ChunkSink() = default;
};

namespace detail {
/// A ChunkSink that copies a whole partition into `data`.
template <class T>
struct AppendChunks final : ChunkSink<T> {
  std::vector<T> data;
  bool consume(std::span<const T> chunk) override {
    data.insert(data.end(), chunk.begin(), chunk.end());
    return true;
  }
};
}  // namespace detail

template <class T>
class RDDNode : public RefCounted {
 public:
  using value_type = T;
  virtual ~RDDNode() = default;
  virtual std::size_t numPartitions() const = 0;
  /// Pushes partition `p` into `out`; false when `out` asked to stop.
  virtual bool compute(std::size_t p, ChunkSink<T>& out) const = 0;
  /// The rank whose tasks compute partition `p` when the job runs on `ranks`
  /// ranks: by default the block placement (blockOwner), as sources and shuffle
  /// outputs are placed; nodes built on others say where their parents live.
  virtual std::size_t owner(std::size_t p, std::size_t ranks) const;
};

/// Splits `n` items into `slices` contiguous ranges the way Spark slices a
/// collection: slice i covers [i*n/slices, (i+1)*n/slices).
inline std::size_t sliceBegin(std::size_t i, std::size_t n, std::size_t slices) {
  return static_cast<std::size_t>((static_cast<unsigned __int128>(i) * n) / slices);
}

/// The rank owning partition p of n spread over `ranks` in blocks: rank r owns
/// [sliceBegin(r, n, ranks), sliceBegin(r + 1, n, ranks)), the largest r whose
/// block starts at or before p.
inline std::size_t blockOwner(std::size_t p, std::size_t n, std::size_t ranks) {
  return static_cast<std::size_t>(((static_cast<unsigned __int128>(p) + 1) * ranks - 1) / n);
}

/// The partitions [first, last) that `rank` owns of n spread over `ranks` in
/// blocks (blockOwner's inverse).
struct Block {
  std::size_t first, last;
};
inline Block ownedBlock(std::size_t rank, std::size_t n, std::size_t ranks) {
  return {sliceBegin(rank, n, ranks), sliceBegin(rank + 1, n, ranks)};
}

template <class T>
std::size_t RDDNode<T>::owner(std::size_t p, std::size_t ranks) const {
  return blockOwner(p, numPartitions(), ranks);
}

namespace detail {
/// The error of computing a slice of a parallelized collection on a rank that
/// does not hold it (RDDs of sc.parallelize keep each rank's own slices only).
[[noreturn]] RILL_RUNTIME void throwSliceElsewhere(std::size_t p, std::size_t first, std::size_t last);

/// The base of the nodes that keep elements in a std::vector.
template <class T>
struct StorableElement {
  static_assert(!std::is_same_v<T, bool>,
                "rill: an RDD of bool cannot be stored (std::vector<bool> has no contiguous storage); "
                "map the elements to char or int");
};
}  // namespace detail

/// Partitions held in memory: shuffle output and what fromPartitions is given
/// (stream batches, restored checkpoints). cache() keeps its own in CachedNode.
template <class T>
class StoredNode final : public RDDNode<T>, detail::StorableElement<T> {
 public:
  using Partitions = std::vector<std::vector<T>>;
  // The node owns its partitions: RDDs share the node, not the partitions.
  explicit StoredNode(Partitions parts) : parts_(std::move(parts)) {}

  std::size_t numPartitions() const override { return parts_.size(); }
  bool compute(std::size_t p, ChunkSink<T>& out) const override {
    const auto& part = parts_[p];
    return part.empty() || out.consume(std::span<const T>(part.data(), part.size()));
  }
  const Partitions& partitions() const { return parts_; }

 private:
  Partitions parts_;
};

/// One vector cut into `slices` contiguous partitions (sliceBegin), where
/// parallelize and a receiver's batch put their elements: nothing is moved to
/// cut it.
template <class T>
class SlicedNode final : public RDDNode<T>, detail::StorableElement<T> {
 public:
  SlicedNode(std::vector<T> all, std::size_t slices) : SlicedNode(std::move(all), slices, 0, slices) {}
  /// Keeps only the elements of slices [first, last), the only ones ever
  /// computed here (a rank's own slices of a collection every rank holds).
  SlicedNode(std::vector<T> all, std::size_t slices, std::size_t first, std::size_t last)
      : total_(all.size()),
        offset_(sliceBegin(first, total_, slices)),
        slices_(slices),
        first_(first),
        last_(last) {
    const std::size_t end = sliceBegin(last, total_, slices);
    if (offset_ == 0 && end == total_) {
      kept_ = std::move(all);
    } else {  // a copy of the kept range, so the rest's memory goes now
      const auto at = [&](std::size_t i) { return std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(i)); };
      kept_.assign(at(offset_), at(end));
    }
  }

  std::size_t numPartitions() const override { return slices_; }
  bool compute(std::size_t p, ChunkSink<T>& out) const override {
    if (p < first_ || p >= last_) detail::throwSliceElsewhere(p, first_, last_);
    const std::size_t b = sliceBegin(p, total_, slices_);
    const std::size_t e = sliceBegin(p + 1, total_, slices_);
    return b == e || out.consume(std::span<const T>(kept_.data() + (b - offset_), e - b));
  }
  /// Elements in all partitions.
  std::size_t size() const { return total_; }

 private:
  std::size_t total_, offset_, slices_;
  std::size_t first_, last_;  // the slices kept here
  std::vector<T> kept_;
};

/// A node as RDD<T> holds it: a Ref (core/ref.hpp) of its base, shared by every
/// RDD and chain built on it.
template <class Node, class... Args>
Ref<const RDDNode<typename Node::value_type>> makeNode(Args&&... args) {
  return Ref<const RDDNode<typename Node::value_type>>(new Node(std::forward<Args>(args)...));
}

#if RILL_RUNTIME_BODIES

[[noreturn]] RILL_RUNTIME void detail::throwSliceElsewhere(std::size_t p, std::size_t first, std::size_t last) {
  throw SparkException(
      message({"rill: partition ", p, " of a parallelized collection is computed on a rank that holds only its ",
               "partitions [", first, ", ", last, "): with several ranks, sc.parallelize keeps each rank's own ",
               "partitions; an RDD that one rank computes alone (a queueStream's, on rank 0) is made with ",
               "sc.fromSlices or sc.fromPartitions"}));
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
