#pragma once
// Stopping the tasks of a job that cannot change its outcome any more. A job
// reports the failure of its lowest-numbered failed task, as one thread running
// the tasks in order would, so that the error does not depend on the thread
// count: once task i has failed, tasks after i are skipped or stopped, and the
// tasks before i run on (one of them may still fail first in that order). The
// executor points a thread-local at the job's lowest failed index while it runs
// each task; the partition loop (rdd.hpp) checks it between blocks of elements,
// so a task over 10^12 elements stops within a few thousand of them instead of
// running to the end. The check costs one thread-local load per block, nothing
// per element.
#include <atomic>
#include <cstddef>
#include <exception>

namespace rill::exec {

/// Thrown by a task that stops because a task before it in its job failed. The
/// job reports that failure; this one is dropped. It unwinds like any failure,
/// so nothing half-computed is kept (a cached partition stays empty).
class TaskCancelled final : public std::exception {
 public:
  const char* what() const noexcept override {
    return "rill: task cancelled because another task of its job failed";
  }
};

namespace detail {
/// The task running on this thread: its index, and its job's lowest failed index.
struct RunningTask {
  const std::atomic<std::size_t>* failedAt = nullptr;
  std::size_t index = 0;
};
inline thread_local RunningTask currentTask;
}  // namespace detail

/// Throws TaskCancelled when a task before the one running on this thread has
/// failed in its job.
inline void throwIfCancelled() {
  const detail::RunningTask& task = detail::currentTask;
  if (task.failedAt != nullptr && task.failedAt->load(std::memory_order_relaxed) < task.index) throw TaskCancelled();
}

/// While alive, the task on this thread is task `index` of the job whose lowest
/// failed index `failedAt` holds. Nested jobs (an action run inside a task)
/// restore the outer task on the way out.
class CancellationScope {
 public:
  CancellationScope(const std::atomic<std::size_t>& failedAt, std::size_t index) : outer_(detail::currentTask) {
    detail::currentTask = {&failedAt, index};
  }
  CancellationScope(const CancellationScope&) = delete;
  CancellationScope& operator=(const CancellationScope&) = delete;
  ~CancellationScope() { detail::currentTask = outer_; }

 private:
  detail::RunningTask outer_;
};

}  // namespace rill::exec
