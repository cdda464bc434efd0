#pragma once
// The shuffle's data movement, behind one small interface: every map task has
// cut its output into one bucket per target partition; the exchange hands each
// target partition all buckets addressed to it. In one process that is a move;
// a distributed exchange (MPI alltoallv over serialised buckets) replaces this
// class without touching the operations that build the buckets.
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace rill::exec {

/// rows x cols buckets in one flat vector. The map side of a shuffle fills row m
/// with what map task m sends to each reduce partition; the exchange returns the
/// transpose, whose row r holds what each map task sent to r, in map order.
template <class T>
class BucketGrid {
 public:
  BucketGrid(std::size_t rows, std::size_t cols) : rows_(rows), cols_(cols), cells_(rows * cols) {}

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::span<std::vector<T>> row(std::size_t i) { return {cells_.data() + i * cols_, cols_}; }

 private:
  std::size_t rows_;
  std::size_t cols_;
  std::vector<std::vector<T>> cells_;
};

class LocalExchange {
 public:
  /// Consumes the map side's grid (row m: map task m's bucket per reduce
  /// partition) and returns one row per reduce partition (row r: the buckets
  /// addressed to r, in map order).
  template <class T>
  static BucketGrid<T> exchange(BucketGrid<T>&& fromMaps) {
    BucketGrid<T> toReduce(fromMaps.cols(), fromMaps.rows());
    for (std::size_t m = 0; m < fromMaps.rows(); ++m)
      for (std::size_t r = 0; r < fromMaps.cols(); ++r) toReduce.row(r)[m] = std::move(fromMaps.row(m)[r]);
    return toReduce;
  }
};

}  // namespace rill::exec
