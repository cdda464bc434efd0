// Failures: a user function that throws inside a partition fails the action on
// the caller's thread with the same exception; empty collections, missing files,
// bad masters and bad arguments throw the documented types with useful text;
// a stopped SparkContext refuses jobs and new RDDs.
#include "rdd_test_support.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using rill_test::iota;
using VI = std::vector<int>;

namespace {
struct NotAStdException {
  int code;
};

template <class Ex, class Action>
std::string messageOf(Action&& action) {
  try {
    action();
  } catch (const Ex& e) {
    return e.what();
  }
  return "<no exception>";
}
}  // namespace

TEST_CASE("a user function throwing in a partition fails the action with the same exception") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto rdd = sc.parallelize(iota(0, 100), 16);
    auto bad = rdd.map([](int x) {
      if (x == 37) throw std::domain_error("bad element 37");
      return x;
    });
    const auto caller = std::this_thread::get_id();
    CHECK_THROWS_WITH_AS(bad.collect(), "bad element 37", std::domain_error);
    CHECK_THROWS_WITH_AS(bad.count(), "bad element 37", std::domain_error);
    CHECK_THROWS_WITH_AS(bad.sum(), "bad element 37", std::domain_error);
    CHECK_THROWS_WITH_AS(bad.reduce([](int a, int b) { return a + b; }), "bad element 37", std::domain_error);
    CHECK_THROWS_WITH_AS(bad.distinct().count(), "bad element 37", std::domain_error);  // map side of a shuffle
    CHECK_THROWS_WITH_AS(bad.repartition(3).collect(), "bad element 37", std::domain_error);
    CHECK_THROWS_WITH_AS(bad.cache().count(), "bad element 37", std::domain_error);
    CHECK(std::this_thread::get_id() == caller);
    // Elements before the failing one are fine: take stops before reaching it.
    CHECK(bad.take(3) == VI{0, 1, 2});
    // Any exception type travels, not just std::exception.
    try {
      rdd.foreach([](int x) {
        if (x == 99) throw NotAStdException{99};
      });
      FAIL("expected an exception");
    } catch (const NotAStdException& e) {
      CHECK(e.code == 99);
    }
    // The context is still usable after a failed job.
    CHECK(rdd.count() == 100);
  });
}

TEST_CASE("every partition throwing: one of the exceptions is rethrown, the pool survives") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto rdd = sc.parallelize(iota(0, 64), 8);
    CHECK_THROWS_AS(rdd.foreach([](int) { throw std::runtime_error("each"); }), std::runtime_error);
    std::atomic<int> n{0};
    rdd.foreach([&](int) { ++n; });
    CHECK(n == 64);
  });
}

TEST_CASE("a failed cache computation is retried by the next action") {
  rill::SparkContext sc(rill_test::conf(2));
  std::atomic<bool> fail{true};
  auto cached = sc.parallelize(iota(0, 10), 2)
                    .map([&](int x) {
                      if (fail && x == 7) throw std::runtime_error("transient");
                      return x;
                    })
                    .cache();
  CHECK_THROWS_WITH_AS(cached.count(), "transient", std::runtime_error);
  fail = false;
  CHECK(cached.collect() == iota(0, 10));
}

namespace {
/// True once a task before the one running on this thread has failed in its job.
bool ownJobCancelled() {
  const auto& task = rill::exec::detail::currentTask;
  return task.failedAt != nullptr && task.failedAt->load() < task.index;
}
/// Waits (without sleeping) until `ready()`, failing loudly after 30 s instead of hanging.
template <class Ready>
void spinUntil(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) throw std::logic_error("spinUntil: timed out");
    std::this_thread::yield();
  }
}
}  // namespace

TEST_CASE("a failing partition stops the partitions still running; nothing half-computed is cached") {
  // Two workers, two partitions running at once: partition 0 fails only once
  // partition 1 is under way, and partition 1 then waits until the pool has marked
  // the job failed, so it is certainly still running when the failure lands. It
  // must stop within one block of 4096 elements; without cancellation it would
  // run to its end.
  rill::SparkContext sc(rill_test::conf(2));
  std::atomic<bool> armed{true}, secondStarted{false};
  std::atomic<std::int64_t> secondSeen{0};
  auto failFirstStopSecond = [&](std::int64_t half) {
    return [&, half](std::int64_t x) {
      if (!armed) return x;
      if (x == 0) {
        spinUntil([&] { return secondStarted.load(); });
        throw std::runtime_error("partition 0 failed");
      }
      if (x == half) {
        secondStarted = true;
        spinUntil(ownJobCancelled);
      }
      if (x >= half) ++secondSeen;
      return x;
    };
  };
  SUBCASE("a partition of 5 * 10^11 elements stops at once") {
    const std::int64_t half = 500'000'000'000;
    auto huge = sc.range(0, 2 * half, 1, 2).map(failFirstStopSecond(half));
    CHECK_THROWS_WITH_AS(huge.count(), "partition 0 failed", std::runtime_error);
    CHECK(secondSeen.load() >= 1);
    CHECK(secondSeen.load() <= 4096);
  }
  SUBCASE("a cached partition cut short stays empty and is computed whole by the next action") {
    const std::int64_t half = 1'000'000;
    auto cached = sc.range(0, 2 * half, 1, 2).map(failFirstStopSecond(half)).cache();
    CHECK_THROWS_WITH_AS(cached.count(), "partition 0 failed", std::runtime_error);
    CHECK(secondSeen.load() <= 4096);
    armed = false;
    CHECK(cached.count() == 2 * half);
    CHECK(cached.sum() == (2 * half - 1) * (2 * half) / 2);
  }
}

TEST_CASE("reduce, first, min and max on an empty RDD: UnsupportedOperationException(empty collection)") {
  rill::SparkContext sc(rill_test::conf(2));
  for (const auto& rdd : {sc.emptyRDD<int>(), sc.parallelize(VI{}, 3), sc.parallelize(VI{1, 2}, 2).filter([](int) { return false; }).toRDD()}) {
    using E = rill::UnsupportedOperationException;
    CHECK_THROWS_AS(rdd.reduce([](int a, int b) { return a + b; }), E);
    CHECK(messageOf<E>([&] { rdd.reduce([](int a, int b) { return a + b; }); }).find("empty collection") != std::string::npos);
    CHECK(messageOf<E>([&] { rdd.first(); }).find("empty collection") != std::string::npos);
    CHECK(messageOf<E>([&] { rdd.min(); }).find("empty collection") != std::string::npos);
    CHECK(messageOf<E>([&] { rdd.max(); }).find("empty collection") != std::string::npos);
    // An UnsupportedOperationException is a SparkException.
    CHECK_THROWS_AS(rdd.first(), rill::SparkException);
    // These have an answer for an empty RDD.
    CHECK(rdd.fold(0, [](int a, int b) { return a + b; }) == 0);
    CHECK(rdd.sum() == 0);
    // mean is stats().mean, Spark's reduce of the partitions' counters: 0 over empty
    // partitions, "empty collection" without any.
    if (rdd.getNumPartitions() == 0)
      CHECK(messageOf<E>([&] { rdd.mean(); }).find("empty collection") != std::string::npos);
    else
      CHECK(rdd.mean() == 0.0);
    CHECK(rdd.takeOrdered(3).empty());
  }
}

TEST_CASE("textFile on a missing path throws rill::IoError naming the path") {
  rill::SparkContext sc(rill_test::conf(2));
  const std::string missing = rill_test::tmpPath("no/such/file.txt");
  CHECK_THROWS_AS(sc.textFile(missing), rill::IoError);
  CHECK(messageOf<rill::IoError>([&] { sc.textFile(missing); }).find(missing) != std::string::npos);
  // A directory is read file by file, as Hadoop's input does; one holding a
  // directory is refused, naming it.
  const std::string dir = rill_test::tmpPath("a_directory");
  std::filesystem::create_directories(dir + "/inner");
  CHECK(messageOf<rill::IoError>([&] { sc.textFile(dir); }).find(dir + "/inner") != std::string::npos);
}

TEST_CASE("setMaster(\"yarn\") throws std::invalid_argument naming the master") {
  CHECK(messageOf<std::invalid_argument>([] { rill::SparkConf().setMaster("yarn"); }).find("yarn") != std::string::npos);
  CHECK(messageOf<std::invalid_argument>([] { rill::SparkContext sc("mesos://x", "app"); }).find("mesos://x") !=
        std::string::npos);
}

TEST_CASE("bad arguments: sample fraction, partition counts, range step") {
  rill::SparkContext sc(rill_test::conf(2));
  auto rdd = sc.parallelize(iota(0, 10), 2);
  CHECK_THROWS_AS(rdd.sample(false, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(rdd.sample(false, -0.1), std::invalid_argument);
  CHECK_THROWS_AS(rdd.sample(true, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(rdd.sample(false, std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  CHECK(messageOf<std::invalid_argument>([&] { rdd.sample(false, 1.5); }).find("1.5") != std::string::npos);
  CHECK_NOTHROW(rdd.sample(true, 3.0));  // with replacement, fractions above 1 are expected counts
  CHECK_THROWS_AS(rdd.repartition(0), std::invalid_argument);
  CHECK_THROWS_AS(rdd.coalesce(0), std::invalid_argument);
  CHECK_THROWS_AS(sc.range(0, 1, 0), std::invalid_argument);
}

namespace {
/// What `op` throws for a partition count of -1.
std::string refused(const char* op) {
  return std::string("rill: ") + op + ": the number of partitions must not be negative, got -1";
}
}  // namespace

TEST_CASE("a negative partition count is refused at the call, not taken as SIZE_MAX") {
  rill::SparkContext sc(rill_test::conf(2));
  auto rdd = sc.parallelize(iota(0, 10), 2);
  auto pairs = rdd.map([](int x) { return std::pair(x % 3, x); });
  const int n = -1;
  CHECK_THROWS_WITH_AS(pairs.sortByKey(true, n), refused("sortByKey").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(rdd.sortBy([](int x) { return -x; }, true, n), refused("sortBy").c_str(),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(rdd.coalesce(n), refused("coalesce").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(rdd.coalesce(n, true), refused("coalesce").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(rdd.repartition(n), refused("repartition").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(rdd.distinct(n), refused("distinct").c_str(), std::invalid_argument);
  // The keyed operations' counts are refused in the operation's name too.
  CHECK_THROWS_WITH_AS(pairs.reduceByKey(std::plus<int>(), n), refused("reduceByKey").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(pairs.groupByKey(n), refused("groupByKey").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(pairs.leftOuterJoin(pairs, n), refused("leftOuterJoin").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(pairs.cogroup(pairs, n), refused("cogroup").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(pairs.subtractByKey(pairs, n), refused("subtractByKey").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(rdd.intersection(rdd, n), refused("intersection").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(rdd.subtract(rdd, n), refused("subtract").c_str(), std::invalid_argument);
  // Counts of any integer type in range work as before.
  CHECK(pairs.sortByKey(false, 3).getNumPartitions() == 3);
  CHECK(rdd.sortBy([](int x) { return -x; }, true, 2u).first() == 9);
  CHECK(rdd.coalesce(1).getNumPartitions() == 1);
  CHECK(rdd.repartition(std::int64_t{4}).getNumPartitions() == 4);
  CHECK(rdd.distinct(3).count() == 10);
}

TEST_CASE("a source's negative partition count is refused at the call; take(-1) is empty, as Spark's") {
  rill::SparkContext sc(rill_test::conf(2));
  const int n = -1;
  CHECK_THROWS_WITH_AS(sc.parallelize(iota(0, 10), n), refused("parallelize").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(sc.parallelize({1, 2, 3}, n), refused("parallelize").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(sc.makeRDD(iota(0, 10), n), refused("parallelize").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(sc.parallelizeFrom(0, iota(0, 10), n), refused("parallelizeFrom").c_str(),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(sc.fromLocal(iota(0, 10), n), refused("fromLocal").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(sc.range(0, 10, 1, n), refused("range").c_str(), std::invalid_argument);
  const std::string file = "no-such-file.txt";  // the count is refused before any file is read
  CHECK_THROWS_WITH_AS(sc.textFile(file, n), refused("textFile").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(sc.wholeTextFiles(file, n), refused("wholeTextFiles").c_str(), std::invalid_argument);
  // Counts of any integer type in range, and 0 for the default, work as before.
  CHECK(sc.parallelize(iota(0, 10), 3u).getNumPartitions() == 3);
  CHECK(sc.parallelize(iota(0, 10)).getNumPartitions() == 2);
  CHECK(sc.range(0, 10, 1, std::size_t{5}).getNumPartitions() == 5);

  auto rdd = sc.parallelize(iota(0, 10), 2);
  CHECK(rdd.take(n).empty());
  CHECK(rdd.take(std::int64_t{-5}).empty());
  CHECK(rdd.take(0).empty());
  CHECK(rdd.take(3u) == std::vector<int>{0, 1, 2});
  CHECK_THROWS_WITH_AS(rdd.takeOrdered(n), "rill: takeOrdered: num must not be negative, got -1", std::invalid_argument);
  CHECK_THROWS_WITH_AS(rdd.top(n), "rill: top: num must not be negative, got -1", std::invalid_argument);
  CHECK(rdd.top(2) == std::vector<int>{9, 8});
  CHECK(rdd.takeOrdered(std::size_t{2}) == std::vector<int>{0, 1});
  CHECK_THROWS_WITH_AS(rdd.takeSample(false, n), "rill: takeSample: Negative number of elements requested",
                       std::invalid_argument);
}

// ---- SparkContext::stop() ------------------------------------------------------

namespace {
const char* const kStopped = "rill: this SparkContext has been stopped";

/// A one-shot signal; wait() gives up (false) after 30 s so a bug fails the test.
class Latch {
 public:
  void open() {
    std::lock_guard lock(m_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait() {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return open_; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool open_ = false;
};
}  // namespace

TEST_CASE("SparkContext::stop(): afterwards every job and new RDD throws; stopping again does nothing") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const std::size_t workers = sc.defaultParallelism();
    auto rdd = sc.parallelize(iota(0, 10), 4);
    auto doubled = rdd.map([](int x) { return 2 * x; });
    auto empty = sc.emptyRDD<int>();
    CHECK(doubled.sum() == 90);
    CHECK_FALSE(sc.isStopped());
    sc.stop();
    CHECK(sc.isStopped());
    CHECK_THROWS_WITH_AS(rdd.collect(), kStopped, rill::IllegalStateException);
    CHECK_THROWS_WITH_AS(doubled.count(), kStopped, rill::IllegalStateException);
    auto pairs = rdd.map([](int x) { return std::pair<int, int>(x % 2, x); });
    CHECK_THROWS_WITH_AS(pairs.reduceByKey([](int a, int b) { return a + b; }), kStopped,
                         rill::IllegalStateException);
    CHECK_THROWS_WITH_AS(sc.parallelize(iota(0, 3)), kStopped, rill::IllegalStateException);
    CHECK_THROWS_WITH_AS(sc.parallelize({1, 2, 3}), kStopped, rill::IllegalStateException);
    CHECK_THROWS_WITH_AS(sc.makeRDD(iota(0, 3)), kStopped, rill::IllegalStateException);
    CHECK_THROWS_WITH_AS(sc.range(0, 10), kStopped, rill::IllegalStateException);
    CHECK_THROWS_WITH_AS(sc.textFile("no-such-file.txt"), kStopped, rill::IllegalStateException);
    const std::function<void(std::size_t)> nothing = [](std::size_t) {};
    CHECK_THROWS_WITH_AS(sc.executor().runTasks(2, nothing), kStopped, rill::IllegalStateException);
    // An RDD without partitions has no task to run, yet its job is refused too (Spark's runJob).
    CHECK_THROWS_WITH_AS(empty.collect(), kStopped, rill::IllegalStateException);
    CHECK_THROWS_WITH_AS(empty.count(), kStopped, rill::IllegalStateException);
    CHECK_THROWS_WITH_AS(sc.emptyRDD<int>(), kStopped, rill::IllegalStateException);
    CHECK_NOTHROW(sc.stop());
    CHECK(sc.isStopped());
    CHECK(sc.defaultParallelism() == workers);
  });
}

TEST_CASE("SparkContext::stop() waits for the job that is running, then joins the workers") {
  rill::SparkContext sc(rill_test::conf(2));
  auto rdd = sc.parallelize(iota(0, 4), 2);
  Latch running, release;
  std::atomic<bool> stopReturned{false};
  std::atomic<bool> sawStopReturned{true};
  std::string nestedError;
  std::thread job([&] {
    rdd.foreachPartition([&](const auto& part) {
      if (part.empty() || part.front() != 0) return;
      running.open();
      if (!release.wait()) return;
      sawStopReturned = stopReturned.load();
      try {  // a new job started from the running one is refused: the context is stopping
        sc.parallelize({1}).count();
      } catch (const rill::IllegalStateException& e) {
        nestedError = e.what();
      }
    });
  });
  REQUIRE(running.wait());
  std::thread stopper([&] {
    sc.stop();
    stopReturned = true;
  });
  // stop() marks the context stopped at once, then waits for the job.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!sc.isStopped() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  REQUIRE(sc.isStopped());
  CHECK_FALSE(stopReturned.load());
  release.open();
  job.join();
  stopper.join();
  CHECK_FALSE(sawStopReturned.load());
  CHECK(nestedError == kStopped);
  CHECK(stopReturned.load());
}

TEST_CASE("SparkContext::stop() from inside a task refuses new jobs; a later stop() joins the workers") {
  rill::SparkContext sc(rill_test::conf(2));
  std::atomic<int> ran{0};
  sc.parallelize(iota(0, 4), 4).foreach([&](int x) {
    if (x == 2) sc.stop();  // must not wait for its own job
    ++ran;
  });
  CHECK(ran == 4);  // the job that was running finishes
  CHECK(sc.isStopped());
  CHECK_THROWS_WITH_AS(sc.range(0, 3), kStopped, rill::IllegalStateException);
  CHECK_NOTHROW(sc.stop());
}

TEST_CASE("error messages join text, strings and integers exactly") {
  using rill::detail::message;
  const std::string path = "/tmp/x";
  CHECK(message({}) == "");
  CHECK(message({"cannot read '", path, "': ", std::string_view("gone")}) == "cannot read '/tmp/x': gone");
  CHECK(message({0, " ", 7u, " ", -42, " ", std::size_t{18446744073709551615u}}) == "0 7 -42 18446744073709551615");
  CHECK(message({std::numeric_limits<std::int64_t>::min()}) == "-9223372036854775808");
  CHECK(message({std::numeric_limits<short>::min(), "|", std::numeric_limits<unsigned char>::max()}) == "-32768|255");
}
