#pragma once
// The accumulating types of Spark's built-in accumulators: LongAccumulator and
// DoubleAccumulator (a sum and a count) and CollectionAccumulator (a list of
// every element added).
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace rill {

/// A sum and the number of values added, of type N.
template <class N>
class SumAndCount {
 public:
  void add(N v) {
    sum_ += v;
    ++count_;
  }
  void merge(const SumAndCount& other) {
    sum_ += other.sum_;
    count_ += other.count_;
  }
  void reset() { *this = SumAndCount(); }
  N value() const { return sum_; }
  N sum() const { return sum_; }
  std::int64_t count() const { return count_; }
  double avg() const {
    if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
    return static_cast<double>(sum_) / static_cast<double>(count_);
  }

 private:
  N sum_{};
  std::int64_t count_ = 0;
};

/// What sc.longAccumulator() sums.
using LongCounter = SumAndCount<std::int64_t>;
/// What sc.doubleAccumulator() sums.
using DoubleCounter = SumAndCount<double>;

/// What sc.collectionAccumulator<T>() collects: every element added, each task's
/// in the order it added them, tasks in the order they finished.
template <class T>
class ElementList {
 public:
  void add(T x) { items_.push_back(std::move(x)); }
  void merge(const ElementList& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }
  void reset() { items_.clear(); }
  const std::vector<T>& value() const { return items_; }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(items_);
  }

 private:
  std::vector<T> items_;
};

}  // namespace rill
