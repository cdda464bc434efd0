// exec::ThreadPool: every task runs once, the caller works too, nested jobs
// cannot deadlock, and the first task exception is rethrown to the caller.
// Also rill::ConditionVariable and rill::Atomic, which the pool and the
// streaming layer wait on and count with.
#include <doctest/doctest.h>

#include <rill/core/atomic.hpp>
#include <rill/core/thread.hpp>
#include <rill/exec/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using rill::exec::ThreadPool;

TEST_CASE("runTasks runs every task exactly once") {
  for (std::size_t threads : {1u, 2u, 4u, 8u}) {
    CAPTURE(threads);
    ThreadPool pool(threads);
    CHECK(pool.parallelism() == threads);
    for (std::size_t n : {0u, 1u, 3u, 1000u}) {
      std::vector<std::atomic<int>> runs(n);
      pool.runTasks(n, [&](std::size_t i) { ++runs[i]; });
      for (std::size_t i = 0; i < n; ++i) CHECK(runs[i] == 1);
    }
  }
  CHECK(ThreadPool(0).parallelism() == 1);  // at least the caller
}

TEST_CASE("a 1-thread pool runs every task on the calling thread, in order") {
  ThreadPool pool(1);
  std::vector<std::size_t> order;
  std::vector<std::thread::id> ids;
  pool.runTasks(5, [&](std::size_t i) {
    order.push_back(i);
    ids.push_back(std::this_thread::get_id());
  });
  CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4});
  for (auto id : ids) CHECK(id == std::this_thread::get_id());
}

TEST_CASE("an N-thread pool uses at most N threads, the caller among them") {
  ThreadPool pool(3);
  std::mutex m;
  std::set<std::thread::id> ids;
  std::atomic<int> inside{0}, maxInside{0};
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
  CHECK(ids.size() <= 3);
  CHECK(maxInside <= 3);
}

TEST_CASE("nested runTasks from inside a task does not deadlock") {
  for (std::size_t threads : {1u, 2u, 4u}) {
    CAPTURE(threads);
    ThreadPool pool(threads);
    std::atomic<int> leaves{0};
    pool.runTasks(8, [&](std::size_t) {
      pool.runTasks(8, [&](std::size_t) {
        pool.runTasks(3, [&](std::size_t) { ++leaves; });
      });
    });
    CHECK(leaves == 8 * 8 * 3);
  }
}

TEST_CASE("the first exception is rethrown; later tasks are skipped") {
  SUBCASE("1 thread: tasks run in order, so task 3's exception is the first and 4.. never run") {
    ThreadPool pool(1);
    std::atomic<int> ran{0};
    CHECK_THROWS_WITH_AS(pool.runTasks(10,
                                       [&](std::size_t i) {
                                         ++ran;
                                         if (i >= 3) throw std::runtime_error("task " + std::to_string(i));
                                       }),
                         "task 3", std::runtime_error);
    CHECK(ran == 4);
  }
  SUBCASE("4 threads: the one failing task's exception, type and message intact") {
    ThreadPool pool(4);
    for (int round = 0; round < 20; ++round) {
      CHECK_THROWS_WITH_AS(pool.runTasks(64,
                                         [&](std::size_t i) {
                                           if (i == 17) throw std::out_of_range("index 17");
                                         }),
                           "index 17", std::out_of_range);
    }
    // After failures the pool still runs whole jobs.
    std::atomic<int> ran{0};
    pool.runTasks(64, [&](std::size_t) { ++ran; });
    CHECK(ran == 64);
  }
  SUBCASE("an exception from a nested job propagates through the outer one") {
    ThreadPool pool(2);
    CHECK_THROWS_WITH_AS(pool.runTasks(4,
                                       [&](std::size_t i) {
                                         pool.runTasks(4, [&](std::size_t j) {
                                           if (i == 2 && j == 1) throw std::logic_error("inner 2.1");
                                         });
                                       }),
                         "inner 2.1", std::logic_error);
  }
}

TEST_CASE("jobs from several threads at once share the pool") {
  ThreadPool pool(3);
  std::atomic<long> total{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c)
    clients.emplace_back([&] {
      for (int j = 0; j < 20; ++j) pool.runTasks(10, [&](std::size_t i) { total += static_cast<long>(i); });
    });
  for (auto& t : clients) t.join();
  CHECK(total == 3 * 20 * 45);
}

TEST_CASE("many jobs queued at once: the queue has no fixed capacity and removes any of them") {
  // 24 callers queue jobs on 2 threads, so jobs are added and removed at the
  // front, middle and end of the queue while others wait in it.
  ThreadPool pool(2);
  std::atomic<long> total{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 24; ++c)
    clients.emplace_back([&, c] {
      for (int j = 0; j < 5; ++j)
        pool.runTasks(4, [&](std::size_t i) { total += static_cast<long>(c * 100 + i); });
    });
  for (auto& t : clients) t.join();
  long expected = 0;
  for (int c = 0; c < 24; ++c) expected += 5 * (4 * c * 100 + 0 + 1 + 2 + 3);
  CHECK(total == expected);
}

TEST_CASE("ConditionVariable: notify wakes a waiter whose condition became true") {
  std::mutex m;
  rill::ConditionVariable cv;
  int stage = 0;  // guarded by m
  std::thread other([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return stage == 1; });
    stage = 2;
    cv.notify_all();
  });
  {
    std::unique_lock lock(m);
    stage = 1;
    cv.notify_one();
    cv.wait(lock, [&] { return stage == 2; });
    CHECK(stage == 2);
  }
  other.join();
}

TEST_CASE("ConditionVariable: timed waits return the condition, whatever the deadline's clock") {
  std::mutex m;
  rill::ConditionVariable cv;
  std::unique_lock lock(m);
  // a deadline already past: no wait at all, and it says the deadline passed
  CHECK(cv.wait_until(lock, std::chrono::steady_clock::now() - std::chrono::seconds(1)));
  CHECK(cv.wait_until(lock, std::chrono::system_clock::time_point{}));
  // a condition already true is returned without waiting
  CHECK(cv.wait_for(lock, std::chrono::hours(1), [] { return true; }));
  // a condition that stays false: the wait ends at its deadline and returns false
  CHECK_FALSE(cv.wait_for(lock, std::chrono::milliseconds(2), [] { return false; }));
  CHECK_FALSE(cv.wait_until(lock, std::chrono::system_clock::now() + std::chrono::milliseconds(2), [] { return false; }));
}

TEST_CASE("ConditionVariable: a far deadline (time_point::max) still wakes on notify") {
  std::mutex m;
  rill::ConditionVariable cv;
  bool ready = false;  // guarded by m
  std::thread other([&] {
    std::lock_guard lock(m);
    ready = true;
    cv.notify_all();
  });
  {
    std::unique_lock lock(m);
    CHECK(cv.wait_until(lock, std::chrono::steady_clock::time_point::max(), [&] { return ready; }));
    CHECK(cv.wait_for(lock, std::chrono::milliseconds::max() / 2, [&] { return ready; }));
  }
  other.join();
}

TEST_CASE("Atomic: load, store, exchange and arithmetic, as std::atomic") {
  rill::Atomic<std::size_t> n{5};
  CHECK(n.load() == 5);
  CHECK(n.fetch_add(3) == 5);
  CHECK(++n == 9);
  CHECK(n++ == 9);
  CHECK(n.fetch_sub(2, rill::MemoryOrder::relaxed) == 10);
  CHECK(--n == 7);
  CHECK((n += 10) == 17);
  CHECK((n -= 7) == 10);
  n = 42;
  CHECK(n.exchange(1) == 42);
  CHECK(static_cast<std::size_t>(n) == 1);

  rill::Atomic<bool> flag;
  CHECK_FALSE(flag.load(rill::MemoryOrder::acquire));
  flag.store(true, rill::MemoryOrder::release);
  CHECK(flag);
  CHECK(flag.exchange(false));

  int x = 0, y = 0;
  rill::Atomic<int*> p{&x};
  CHECK(p.exchange(&y) == &x);
  CHECK(p.load() == &y);
  int* expected = &x;
  CHECK_FALSE(p.compare_exchange_strong(expected, nullptr));  // holds &y: unchanged, expected = &y
  CHECK(expected == &y);
  CHECK(p.compare_exchange_strong(expected, nullptr, rill::MemoryOrder::release));
  CHECK(p.load() == nullptr);
  expected = &x;  // acq_rel (what Ref's release uses): a failed exchange still reports the value
  CHECK_FALSE(p.compare_exchange_strong(expected, &y, rill::MemoryOrder::acqRel));
  CHECK(expected == nullptr);
  CHECK(p.compare_exchange_strong(expected, &y, rill::MemoryOrder::acqRel));
  CHECK(p.load() == &y);
  CHECK(n.fetch_sub(1, rill::MemoryOrder::acqRel) == 1);
  CHECK(n.load() == 0);
}

TEST_CASE("Atomic: increments from several threads are not lost") {
  rill::Atomic<std::int64_t> count{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) count.fetch_add(1, rill::MemoryOrder::relaxed);
    });
  for (auto& t : threads) t.join();
  CHECK(count.load() == 400000);
}
