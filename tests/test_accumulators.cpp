// Accumulators: longAccumulator, doubleAccumulator (sum, count, avg),
// collectionAccumulator and a user-defined one; each successful task's updates
// count once, a failed task's not at all.
#include "rdd_test_support.hpp"

#include <rill/rdd.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using rill_test::iota;
using rill_test::sorted;

namespace {

/// A user-defined accumulator: the largest value added (Spark's AccumulatorV2
/// with zero, add and merge).
struct MaxOf {
  std::optional<int> best;
  void add(int x) {
    if (!best || x > *best) best = x;
  }
  void merge(const MaxOf& o) {
    if (o.best) add(*o.best);
  }
  void reset() { best.reset(); }
  int value() const { return best.value_or(-1); }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(best);
  }
};

}  // namespace

TEST_CASE("longAccumulator: sum, count, avg over every element, for every shape") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      auto acc = sc.longAccumulator("sum");
      sc.parallelize(shape.data, shape.slices).foreach([acc](int x) { acc.add(x); });
      std::int64_t sum = 0;
      for (int x : shape.data) sum += x;
      CHECK(acc.value() == sum);
      CHECK(acc.sum() == sum);
      CHECK(acc.count() == static_cast<std::int64_t>(shape.data.size()));
      if (shape.data.empty())
        CHECK(std::isnan(acc.avg()));
      else
        CHECK(acc.avg() == static_cast<double>(sum) / static_cast<double>(shape.data.size()));
    }
  });
}

TEST_CASE("accumulators: names, ids, reset, adds on the driver") {
  rill::SparkContext sc(rill_test::conf(2));
  auto a = sc.longAccumulator("a");
  auto b = sc.doubleAccumulator();
  auto c = sc.collectionAccumulator<std::string>("c");
  CHECK(a.id() == 0);
  CHECK(b.id() == 1);
  CHECK(c.id() == 2);
  CHECK(a.name() == std::optional<std::string>("a"));
  CHECK_FALSE(b.name().has_value());
  a.add(5);  // on the driver: straight into the value
  a.add(-2);
  CHECK(a.value() == 3);
  CHECK(a.count() == 2);
  a.reset();
  CHECK(a.value() == 0);
  CHECK(a.count() == 0);
  b.add(1.5);
  CHECK(b.value() == 1.5);
  c.add("x");
  CHECK(c.value() == std::vector<std::string>{"x"});
}

TEST_CASE("doubleAccumulator and collectionAccumulator in tasks") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto d = sc.doubleAccumulator("halves");
    auto words = sc.collectionAccumulator<std::string>("words");
    const auto n = sc.parallelize(iota(0, 100), 7)
                       .map([d, words](int x) {
                         d.add(x * 0.5);
                         if (x % 25 == 0) words.add("w" + std::to_string(x));
                         return x;
                       })
                       .count();
    CHECK(n == 100);
    CHECK(d.value() == 2475.0);  // halves of 0..99: exact in binary
    CHECK(d.count() == 100);
    CHECK(d.avg() == 24.75);
    CHECK(sorted(words.value()) == std::vector<std::string>{"w0", "w25", "w50", "w75"});
  });
}

TEST_CASE("a user-defined accumulator") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto best = sc.registerAccumulator(MaxOf{}, "max");
    CHECK(best.value() == -1);
    sc.parallelize(std::vector<int>{3, 9, -4, 7, 9, 1}, 4).foreach([best](int x) { best.add(x); });
    CHECK(best.value() == 9);
    CHECK(best.name() == std::optional<std::string>("max"));
    auto seeded = sc.registerAccumulator(MaxOf{42});  // the value it starts from, tasks' copies from zero
    sc.parallelize(std::vector<int>{3, 9}, 2).foreach([seeded](int x) { seeded.add(x); });
    CHECK(seeded.value() == 42);
  });
}

TEST_CASE("a task that throws: its updates are not counted, the successful tasks' are") {
  rill::SparkContext sc(rill_test::conf(1));  // one worker: tasks run in order, so which ran is known
  auto acc = sc.longAccumulator();
  auto seen = sc.collectionAccumulator<int>();
  // Partitions {0,1} {2,3} {4,5}: the second throws after adding 2; the third never starts.
  CHECK_THROWS_WITH_AS(sc.parallelize(iota(0, 6), 3).foreach([acc, seen](int x) {
    acc.add(1);
    seen.add(x);
    if (x == 3) throw std::runtime_error("boom");
  }),
                       "boom", std::runtime_error);
  CHECK(acc.value() == 2);
  CHECK(acc.count() == 2);
  CHECK(seen.value() == std::vector<int>{0, 1});
  // The context goes on: a job that succeeds counts in full.
  sc.parallelize(iota(0, 6), 3).foreach([acc](int) { acc.add(1); });
  CHECK(acc.value() == 8);
}

TEST_CASE("every action counts each successful task once") {
  rill::SparkContext sc(rill_test::conf(3));
  auto acc = sc.longAccumulator();
  auto rdd = sc.parallelize(iota(1, 11), 4).map([acc](int x) {
    acc.add(1);
    return x;
  });
  CHECK(rdd.count() == 10);
  CHECK(acc.value() == 10);
  CHECK(rdd.reduce([](int a, int b) { return a + b; }) == 55);
  CHECK(acc.value() == 20);  // not cached: recomputed, so counted again (as in Spark)
  auto cached = rdd.cache();
  CHECK(cached.collect() == iota(1, 11));
  CHECK(cached.collect() == iota(1, 11));
  CHECK(acc.value() == 30);  // computed once, then read from the cache
}

TEST_CASE("many threads add at once: nothing lost") {
  rill::SparkContext sc(rill_test::conf(8));
  auto acc = sc.longAccumulator();
  sc.range(0, 1'000'000, 1, 64).foreach([acc](std::int64_t x) { acc.add(x); });
  CHECK(acc.value() == 499'999'500'000);
  CHECK(acc.count() == 1'000'000);
}
