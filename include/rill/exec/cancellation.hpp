#pragma once
// Stopping the other tasks of a job that has already failed. The executor marks
// the job cancelled when a task throws and points a thread-local at that flag
// while it runs each task; the partition loop (rdd.hpp) checks it between blocks
// of elements, so a task over 10^12 elements stops within a few thousand of them
// instead of running to the end. The check costs one thread-local load per
// block, nothing per element.
#include <atomic>
#include <exception>

namespace rill::exec {

/// Thrown by a task that stops because another task of its job failed. The job
/// already holds that first failure, which is what the caller sees; this one is
/// dropped. It unwinds like any failure, so nothing half-computed is kept (a
/// cached partition stays empty).
class TaskCancelled final : public std::exception {
 public:
  const char* what() const noexcept override {
    return "rill: task cancelled because another task of its job failed";
  }
};

namespace detail {
inline thread_local const std::atomic<bool>* currentJobCancelled = nullptr;
}

/// Throws TaskCancelled when the job of the task running on this thread has failed.
inline void throwIfCancelled() {
  const std::atomic<bool>* flag = detail::currentJobCancelled;
  if (flag != nullptr && flag->load(std::memory_order_relaxed)) throw TaskCancelled();
}

/// While alive, tasks on this thread belong to the job whose flag it names. Nested
/// jobs (an action run inside a task) restore the outer job's flag on the way out.
class CancellationScope {
 public:
  explicit CancellationScope(const std::atomic<bool>& flag) : outer_(detail::currentJobCancelled) {
    detail::currentJobCancelled = &flag;
  }
  CancellationScope(const CancellationScope&) = delete;
  CancellationScope& operator=(const CancellationScope&) = delete;
  ~CancellationScope() { detail::currentJobCancelled = outer_; }

 private:
  const std::atomic<bool>* outer_;
};

}  // namespace rill::exec
