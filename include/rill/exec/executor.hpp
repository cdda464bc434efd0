#pragma once
// The executor interface the RDD layer runs its tasks on. A task is one
// partition; erasure happens here, once per task, never per element. A
// distributed executor (one process per worker, MPI) implements the same call.
#include <rill/exec/task_ref.hpp>

#include <cstddef>

namespace rill::exec {

class Executor {
 public:
  virtual ~Executor() = default;
  /// How many tasks can run at once.
  virtual std::size_t parallelism() const = 0;
  /// Runs task(0) .. task(n-1), returns when all have finished. When tasks
  /// throw, the exception of the lowest-numbered one is rethrown here, whatever
  /// the order they ran in; once task i has thrown, the tasks after it are
  /// skipped or stop at their next exec::throwIfCancelled() check.
  virtual void runTasks(std::size_t n, TaskRef task) = 0;
};

}  // namespace rill::exec
