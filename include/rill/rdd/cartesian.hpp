#pragma once
// cartesian: partition (i, j) of the result pairs every element of partition
// i of the left RDD with every element of partition j of the right, as
// Spark's CartesianRDD. Computed lazily, chunk by chunk (the product can be far
// larger than either side); the right partition is read once per output
// partition and held while the left one streams past it. With several ranks
// the right side is first gathered on every rank, and partition (i, j) runs
// where left partition i lives.
#include <rill/core/ref.hpp>
#include <rill/rdd/derived_nodes.hpp>
#include <rill/rdd/node.hpp>

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace rill::detail {

template <class T, class U>
class CartesianNode final : public RDDNode<std::pair<T, U>> {
 public:
  CartesianNode(Ref<const RDDNode<T>> left, Ref<const RDDNode<U>> right)
      : left_(std::move(left)), right_(std::move(right)) {}

  std::size_t numPartitions() const override { return left_->numPartitions() * right_->numPartitions(); }

  bool compute(std::size_t p, ChunkSink<std::pair<T, U>>& out) const override {
    AppendChunks<U> right;
    right_->compute(p % right_->numPartitions(), right);
    struct Pairing final : ChunkSink<T> {
      const std::vector<U>* right;
      ChunkingSink<std::pair<T, U>> sink;
      bool consume(std::span<const T> chunk) override {
        for (const T& a : chunk)
          for (const U& b : *right)
            if (!sink.push(std::pair<T, U>(a, b))) return false;
        return true;
      }
    } pairing;
    pairing.right = &right.data;
    pairing.sink.out = &out;
    pairing.sink.chunk.reserve(kChunkSize);
    return left_->compute(p / right_->numPartitions(), pairing) && pairing.sink.finish();
  }
  /// Where the left partition lives (with several ranks, the right side is on every rank).
  std::size_t owner(std::size_t p, std::size_t ranks) const override {
    return left_->owner(p / right_->numPartitions(), ranks);
  }

 private:
  Ref<const RDDNode<T>> left_;
  Ref<const RDDNode<U>> right_;
};

}  // namespace rill::detail
