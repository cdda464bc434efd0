#pragma once
// A fixed pool of N-1 threads; the thread that submits a job works on it too,
// so "local[N]" computes on exactly N threads and a task that itself runs a job
// (an action inside foreachRDD, say) cannot deadlock the pool.
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/exec/cancellation.hpp>
#include <rill/exec/executor.hpp>
#include <rill/exec/start_thread.hpp>
#include <rill/exec/task_ref.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace rill::exec {

class ThreadPool final : public Executor {
 public:
  explicit ThreadPool(std::size_t threads);
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  RILL_RUNTIME ~ThreadPool() override;

  std::size_t parallelism() const override { return parallelism_; }

  RILL_RUNTIME void runTasks(std::size_t n, TaskRef task) override;

 private:
  struct Job {
    Job(std::size_t count, TaskRef fn) : n(count), task(fn), failedAt(count) {}
    const std::size_t n;
    const TaskRef task;
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> failedAt;  // the lowest failed task's index, n while none failed; written under m
    std::exception_ptr error;           // that task's exception; guarded by m
    std::size_t done = 0;               // guarded by m
    std::size_t visitors = 0;           // workers inside work(); guarded by m
    std::mutex m;
    std::condition_variable finished;
    Job* prevQueued = nullptr;  // the pool's queue; guarded by the pool's mutex
    Job* nextQueued = nullptr;

    bool hasWork() const { return next.load(std::memory_order_relaxed) < n; }
    void work();
    // Keeps task i's failure when no task before it has failed, which cancels the tasks after it.
    void fail(std::size_t i, std::exception_ptr failure);
    // A worker joins under the pool's lock, while the job is still queued, so the
    // caller's waitDone() cannot miss it; the last one out wakes the caller.
    void join() {
      std::lock_guard lock(m);
      ++visitors;
    }
    void leave() {
      std::lock_guard lock(m);
      if (--visitors == 0 && done == n) finished.notify_all();
    }
    void waitDone() {
      std::unique_lock lock(m);
      finished.wait(lock, [&] { return done == n && visitors == 0; });
    }
  };

  // The queue, oldest job first (guarded by mutex_). Jobs live on their callers'
  // stacks, so linking them through themselves needs no allocation at all.
  void enqueue(Job* job) {
    job->prevQueued = last_;
    (last_ ? last_->nextQueued : first_) = job;
    last_ = job;
  }
  void dequeue(Job* job) {
    (job->prevQueued ? job->prevQueued->nextQueued : first_) = job->nextQueued;
    (job->nextQueued ? job->nextQueued->prevQueued : last_) = job->prevQueued;
    job->prevQueued = job->nextQueued = nullptr;
  }
  Job* claimable() const {
    for (Job* j = first_; j; j = j->nextQueued)
      if (j->hasWork()) return j;
    return nullptr;
  }

  void stopAndJoin() noexcept;
  void workerLoop();

  std::size_t parallelism_;
  std::vector<std::thread> workers_;  // parallelism_ - 1 threads
  std::mutex mutex_;
  std::condition_variable wake_;
  Job* first_ = nullptr;  // jobs with tasks left, each owned by the runTasks call that queued it
  Job* last_ = nullptr;
  bool stopping_ = false;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME ThreadPool::ThreadPool(std::size_t threads) : parallelism_(std::max<std::size_t>(threads, 1)) {
  workers_.reserve(parallelism_ - 1);
  try {
    while (workers_.size() + 1 < parallelism_) workers_.push_back(startThread([this] { workerLoop(); }));
  } catch (const std::system_error& e) {
    const std::size_t failed = workers_.size() + 1;
    stopAndJoin();  // the destructor does not run for a constructor that throws
    throw std::runtime_error(rill::detail::message(
        {"rill: cannot start worker thread ", failed, " of ", parallelism_ - 1, ": ", e.code().message()}));
  }
}

RILL_RUNTIME ThreadPool::~ThreadPool() { stopAndJoin(); }

RILL_RUNTIME void ThreadPool::runTasks(std::size_t n, TaskRef task) {
  if (n == 0) return;
  Job job(n, task);  // on this stack: workers reach it only between join() and leave()
  const bool shared = n > 1 && parallelism_ > 1;
  if (shared) {
    {
      std::lock_guard lock(mutex_);
      enqueue(&job);
    }
    wake_.notify_all();
  }
  job.work();  // the caller helps; returns when no index is left to claim
  if (shared) {
    std::lock_guard lock(mutex_);
    dequeue(&job);  // from here on no worker can join the job
  }
  job.waitDone();  // every task finished and every worker that joined has left
  if (job.error) std::rethrow_exception(job.error);
}

RILL_RUNTIME void ThreadPool::Job::work() {
  for (std::size_t i; (i = next.fetch_add(1)) < n;) {
    if (i < failedAt.load(std::memory_order_relaxed)) {
      try {
        CancellationScope scope(failedAt, i);  // stops at its next check once a task before it fails
        task(i);
      } catch (...) {
        fail(i, std::current_exception());
      }
    }
    std::lock_guard lock(m);
    if (++done == n) finished.notify_all();
  }
}

RILL_RUNTIME void ThreadPool::Job::fail(std::size_t i, std::exception_ptr failure) {
  std::lock_guard lock(m);
  // Keep or drop the exception under the lock: its reference count lives in
  // uninstrumented libstdc++, so only the lock orders this thread's last
  // touch of it before the caller's rethrow (TSan would see a race otherwise).
  // A TaskCancelled comes from a task after failedAt, so it is never kept.
  if (i < failedAt.load(std::memory_order_relaxed)) {
    error = std::move(failure);
    failedAt.store(i, std::memory_order_relaxed);
  }
  failure = nullptr;
}

RILL_RUNTIME void ThreadPool::stopAndJoin() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

RILL_RUNTIME void ThreadPool::workerLoop() {
  for (;;) {
    Job* job = nullptr;
    {
      std::unique_lock lock(mutex_);
      // Claiming an index is lock-free, so a queued job may be used up when we look.
      wake_.wait(lock, [&] { return stopping_ || (job = claimable()) != nullptr; });
      if (stopping_) return;
      job->join();
    }
    job->work();
    job->leave();
  }
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::exec
