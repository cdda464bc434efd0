// exec::ThreadPool: every task runs once, the caller works too, nested jobs
// cannot deadlock, the lowest-numbered failed task's exception is rethrown to
// the caller and the job's later running tasks are cancelled. Every job runs under finishes(), so a
// pool that deadlocks fails the test within a minute instead of hanging.
#include <doctest/doctest.h>

#include <rill/exec/cancellation.hpp>
#include <rill/exec/thread_pool.hpp>

#include "finishes.hpp"

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using rill::exec::ThreadPool;
using rill_test::finishes;

// What a timeout names: a job that never returned means the pool deadlocked.
constexpr const char* kJob = "a job of the pool (deadlocked)";

TEST_CASE("runTasks runs every task exactly once") {
  for (std::size_t threads : {1u, 2u, 4u, 8u}) {
    CAPTURE(threads);
    ThreadPool pool(threads);
    CHECK(pool.parallelism() == threads);
    for (std::size_t n : {0u, 1u, 3u, 1000u}) {
      std::vector<std::atomic<int>> runs(n);
      finishes(kJob, [&] { pool.runTasks(n, [&](std::size_t i) { ++runs[i]; }); });
      for (std::size_t i = 0; i < n; ++i) CHECK(runs[i] == 1);
    }
  }
  CHECK(ThreadPool(0).parallelism() == 1);  // at least the caller
}

TEST_CASE("a 1-thread pool runs every task on the calling thread, in order") {
  ThreadPool pool(1);
  std::vector<std::size_t> order;
  std::vector<std::thread::id> ids;
  std::thread::id caller;
  finishes(kJob, [&] {
    caller = std::this_thread::get_id();
    pool.runTasks(5, [&](std::size_t i) {
      order.push_back(i);
      ids.push_back(std::this_thread::get_id());
    });
  });
  CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4});
  CHECK(ids == std::vector<std::thread::id>(5, caller));
}

TEST_CASE("an N-thread pool uses at most N threads, the caller among them") {
  ThreadPool pool(3);
  std::mutex m;
  std::set<std::thread::id> ids;
  std::thread::id caller;
  std::atomic<int> inside{0}, maxInside{0};
  finishes(kJob, [&] {
    caller = std::this_thread::get_id();
    pool.runTasks(300, [&](std::size_t) {
      const int now = ++inside;
      for (int seen = maxInside; now > seen && !maxInside.compare_exchange_weak(seen, now);) {
      }
      {
        std::lock_guard lock(m);
        ids.insert(std::this_thread::get_id());
      }
      --inside;
    });
  });
  CHECK(ids.size() <= 3);
  CHECK(maxInside <= 3);
  ids.insert(caller);  // the caller may or may not have run one; no fourth thread either way
  CHECK(ids.size() <= 3);
}

TEST_CASE("nested runTasks from inside a task does not deadlock") {
  for (std::size_t threads : {1u, 2u, 4u}) {
    CAPTURE(threads);
    ThreadPool pool(threads);
    std::atomic<int> leaves{0};
    finishes(kJob, [&] {
      pool.runTasks(8, [&](std::size_t) {
        pool.runTasks(8, [&](std::size_t) {
          pool.runTasks(3, [&](std::size_t) { ++leaves; });
        });
      });
    });
    CHECK(leaves == 8 * 8 * 3);
  }
}

TEST_CASE("the first exception is rethrown; later tasks are skipped") {
  SUBCASE("1 thread: tasks run in order, so task 3's exception is the first and 4.. never run") {
    ThreadPool pool(1);
    std::atomic<int> ran{0};
    CHECK_THROWS_WITH_AS(finishes(kJob, [&] {
                           pool.runTasks(10, [&](std::size_t i) {
                             ++ran;
                             if (i >= 3) throw std::runtime_error("task " + std::to_string(i));
                           });
                         }),
                         "task 3", std::runtime_error);
    CHECK(ran == 4);
  }
  SUBCASE("4 threads: the one failing task's exception, type and message intact") {
    ThreadPool pool(4);
    for (int round = 0; round < 20; ++round) {
      CHECK_THROWS_WITH_AS(finishes(kJob, [&] {
                             pool.runTasks(64, [&](std::size_t i) {
                               if (i == 17) throw std::out_of_range("index 17");
                             });
                           }),
                           "index 17", std::out_of_range);
    }
    // After failures the pool still runs whole jobs.
    std::atomic<int> ran{0};
    finishes(kJob, [&] { pool.runTasks(64, [&](std::size_t) { ++ran; }); });
    CHECK(ran == 64);
  }
  SUBCASE("an exception from a nested job propagates through the outer one") {
    ThreadPool pool(2);
    CHECK_THROWS_WITH_AS(finishes(kJob, [&] {
                           pool.runTasks(4, [&](std::size_t i) {
                             pool.runTasks(4, [&](std::size_t j) {
                               if (i == 2 && j == 1) throw std::logic_error("inner 2.1");
                             });
                           });
                         }),
                         "inner 2.1", std::logic_error);
  }
}

TEST_CASE("a failing task cancels the job's task still running, which stops at its next check") {
  // Task 0 fails only once task 1 runs, so both run at once on the two threads;
  // task 1 would loop forever but for throwIfCancelled().
  ThreadPool pool(2);
  std::atomic<bool> secondStarted{false};
  std::atomic<int> cancelledChecks{0};
  CHECK_THROWS_WITH_AS(finishes(kJob, [&] {
                         pool.runTasks(2, [&](std::size_t i) {
                           if (i == 0) {
                             while (!secondStarted) std::this_thread::yield();
                             throw std::runtime_error("task 0 failed");
                           }
                           secondStarted = true;
                           for (;;) {
                             try {
                               rill::exec::throwIfCancelled();
                             } catch (const rill::exec::TaskCancelled&) {
                               ++cancelledChecks;
                               throw;
                             }
                             std::this_thread::yield();
                           }
                         });
                       }),
                       "task 0 failed", std::runtime_error);
  CHECK(cancelledChecks == 1);
  // Outside a job nothing is cancelled.
  CHECK_NOTHROW(rill::exec::throwIfCancelled());
}

TEST_CASE("the lowest-numbered failed task's exception is rethrown, whichever failed first") {
  // Task 3 fails first; task 1, running at the same time, fails only after that,
  // and is not cancelled by task 3's failure: one thread, running them in order,
  // would have reported task 1's.
  ThreadPool pool(4);
  std::atomic<bool> thirdFailed{false};
  std::atomic<int> firstChecks{0};
  CHECK_THROWS_WITH_AS(finishes(kJob, [&] {
                         pool.runTasks(4, [&](std::size_t i) {
                           if (i == 3) {
                             thirdFailed = true;
                             throw std::runtime_error("task 3 failed");
                           }
                           if (i == 1) {
                             while (!thirdFailed) std::this_thread::yield();
                             rill::exec::throwIfCancelled();  // a later task's failure does not stop it
                             ++firstChecks;
                             throw std::logic_error("task 1 failed");
                           }
                         });
                       }),
                       "task 1 failed", std::logic_error);
  CHECK(firstChecks == 1);
}

TEST_CASE("jobs from several threads at once share the pool") {
  ThreadPool pool(3);
  std::atomic<long> total{0};
  finishes(kJob, [&] {
    std::vector<std::thread> clients;
    for (int c = 0; c < 3; ++c)
      clients.emplace_back([&] {
        for (int j = 0; j < 20; ++j) pool.runTasks(10, [&](std::size_t i) { total += static_cast<long>(i); });
      });
    for (auto& t : clients) t.join();
  });
  CHECK(total == 3 * 20 * 45);
}

TEST_CASE("many jobs queued at once: the queue has no fixed capacity and removes any of them") {
  // 24 callers queue jobs on 2 threads, so jobs are added and removed at the
  // front, middle and end of the queue while others wait in it.
  ThreadPool pool(2);
  std::atomic<long> total{0};
  finishes(kJob, [&] {
    std::vector<std::thread> clients;
    for (int c = 0; c < 24; ++c)
      clients.emplace_back([&, c] {
        for (int j = 0; j < 5; ++j)
          pool.runTasks(4, [&](std::size_t i) { total += static_cast<long>(c * 100 + i); });
      });
    for (auto& t : clients) t.join();
  });
  long expected = 0;
  for (int c = 0; c < 24; ++c) expected += 5 * (4 * c * 100 + 0 + 1 + 2 + 3);
  CHECK(total == expected);
}
