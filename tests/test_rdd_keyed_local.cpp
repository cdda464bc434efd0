// reduceByKeyLocally and repartitionAndSortWithinPartitions: exact results on
// every partition shape; unpersist on the RDD cache() returned.
#include "rdd_test_support.hpp"

#include <rill/rdd.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

using rill_test::iota;
using VI = std::vector<int>;

TEST_CASE("reduceByKeyLocally: each key's values reduced, as a map") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      auto pairs = sc.parallelize(shape.data, shape.slices).map([](int x) { return std::pair(x % 3, x); });
      std::unordered_map<int, int> expected;
      for (int x : shape.data) expected[x % 3] += x;
      const auto got = pairs.reduceByKeyLocally([](int a, int b) { return a + b; });
      CHECK(std::map<int, int>(got.begin(), got.end()) == std::map<int, int>(expected.begin(), expected.end()));
    }
    auto words = sc.parallelize(std::vector<std::string>{"a", "b", "a", "c", "a"}, 2)
                     .map([](const std::string& w) { return std::pair<std::string, std::int64_t>(w, 1); });
    const auto counts = words.reduceByKeyLocally([](std::int64_t a, std::int64_t b) { return a + b; });
    CHECK(std::map<std::string, std::int64_t>(counts.begin(), counts.end()) ==
          std::map<std::string, std::int64_t>{{"a", 3}, {"b", 1}, {"c", 1}});
  });
}

TEST_CASE("repartitionAndSortWithinPartitions: the partitioner's partitions, each sorted by key") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      auto pairs = sc.parallelize(shape.data, shape.slices).map([](int x) { return std::pair(x, x * 10); });
      const rill::HashPartitioner part(3);
      auto sorted = pairs.repartitionAndSortWithinPartitions(part);
      REQUIRE(sorted.getNumPartitions() == 3);
      CHECK(sorted.partitioner() != nullptr);
      const auto parts = sorted.glom().collect();
      std::vector<std::vector<std::pair<int, int>>> expected(3);
      for (int x : shape.data) expected[part.getPartition(x)].emplace_back(x, x * 10);
      for (auto& p : expected) std::stable_sort(p.begin(), p.end(), [](auto& a, auto& b) { return a.first < b.first; });
      CHECK(parts == expected);
      auto descending = pairs.repartitionAndSortWithinPartitions(part, std::greater<>());
      for (auto& p : expected) std::reverse(p.begin(), p.end());
      CHECK(descending.glom().collect() == expected);
    }
    // Equal keys keep their order; the values are not compared.
    auto ties = sc.parallelize(std::vector<std::pair<int, std::string>>{{2, "x"}, {1, "b"}, {2, "a"}, {1, "a"}}, 2);
    CHECK(ties.repartitionAndSortWithinPartitions(rill::HashPartitioner(1)).collect() ==
          std::vector<std::pair<int, std::string>>{{1, "b"}, {1, "a"}, {2, "x"}, {2, "a"}});
  });
}

TEST_CASE("unpersist: the cached RDD drops its partitions and computes them again each time") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    std::atomic<int> computed{0};
    auto cached = sc.parallelize(iota(0, 20), 4).map([&computed](int x) {
      ++computed;
      return x * 2;
    }).cache();
    CHECK(cached.sum() == 380);
    CHECK(cached.sum() == 380);
    CHECK(computed == 20);
    auto same = cached.unpersist();
    CHECK(same.node() == cached.node());
    CHECK(cached.sum() == 380);
    CHECK(cached.count() == 20);
    CHECK(computed == 60);
    // Not cached: nothing to drop.
    auto plain = sc.parallelize(iota(0, 3), 2);
    CHECK(plain.unpersist().collect() == VI{0, 1, 2});
    CHECK(plain.map([](int x) { return x; }).unpersist(true).count() == 3);
  });
}

TEST_CASE("the new operations on an RDD without partitions") {
  rill::SparkContext sc(rill_test::conf(2));
  auto none = sc.emptyRDD<int>();
  auto pairs = sc.emptyRDD<std::pair<int, int>>();
  CHECK(none.takeSample(false, 3).empty());
  CHECK(none.randomSplit({1, 1})[1].collect().empty());
  CHECK(pairs.sampleByKey(false, std::map<int, double>{}).collect().empty());
  CHECK(none.groupBy([](int x) { return x; }).collect().empty());
  CHECK(none.zip(none).collect().empty());
  CHECK(none.zipWithUniqueId().collect().empty());
  CHECK(none.histogram(std::vector<double>{0, 1}) == std::vector<std::int64_t>{0});
  CHECK_THROWS_AS(none.histogram(std::size_t{2}), rill::UnsupportedOperationException);
  CHECK(none.treeAggregate(0, [](int a, int b) { return a + b; }, [](int a, int b) { return a + b; }) == 0);
  CHECK_THROWS_AS(none.treeReduce([](int a, int b) { return a + b; }), rill::UnsupportedOperationException);
  CHECK(none.countApproxDistinct() == 0);
  CHECK(pairs.reduceByKeyLocally([](int a, int b) { return a + b; }).empty());
  CHECK(pairs.repartitionAndSortWithinPartitions(rill::HashPartitioner(2)).glom().collect() ==
        std::vector<std::vector<std::pair<int, int>>>{{}, {}});
  // stats() reduces the partitions' counters, so without partitions it throws, as Spark's reduce.
  CHECK_THROWS_WITH_AS(none.sampleStdev(), "rill: stats() on an RDD without partitions: empty collection",
                       rill::UnsupportedOperationException);
  CHECK(none.cache().unpersist().count() == 0);
}
