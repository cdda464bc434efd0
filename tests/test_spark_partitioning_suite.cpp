// Cases of Spark's PartitioningSuite (core/src/test/scala/org/apache/spark):
// partitioner equality, RangePartitioner's bounds and balance, which
// partitioner an operation's result keeps, stats over empty partitions, and
// Spark's defaultPartitioner, with Spark's inputs and expected results. Spark's
// `new RangePartitioner(n, rdd)` is the partitioner rdd.sortByKey(true, n)
// remembers here, and Partitioner.defaultPartitioner(a, b, ...) the one
// a.cogroup(b, ...) is partitioned by.
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

using distributed_test::sameAsOneProcess;
using rill::SparkContext;
using rill_test::iota;

namespace {

using P = std::pair<int, int>;
using VP = std::vector<P>;

VP pairsOf(int from, int to) {  // (x, x) for x in [from, to]
  VP out;
  for (int x = from; x <= to; ++x) out.emplace_back(x, x);
  return out;
}

bool equal(const rill::Ref<const rill::AnyPartitioner>& a, const rill::Ref<const rill::AnyPartitioner>& b) {
  return a && b && a->equals(*b);
}

/// The number of partitions of a HashPartitioner `info` holds; 0 for any other partitioner or none.
std::size_t hashPartitions(const rill::Ref<const rill::AnyPartitioner>& info) {
  const auto* hash = info ? info->target<rill::HashPartitioner<>>() : nullptr;
  return hash ? hash->numPartitions() : 0;
}

}  // namespace

TEST_CASE("PartitioningSuite: HashPartitioner equality") {
  const rill::HashPartitioner p2(2), p4(4), anotherP4(4);
  CHECK(p2 == p2);
  CHECK(p4 == p4);
  CHECK_FALSE(p2 == p4);
  CHECK_FALSE(p4 == p2);
  CHECK(p4 == anotherP4);
  CHECK(anotherP4 == p4);
}

TEST_CASE("PartitioningSuite: RangePartitioner equality") {
  rill_test::withWorkers([](SparkContext& sc) {
    // Every element the same, so the range bounds are deterministically the same: one bound, two partitions.
    auto rdd = sc.parallelize(std::vector<int>{1, 1, 1, 1}).map([](int x) { return std::pair(x, x); }).toRDD();
    const auto p2 = rdd.sortByKey(true, 2).partitioner(), p4 = rdd.sortByKey(true, 4).partitioner();
    const auto anotherP4 = rdd.sortByKey(true, 4).partitioner();
    const auto descendingP2 = rdd.sortByKey(false, 2).partitioner();
    const auto descendingP4 = rdd.sortByKey(false, 4).partitioner();
    CHECK(p4->numPartitions() == 2);
    // Spark's assertions, each pair both ways: equal bounds and direction are equal partitioners.
    const auto same = [](const auto& a, const auto& b) { return equal(a, b) && equal(b, a); };
    for (const auto* p : {&p2, &p4, &anotherP4, &descendingP2, &descendingP4}) CHECK(same(*p, *p));
    CHECK(same(p2, p4));
    CHECK(same(p4, anotherP4));
    CHECK(same(descendingP2, descendingP4));
    CHECK_FALSE(equal(p2, descendingP2));
    CHECK_FALSE(equal(descendingP2, p2));
    CHECK_FALSE(equal(p4, descendingP4));
    CHECK_FALSE(equal(descendingP4, p4));
  });
}

TEST_CASE("PartitioningSuite: RangePartitioner getPartition") {
  SparkContext sc(rill_test::conf(2));
  auto rdd = sc.parallelize(pairsOf(1, 2000));
  for (const std::size_t numPartitions : {1u, 2u, 10u, 100u, 500u, 1000u, 1500u}) {
    CAPTURE(numPartitions);
    const auto info = rdd.sortByKey(true, numPartitions).partitioner();
    const auto* partitioner = info->target<rill::RangePartitioner<int>>();
    REQUIRE(partitioner != nullptr);
    const auto& rangeBounds = partitioner->bounds();
    for (int element = 1; element <= 1000; ++element) {
      const std::size_t partition = partitioner->getPartition(element);
      if (numPartitions > 1) {
        if (partition < rangeBounds.size()) CHECK(element <= rangeBounds[partition]);
        if (partition > 0) CHECK(element > rangeBounds[partition - 1]);
      } else {
        CHECK(partition == 0);
      }
    }
  }
}

namespace {

/// Spark's Item: no operator<, only an ordering given to the sort.
struct Item {
  int value;
  bool operator==(const Item&) const = default;
};

}  // namespace

TEST_CASE("PartitioningSuite: RangePartitioner for keys that are not Comparable (but with Ordering)") {
  SparkContext sc(rill_test::conf(2));
  const auto rowOrdering = [](const Item& x, const Item& y) { return x.value < y.value; };
  auto rdd = sc.parallelize(iota(1, 4501)).map([](int x) { return std::pair(Item{x}, Item{x}); }).toRDD();
  const auto info = rdd.sortByKey(true, 1500, rowOrdering).partitioner();
  const auto* partitioner = info->target<rill::RangePartitioner<Item, std::remove_const_t<decltype(rowOrdering)>>>();
  REQUIRE(partitioner != nullptr);
  CHECK(partitioner->getPartition(Item{100}) < partitioner->numPartitions());
}

TEST_CASE("PartitioningSuite: RangePartitioner.determineBounds") {
  std::vector<std::pair<std::int64_t, std::vector<int>>> none;
  CHECK(rill::detail::rangeBounds(none, 10, std::less<>()).empty());  // no candidates: no bounds
  // Spark's candidates (0.7, 2.0f), (0.1, 1.0f), (0.4, 1.0f), (0.3, 1.0f), (0.2, 1.0f), (0.5, 1.0f), (1.0, 3.0f):
  // a key sampled from a partition of c elements with s samples weighs c / s.
  std::vector<std::pair<std::int64_t, std::vector<double>>> candidates{
      {2, {0.7}}, {5, {0.1, 0.4, 0.3, 0.2, 0.5}}, {3, {1.0}}};
  CHECK(rill::detail::rangeBounds(candidates, 3, std::less<>()) == std::vector<double>{0.4, 0.7});
}

namespace {

/// Spark's skewed inputs: partition i of 20 holds count(i) keys drawn in [i, i + 1).
rill::RDD<std::pair<double, int>> skewed(SparkContext& sc, std::size_t (*count)(std::size_t)) {
  std::vector<std::vector<std::pair<double, int>>> parts(20);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::mt19937_64 random(i);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (std::size_t k = 0; k < count(i); ++k) parts[i].emplace_back(unit(random) + static_cast<double>(i), i);
  }
  return sc.fromPartitions(std::move(parts));
}

void checkBalanced(const rill::RDD<std::pair<double, int>>& rdd, std::size_t numPartitions) {
  CAPTURE(numPartitions);
  auto sorted = rdd.sortByKey(true, numPartitions);
  CHECK(sorted.getNumPartitions() == numPartitions);
  std::vector<std::size_t> counts;
  for (const auto& partition : sorted.glom().collect()) counts.push_back(partition.size());
  CHECK(static_cast<double>(*std::max_element(counts.begin(), counts.end())) <
        3.0 * static_cast<double>(*std::min_element(counts.begin(), counts.end())));
}

}  // namespace

TEST_CASE("PartitioningSuite: RangePartitioner on roughly balanced and on unbalanced data") {
  SparkContext sc(rill_test::conf(2));
  auto balanced = skewed(sc, [](std::size_t i) { return 5000 * i; }).cache();
  for (const std::size_t n : {10u, 20u, 40u}) checkBalanced(balanced, n);
  auto unbalanced = skewed(sc, [](std::size_t i) { return 20 * i * i * i; }).cache();
  for (const std::size_t n : {2u, 4u, 8u}) checkBalanced(unbalanced, n);
}

TEST_CASE("PartitioningSuite: RangePartitioner should return a single partition for empty RDDs") {
  sameAsOneProcess([](SparkContext& sc) {
    auto empty1 = sc.emptyRDD<std::pair<int, double>>();
    auto empty2 = sc.makeRDD(iota(0, 2), 2).flatMap([](int) { return std::vector<std::pair<int, double>>{}; });
    return std::pair(empty1.sortByKey().partitioner()->numPartitions(),
                     empty2.toRDD().sortByKey(true, 2).partitioner()->numPartitions());
  }, std::pair(std::size_t{1}, std::size_t{1}));
}

TEST_CASE("PartitioningSuite: HashPartitioner not equal to RangePartitioner") {
  rill_test::withWorkers([](SparkContext& sc) {
    auto rdd = sc.parallelize(pairsOf(1, 10));
    const auto rangeP2 = rdd.sortByKey(true, 2).partitioner();
    const auto hashP2 = rdd.partitionBy(rill::HashPartitioner(2)).partitioner();
    CHECK(equal(rangeP2, rangeP2));
    CHECK(equal(hashP2, hashP2));
    CHECK_FALSE(equal(hashP2, rangeP2));
    CHECK_FALSE(equal(rangeP2, hashP2));
  });
}

TEST_CASE("PartitioningSuite: partitioner preservation") {
  rill_test::withWorkers([](SparkContext& sc) {
    auto rdd = sc.parallelize(iota(1, 11), 4).map([](int x) { return std::pair(x, x); }).toRDD();
    auto grouped2 = rdd.groupByKey(2), grouped4 = rdd.groupByKey(4);
    auto reduced2 = rdd.reduceByKey(std::plus<>(), 2), reduced4 = rdd.reduceByKey(std::plus<>(), 4);
    CHECK_FALSE(rdd.partitioner());
    CHECK(hashPartitions(grouped2.partitioner()) == 2);
    CHECK(hashPartitions(grouped4.partitioner()) == 4);
    CHECK(hashPartitions(reduced2.partitioner()) == 2);
    CHECK(hashPartitions(reduced4.partitioner()) == 4);

    CHECK(equal(grouped2.groupByKey().partitioner(), grouped2.partitioner()));
    CHECK_FALSE(equal(grouped2.groupByKey(3).partitioner(), grouped2.partitioner()));
    CHECK(equal(grouped2.groupByKey(2).partitioner(), grouped2.partitioner()));
    CHECK(equal(grouped4.groupByKey().partitioner(), grouped4.partitioner()));
    CHECK_FALSE(equal(grouped4.groupByKey(3).partitioner(), grouped4.partitioner()));
    CHECK(equal(grouped4.groupByKey(4).partitioner(), grouped4.partitioner()));

    CHECK(equal(grouped2.join(grouped4).partitioner(), grouped4.partitioner()));
    CHECK(equal(grouped2.leftOuterJoin(grouped4).partitioner(), grouped4.partitioner()));
    CHECK(equal(grouped2.rightOuterJoin(grouped4).partitioner(), grouped4.partitioner()));
    CHECK(equal(grouped2.fullOuterJoin(grouped4).partitioner(), grouped4.partitioner()));
    CHECK(equal(grouped2.cogroup(grouped4).partitioner(), grouped4.partitioner()));

    CHECK(equal(grouped2.join(reduced2).partitioner(), grouped2.partitioner()));
    CHECK(equal(grouped2.leftOuterJoin(reduced2).partitioner(), grouped2.partitioner()));
    CHECK(equal(grouped2.rightOuterJoin(reduced2).partitioner(), grouped2.partitioner()));
    CHECK(equal(grouped2.fullOuterJoin(reduced2).partitioner(), grouped2.partitioner()));
    CHECK(equal(grouped2.cogroup(reduced2).partitioner(), grouped2.partitioner()));

    CHECK_FALSE(grouped2.map([](const auto&) { return 1; }).toRDD().partitioner());
    CHECK(equal(grouped2.mapValues([](const auto&) { return 1; }).toRDD().partitioner(), grouped2.partitioner()));
    CHECK(equal(grouped2.flatMapValues([](const auto&) { return std::vector<int>{1}; }).toRDD().partitioner(),
                grouped2.partitioner()));
    CHECK(equal(grouped2.filter([](const auto& kv) { return kv.first > 4; }).toRDD().partitioner(),
                grouped2.partitioner()));
  });
}

TEST_CASE("PartitioningSuite: zero-length partitions should be correctly handled") {
  sameAsOneProcess([](SparkContext& sc) {
    // Consecutive empty partitions, the first one included.
    auto rdd = sc.parallelize(std::vector<double>{-1.0, -1.0, -1.0, -1.0, 2.0, 4.0, -1.0, -1.0}, 8)
                   .filter([](double x) { return x >= 0.0; })
                   .toRDD();
    const rill::StatCounter stats = rdd.stats();
    CHECK(rdd.variance() == rdd.popVariance());
    CHECK(rdd.stdev() == rdd.popStdev());
    return std::vector<double>{stats.sum(),           rdd.mean(),         rdd.variance(), rdd.stdev(),
                               rdd.sampleVariance(), rdd.sampleStdev(), stats.max(),    stats.min()};
  }, std::vector<double>{6.0, 3.0, 1.0, 1.0, 2.0, std::sqrt(2.0), 4.0, 2.0});
}

TEST_CASE("PartitioningSuite: Number of elements in RDD is less than number of partitions") {
  sameAsOneProcess(
      [](SparkContext& sc) { return sc.parallelize(pairsOf(1, 3)).sortByKey(true, 22).getNumPartitions(); },
      std::size_t{3});
}

TEST_CASE("PartitioningSuite: defaultPartitioner, and when defaultParallelism is set") {
  const auto inputs = [](SparkContext& sc) {
    return std::tuple(sc.parallelize(pairsOf(1, 1000), 150),
                      sc.parallelize(VP{{1, 2}, {2, 3}, {2, 4}, {3, 4}}).partitionBy(rill::HashPartitioner(10)),
                      sc.parallelize(VP{{1, 6}, {7, 8}, {3, 10}, {5, 12}, {13, 14}})
                          .partitionBy(rill::HashPartitioner(100)),
                      sc.parallelize(VP{{1, 2}, {2, 3}, {2, 4}, {3, 4}}).partitionBy(rill::HashPartitioner(9)),
                      sc.parallelize(pairsOf(1, 10), 11),
                      sc.parallelize(VP{{1, 2}, {2, 3}, {2, 4}, {3, 4}}).partitionBy(rill::HashPartitioner(3)));
  };
  // The partition counts of Spark's partitioner1 to partitioner7.
  const auto chosen = [&](SparkContext& sc) {
    auto [rdd1, rdd2, rdd3, rdd4, rdd5, rdd6] = inputs(sc);
    return std::vector<std::size_t>{rdd1.cogroup(rdd2).getNumPartitions(), rdd2.cogroup(rdd3).getNumPartitions(),
                                    rdd3.cogroup(rdd1).getNumPartitions(), rdd1.cogroup(rdd2, rdd3).getNumPartitions(),
                                    rdd4.cogroup(rdd5).getNumPartitions(), rdd5.cogroup(rdd5).getNumPartitions(),
                                    rdd1.cogroup(rdd6).getNumPartitions()};
  };
  rill_test::withWorkers([&](SparkContext& sc) {
    auto counts = chosen(sc);
    counts.resize(5);  // Spark checks the first five without spark.default.parallelism
    CHECK(counts == std::vector<std::size_t>{150, 100, 100, 100, 9});  // rdd1's, rdd3's, rdd3's, rdd3's, rdd4's
  });
  SparkContext sc(rill::SparkConf().setMaster("local[2]").set("spark.default.parallelism", "4"));
  // rdd2's, rdd3's, rdd3's, rdd3's, rdd4's, then sc.defaultParallelism twice.
  CHECK(chosen(sc) == std::vector<std::size_t>{10, 100, 100, 100, 9, 4, 4});
}
