#pragma once
// Accumulator<A>: Spark's AccumulatorV2, a value tasks add to and the driver
// reads. A is the accumulating type: the built-in LongCounter, DoubleCounter
// and ElementList<T> (accumulator_types.hpp), or a user type with
//   void add(x)                 what tasks add (any argument types)
//   void merge(const A& other)  adds another copy's updates
//   void reset()                makes it zero (Spark's reset)
//   value() const               what value() returns
// registered with sc.registerAccumulator(A, name). Each task adds into its own
// copy (task_accumulators.hpp), merged once when the task succeeds; the handle
// is cheap to copy into tasks' functions, and add() from several threads at
// once is safe. Across ranks A travels as values do (exec/wire.hpp): trivially
// copyable, or with a serialize function.
#include <rill/core/ref.hpp>
#include <rill/exec/wire.hpp>
#include <rill/rdd/accumulator_registry.hpp>
#include <rill/rdd/accumulator_types.hpp>
#include <rill/rdd/task_accumulators.hpp>

#include <concepts>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rill {

/// What registerAccumulator accepts.
template <class A>
concept AccumulatorType = std::copyable<A> && requires(A& a, const A& c) {
  a.merge(c);
  a.reset();
  c.value();
};

namespace detail {

/// One accumulator's state: the driver's value and, on several ranks, what this
/// rank's successful tasks added since the last job.
template <class A>
class AccumulatorCell final : public AccumulatorCellBase {
 public:
  AccumulatorCell(A initial, std::int64_t id, std::optional<std::string> name, bool severalRanks)
      : id_(id), name_(std::move(name)), severalRanks_(severalRanks), zero_(initial), value_(std::move(initial)) {
    zero_.reset();
    pending_ = zero_;
  }

  template <class... X>
  void add(X&&... x) {
    if (TaskAccumulators* task = TaskAccumulators::current()) {
      task->copyOf<Copy>(this, [&] { return std::make_unique<Copy>(*this); }).value.add(std::forward<X>(x)...);
    } else {  // on the driver, outside any task: straight into the value (on every rank alike)
      std::lock_guard lock(m_);
      value_.add(std::forward<X>(x)...);
    }
  }
  A read() const {
    std::lock_guard lock(m_);
    return value_;
  }
  void reset() {
    std::lock_guard lock(m_);
    value_ = zero_;
  }
  std::int64_t id() const { return id_; }
  const std::optional<std::string>& name() const { return name_; }

  void takePending(exec::Bytes& out, std::string_view tag) override {
    A pending = zero_;
    {
      std::lock_guard lock(m_);
      std::swap(pending, pending_);
    }
    exec::appendFrame(out, pending, tag);
  }
  void mergePending(std::string_view frame, std::string_view tag) override {
    const A other = exec::readWire<A>(frame, tag);
    std::lock_guard lock(m_);
    value_.merge(other);
  }

 private:
  struct Copy final : TaskCopy {
    explicit Copy(AccumulatorCell& c) : cell(&c), value(c.zero_) {}
    void commit() override { cell->mergeTask(value); }
    AccumulatorCell* cell;
    A value;
  };
  void mergeTask(const A& task) {
    std::lock_guard lock(m_);
    (severalRanks_ ? pending_ : value_).merge(task);
  }

  const std::int64_t id_;
  const std::optional<std::string> name_;
  const bool severalRanks_;
  A zero_;  // never changed after construction: task copies start from it without the lock
  mutable std::mutex m_;
  A value_;    // guarded by m_
  A pending_;  // guarded by m_; several ranks only
};

}  // namespace detail

template <class A>
class Accumulator {
 public:
  /// Adds x (in a task: to the task's own copy; on the driver: to the value).
  template <class... X>
  void add(X&&... x) const {
    cell_->add(std::forward<X>(x)...);
  }
  /// The driver's value (the same on every rank after each action).
  auto value() const { return cell_->read().value(); }
  /// Spark's LongAccumulator/DoubleAccumulator figures: the sum, the number of
  /// adds, and sum / count (NaN before any add).
  auto sum() const
    requires requires(const A& a) { a.sum(); }
  {
    return cell_->read().sum();
  }
  auto count() const
    requires requires(const A& a) { a.count(); }
  {
    return cell_->read().count();
  }
  auto avg() const
    requires requires(const A& a) { a.avg(); }
  {
    return cell_->read().avg();
  }
  /// Sets the driver's value back to zero.
  void reset() const { cell_->reset(); }
  /// This context's number for it: 0, 1, ... in creation order (the same on every rank).
  std::int64_t id() const { return cell_->id(); }
  const std::optional<std::string>& name() const { return cell_->name(); }

 private:
  friend class SparkContext;
  explicit Accumulator(Ref<detail::AccumulatorCell<A>> cell) : cell_(std::move(cell)) {}
  Ref<detail::AccumulatorCell<A>> cell_;
};

using LongAccumulator = Accumulator<LongCounter>;
using DoubleAccumulator = Accumulator<DoubleCounter>;
template <class T>
using CollectionAccumulator = Accumulator<ElementList<T>>;

}  // namespace rill
