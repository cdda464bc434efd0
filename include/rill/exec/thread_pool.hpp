#pragma once
// A fixed pool of N-1 threads; the thread that submits a job works on it too,
// so "local[N]" computes on exactly N threads and a task that itself runs a job
// (an action inside foreachRDD, say) cannot deadlock the pool.
#include <rill/core/algorithm.hpp>
#include <rill/exec/cancellation.hpp>
#include <rill/exec/executor.hpp>
#include <rill/exec/task_ref.hpp>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace rill::exec {

class ThreadPool final : public Executor {
 public:
  explicit ThreadPool(std::size_t threads) : parallelism_(std::max<std::size_t>(threads, 1)) {
    queue_.reserve(kQueuedJobs);  // so a job allocates nothing to queue itself (nested jobs rarely exceed this)
    // Sized first and assigned: no vector growth path is compiled for the threads.
    workers_.resize(parallelism_ - 1);
    for (auto& w : workers_) w = std::thread([this] { workerLoop(); });
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }

  std::size_t parallelism() const override { return parallelism_; }

  void runTasks(std::size_t n, TaskRef task) override {
    if (n == 0) return;
    Job job(n, task);  // on this stack: workers reach it only between join() and leave()
    const bool shared = n > 1 && !workers_.empty();
    if (shared) {
      {
        std::lock_guard lock(mutex_);
        queue_.push_back(&job);
      }
      wake_.notify_all();
    }
    job.work();  // the caller helps; returns when no index is left to claim
    if (shared) {
      std::lock_guard lock(mutex_);
      // From here on no worker can join the job.
      if (auto it = std::find(queue_.begin(), queue_.end(), &job); it != queue_.end()) queue_.erase(it);
    }
    job.waitDone();  // every task finished and every worker that joined has left
    if (job.error) std::rethrow_exception(job.error);
  }

 private:
  static constexpr std::size_t kQueuedJobs = 16;

  struct Job {
    Job(std::size_t count, TaskRef fn) : n(count), task(fn) {}
    const std::size_t n;
    const TaskRef task;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> cancelled{false};
    std::exception_ptr error;  // guarded by m
    std::size_t done = 0;      // guarded by m
    std::size_t visitors = 0;  // workers inside work(); guarded by m
    std::mutex m;
    std::condition_variable finished;

    bool hasWork() const { return next.load(std::memory_order_relaxed) < n; }
    void work() {
      for (std::size_t i; (i = next.fetch_add(1)) < n;) {
        std::exception_ptr failure;
        if (!cancelled.load(std::memory_order_relaxed)) {
          try {
            CancellationScope scope(cancelled);  // running tasks stop at their next check
            task(i);
          } catch (...) {
            failure = std::current_exception();
            cancelled = true;
          }
        }
        std::lock_guard lock(m);
        // Keep or drop the exception under the lock: its reference count lives in
        // uninstrumented libstdc++, so only the lock orders this thread's last
        // touch of it before the caller's rethrow (TSan would see a race otherwise).
        if (failure && !error) error = std::move(failure);
        failure = nullptr;
        if (++done == n) finished.notify_all();
      }
    }
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

  Job* claimable() const {
    for (Job* j : queue_)
      if (j->hasWork()) return j;
    return nullptr;
  }

  void workerLoop() {
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

  std::size_t parallelism_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Job*> queue_;  // jobs with tasks left, each owned by the runTasks call that queued it
  bool stopping_ = false;
};

}  // namespace rill::exec
