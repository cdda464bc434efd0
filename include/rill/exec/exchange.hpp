#pragma once
// The shuffle's data movement, behind one small interface: every map task has
// cut its output into one bucket per target partition; the exchange hands each
// target partition all buckets addressed to it. In one process that is a move;
// a distributed exchange (MPI alltoallv over serialised buckets) replaces this
// class without touching the operations that build the buckets.
#include <rill/exec/executor.hpp>

#include <cstddef>
#include <utility>
#include <vector>

namespace rill::exec {

/// buckets[m][r]: what map task m sends to reduce partition r.
template <class T>
using Buckets = std::vector<std::vector<std::vector<T>>>;

class LocalExchange {
 public:
  /// Returns, for each reduce partition r, the buckets addressed to it in map
  /// order (incoming[r][m]), consuming `buckets`.
  template <class T>
  static std::vector<std::vector<std::vector<T>>> exchange(Buckets<T>&& buckets,
                                                           std::size_t numReduce) {
    std::vector<std::vector<std::vector<T>>> incoming(numReduce);
    for (auto& row : incoming) row.reserve(buckets.size());
    for (auto& fromMap : buckets)
      for (std::size_t r = 0; r < numReduce; ++r) incoming[r].push_back(std::move(fromMap[r]));
    buckets.clear();
    return incoming;
  }
};

}  // namespace rill::exec
