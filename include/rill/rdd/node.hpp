#pragma once
// The storable side of an RDD: a node computes one partition and hands it on
// in chunks. This is the one place where types are erased — one virtual call
// per chunk of elements, never per element — so RDD<T> can be named, stored
// and passed around while the chains built on it still fuse.
#include <rill/core/memory.hpp>

#include <cstddef>
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

template <class T>
class RDDNode {
 public:
  using value_type = T;
  virtual ~RDDNode() = default;
  virtual std::size_t numPartitions() const = 0;
  /// Pushes partition `p` into `out`; false when `out` asked to stop.
  virtual bool compute(std::size_t p, ChunkSink<T>& out) const = 0;
};

/// Partitions held in memory: parallelize, shuffle output, cached data, batches.
template <class T>
class StoredNode final : public RDDNode<T> {
  static_assert(!std::is_same_v<T, bool>,
                "rill: an RDD of bool cannot be stored (std::vector<bool> has no contiguous storage); "
                "map the elements to char or int");

 public:
  using Partitions = std::vector<std::vector<T>>;
  // The node owns its partitions (RDDs share the node, not the partitions): a
  // shared_ptr here would be one more control block type per element type.
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

/// A node as RDD<T> holds it. Built with `new` straight into the shared_ptr of
/// its base rather than with make_shared<Node>: each make_shared<X> instantiates
/// an allocator-aware control block for X and then a conversion to the base, and
/// every program pays that compile time again for each element type it uses.
template <class Node, class... Args>
std::shared_ptr<const RDDNode<typename Node::value_type>> makeNode(Args&&... args) {
  return std::shared_ptr<const RDDNode<typename Node::value_type>>(new Node(std::forward<Args>(args)...));
}

/// Splits `n` items into `slices` contiguous ranges the way Spark slices a
/// collection: slice i covers [i*n/slices, (i+1)*n/slices).
inline std::size_t sliceBegin(std::size_t i, std::size_t n, std::size_t slices) {
  return static_cast<std::size_t>((static_cast<unsigned __int128>(i) * n) / slices);
}

}  // namespace rill
