#pragma once
// The job an output operation gives a batch, with what the listeners are told
// about it. The graph hands jobs to the scheduler as plain std::function<void()>;
// an OutputJob inside one is found again with std::function::target, so the
// graph needs to know nothing of names.
#include <functional>
#include <string>

namespace rill::detail {

struct OutputJob {
  std::string name;         // the operation ("foreachRDD", "print", ...)
  std::string description;  // the operation and its place among the context's outputs
  std::function<void()> body;

  void operator()() const { body(); }
};

/// The OutputJob inside `job`, or nullptr for a job of another kind.
inline const OutputJob* outputJobOf(const std::function<void()>& job) { return job.target<OutputJob>(); }

}  // namespace rill::detail
