#pragma once
// A fixed pool of N-1 threads; the thread that submits a job works on it too,
// so "local[N]" computes on exactly N threads and a task that itself runs a job
// (an action inside foreachRDD, say) cannot deadlock the pool.
#include <rill/exec/cancellation.hpp>
#include <rill/exec/executor.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace rill::exec {

class ThreadPool final : public Executor {
 public:
  explicit ThreadPool(std::size_t threads) : parallelism_(std::max<std::size_t>(threads, 1)) {
    for (std::size_t i = 1; i < parallelism_; ++i) workers_.emplace_back([this] { workerLoop(); });
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

  void runTasks(std::size_t n, const std::function<void(std::size_t)>& task) override {
    if (n == 0) return;
    auto job = std::make_shared<Job>(n, task);
    if (n > 1 && !workers_.empty()) {
      {
        std::lock_guard lock(mutex_);
        queue_.push_back(job);
      }
      wake_.notify_all();
    }
    job->work();  // the caller helps; returns when no index is left to claim
    job->waitDone();
    if (n > 1 && !workers_.empty()) retire(job);
    // Take the exception out of the job: a worker may drop the last reference to
    // the job after we return, and must not free the exception we are rethrowing.
    if (std::exception_ptr error = std::move(job->error)) std::rethrow_exception(error);
  }

 private:
  struct Job {
    Job(std::size_t count, const std::function<void(std::size_t)>& fn) : n(count), task(fn) {}
    const std::size_t n;
    const std::function<void(std::size_t)>& task;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> cancelled{false};
    std::exception_ptr error;  // guarded by m
    std::size_t done = 0;      // guarded by m
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
    void waitDone() {
      std::unique_lock lock(m);
      finished.wait(lock, [&] { return done == n; });
    }
  };

  void retire(const std::shared_ptr<Job>& job) {
    std::lock_guard lock(mutex_);
    queue_.erase(std::remove(queue_.begin(), queue_.end(), job), queue_.end());
  }

  void workerLoop() {
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] {
          if (stopping_) return true;
          for (auto& j : queue_)
            if (j->hasWork()) return true;
          return false;
        });
        if (stopping_) return;
        // Claiming is lock-free, so the job seen in the predicate may be used up by now.
        for (auto& j : queue_)
          if (j->hasWork()) {
            job = j;
            break;
          }
      }
      if (job) job->work();
    }
  }

  std::size_t parallelism_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stopping_ = false;
};

}  // namespace rill::exec
