// Cases of Spark's SortingSuite (core/src/test/scala/org/apache/spark/rdd):
// sortByKey ascending and descending into one, two and many partitions, more
// partitions than elements, an empty RDD, and partition balancing, with
// Spark's inputs and expected results. Spark's random pairs are drawn here
// from a seeded generator with distinct keys, so the expected order is exact.
// Each case also runs on in-process ranks (distributed_test_support.hpp).
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <random>
#include <set>
#include <utility>
#include <vector>

using distributed_test::sameAsOneProcess;
using rill::SparkContext;

namespace {

using P = std::pair<int, int>;
using VP = std::vector<P>;

/// n pairs of random ints (Spark's (rand.nextInt(), rand.nextInt())), keys distinct.
VP randomPairs(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> any(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  std::set<int> keys;
  VP out;
  while (out.size() < n) {
    const int key = any(rng);
    if (keys.insert(key).second) out.emplace_back(key, any(rng));
  }
  return out;
}

VP byKey(VP pairs, bool ascending) {
  std::sort(pairs.begin(), pairs.end(),
            [&](const P& a, const P& b) { return ascending ? a.first < b.first : a.first > b.first; });
  return pairs;
}

}  // namespace

TEST_CASE("SortingSuite: sortByKey") {
  sameAsOneProcess(
      [](SparkContext& sc) { return sc.parallelize(VP{{1, 0}, {2, 0}, {0, 0}, {3, 0}}, 2).sortByKey().collect(); },
      VP{{0, 0}, {1, 0}, {2, 0}, {3, 0}});
}

TEST_CASE("SortingSuite: large array, one split, many partitions, descending") {
  const VP pairArr = randomPairs(1000, 11);
  sameAsOneProcess([&](SparkContext& sc) {
    auto pairs = sc.parallelize(pairArr, 2);
    auto sorted = pairs.sortByKey();
    CHECK(sorted.getNumPartitions() == 2);
    CHECK(sorted.collect() == byKey(pairArr, true));
    auto oneSplit = pairs.sortByKey(true, 1);
    CHECK(oneSplit.getNumPartitions() == 1);
    CHECK(oneSplit.collect() == byKey(pairArr, true));
    auto many = pairs.sortByKey(true, 20);
    CHECK(many.getNumPartitions() == 20);
    CHECK(many.collect() == byKey(pairArr, true));
    // "sort descending", "... with one split" (from one partition), "... with many partitions"
    CHECK(pairs.sortByKey(false).collect() == byKey(pairArr, false));
    CHECK(sc.parallelize(pairArr, 1).sortByKey(false, 1).collect() == byKey(pairArr, false));
    CHECK(pairs.sortByKey(false, 20).collect() == byKey(pairArr, false));
    return many.glom().collect();
  });
}

TEST_CASE("SortingSuite: more partitions than elements, and an empty RDD") {
  const VP ten = randomPairs(10, 12);
  sameAsOneProcess([&](SparkContext& sc) {
    return std::pair(sc.parallelize(ten, 30).sortByKey().collect(), sc.parallelize(VP{}, 2).sortByKey().collect());
  }, std::pair(byKey(ten, true), VP{}));
}

TEST_CASE("SortingSuite: partition balancing, ascending and descending") {
  VP pairArr;
  for (int x = 1; x <= 1000; ++x) pairArr.emplace_back(x, x);
  sameAsOneProcess([&](SparkContext& sc) {
    for (const bool ascending : {true, false}) {
      CAPTURE(ascending);
      auto sorted = sc.parallelize(pairArr, 4).sortByKey(ascending);
      CHECK(sorted.collect() == byKey(pairArr, ascending));
      const auto partitions = sorted.glom().collect();
      REQUIRE(partitions.size() == 4);
      for (const auto& partition : partitions) {
        CHECK(partition.size() > 100);
        CHECK(partition.size() < 400);
      }
      for (std::size_t i = 0; i + 1 < partitions.size(); ++i)
        CHECK((ascending ? partitions[i].back() < partitions[i + 1].front()
                         : partitions[i].back() > partitions[i + 1].front()));
    }
    return sc.parallelize(pairArr, 4).sortByKey().glom().collect();
  });
}
