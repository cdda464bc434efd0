#pragma once
// What a stream keeps per batch time (its generated RDDs, the batches an input
// has cut): few entries, added mostly in time order and dropped from the old
// end, which a vector sorted by time does with one allocation.
#include <rill/stream/time.hpp>

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace rill::detail {

template <class V>
class ByTime {
 public:
  using value_type = std::pair<Time, V>;

  V* find(Time t) {
    auto it = lowerBound(t);
    return it != entries_.end() && it->first == t ? &it->second : nullptr;
  }
  void insertOrAssign(Time t, V v) {
    // Room for a few batches at once, so a stream in its steady state (one batch
    // in, one out) allocates nothing per batch after its first.
    if (entries_.capacity() == 0) entries_.reserve(8);
    auto it = lowerBound(t);
    if (it != entries_.end() && it->first == t)
      it->second = std::move(v);
    else
      entries_.emplace(it, t, std::move(v));
  }
  void erase(Time t) {
    auto it = lowerBound(t);
    if (it != entries_.end() && it->first == t) entries_.erase(it);
  }
  /// Drops every entry before t.
  void eraseBefore(Time t) { entries_.erase(entries_.begin(), lowerBound(t)); }

  std::size_t size() const { return entries_.size(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  typename std::vector<value_type>::iterator lowerBound(Time t) {
    return std::lower_bound(entries_.begin(), entries_.end(), t,
                            [](const value_type& e, Time u) { return e.first < u; });
  }
  std::vector<value_type> entries_;  // by time, ascending
};

}  // namespace rill::detail
