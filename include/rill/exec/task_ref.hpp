#pragma once
// TaskRef: how a job's task body reaches the executor. A task is borrowed, not
// owned (runTasks returns only when every task has finished), so two pointers
// are enough: the callable's address and one function that calls it.
// Why not std::function: a borrowed callable (a function_ref) needs no copy and no allocation.
#include <concepts>
#include <cstddef>
#include <memory>
#include <type_traits>

namespace rill::exec {

class TaskRef {
 public:
  /// Refers to `task`, which must outlive the call it is passed to.
  template <class F>
    requires(!std::same_as<std::remove_cvref_t<F>, TaskRef>) && std::invocable<F&, std::size_t>
  TaskRef(F&& task) noexcept  // NOLINT: implicit, so runTasks(n, [&](std::size_t i) { ... }) reads as it should
      : task_(const_cast<void*>(static_cast<const void*>(std::addressof(task)))),
        call_(&callAs<std::remove_reference_t<F>>) {}

  void operator()(std::size_t i) const { call_(task_, i); }

 private:
  template <class F>
  static void callAs(void* task, std::size_t i) {
    (*static_cast<F*>(task))(i);
  }

  void* task_;
  void (*call_)(void*, std::size_t);
};

}  // namespace rill::exec
