#pragma once
// What a task adds to accumulators goes into copies of its own, one per
// accumulator it touches, found through a thread-local pointer: no lock and no
// shared write per element. The copies are merged into the accumulators only
// when the task returns normally, so a task that throws counts for nothing
// (Spark counts an accumulator update once per successful task).
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace rill::detail {

/// One task's copy of one accumulator; commit() merges it into the accumulator.
class TaskCopy {
 public:
  virtual ~TaskCopy() = default;
  virtual void commit() = 0;
};

/// The copies of the task running on this thread.
class TaskAccumulators {
 public:
  /// The running task's copies, or null on a thread that runs no task (the driver).
  static TaskAccumulators* current() { return current_; }

  /// The copy of the accumulator at `owner`, made by make() on its first use in the task.
  template <class Copy, class Make>
  Copy& copyOf(const void* owner, Make&& make) {
    for (auto& [key, copy] : copies_)
      if (key == owner) return static_cast<Copy&>(*copy);
    std::unique_ptr<Copy> made = make();
    Copy& copy = *made;
    copies_.emplace_back(owner, std::move(made));
    return copy;
  }

  /// Runs task() as one task on this thread; merges its copies if it returns.
  template <class Task>
  static void run(Task&& task) {
    TaskAccumulators mine;
    {
      struct Restore {
        TaskAccumulators* outer;
        ~Restore() { current_ = outer; }
      } restore{std::exchange(current_, &mine)};  // a task may run a job of its own
      task();
    }
    for (auto& entry : mine.copies_) entry.second->commit();
  }

 private:
  std::vector<std::pair<const void*, std::unique_ptr<TaskCopy>>> copies_;
  static inline thread_local TaskAccumulators* current_ = nullptr;
};

}  // namespace rill::detail
