// Cases of Spark's PairRDDFunctionsSuite (core/src/test/scala/org/apache/spark/rdd),
// with Spark's inputs and the results Spark's assertions expect; each case names
// the Spark test it comes from. Results Spark compares as sets are compared
// sorted. Most cases also run on in-process ranks
// (distributed_test_support.hpp) and must give what one process gives.
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using distributed_test::sameAsOneProcess;
using rill::SparkContext;
using rill_test::iota;
using rill_test::sorted;

namespace {

using P = std::pair<int, int>;
using PC = std::pair<int, char>;
using VP = std::vector<P>;
using VI = std::vector<int>;
using VC = std::vector<char>;

const VP kLeft{{1, 1}, {1, 2}, {2, 1}, {3, 1}};            // Spark's rdd1
const std::vector<PC> kRight{{1, 'x'}, {2, 'y'}, {2, 'z'}, {4, 'w'}};  // Spark's rdd2
const VP kDuplicates{{1, 1}, {1, 2}, {1, 3}, {1, 1}, {2, 1}};

/// Spark's test partitioners: the key itself is the partition.
struct KeyIsPartition {
  std::size_t partitions;
  std::size_t numPartitions() const { return partitions; }
  std::size_t getPartition(int key) const { return static_cast<std::size_t>(key); }
};

/// Math.abs(key.hashCode % 2) (an Int's hashCode is itself).
struct AbsModTwo {
  std::size_t numPartitions() const { return 2; }
  std::size_t getPartition(int key) const { return static_cast<std::size_t>(std::abs(key % 2)); }
};

/// key.hashCode % 2: -1 for a negative odd key, a partition that does not exist.
struct ModTwo {
  std::size_t numPartitions() const { return 2; }
  int getPartition(int key) const { return key % 2; }
};

/// A group's values sorted, the groups sorted by key.
template <class K, class V>
std::vector<std::pair<K, std::vector<V>>> sortedGroups(std::vector<std::pair<K, std::vector<V>>> groups) {
  for (auto& group : groups) group.second = sorted(std::move(group.second));
  return sorted(std::move(groups));
}

}  // namespace

TEST_CASE("PairRDDFunctionsSuite: aggregateByKey") {
  sameAsOneProcess([](SparkContext& sc) {
    auto pairs = sc.parallelize(VP{{1, 1}, {1, 1}, {3, 2}, {5, 1}, {5, 3}}, 2);
    auto sets = pairs.aggregateByKey(
        std::set<int>{},
        [](std::set<int> set, int v) {
          set.insert(v);
          return set;
        },
        [](std::set<int> a, const std::set<int>& b) {
          a.insert(b.begin(), b.end());
          return a;
        });
    return sorted(sets.collect());
  }, std::vector<std::pair<int, std::set<int>>>{{1, {1}}, {3, {2}}, {5, {1, 3}}});
}

TEST_CASE("PairRDDFunctionsSuite: groupByKey, with duplicates, negative keys, many output partitions") {
  using Groups = std::vector<std::pair<int, VI>>;
  sameAsOneProcess([](SparkContext& sc) {
    auto many = sc.parallelize(VP{{1, 1}, {1, 2}, {1, 3}, {2, 1}}).groupByKey(10);
    CHECK(many.getNumPartitions() == 10);
    const auto groups = [&](const VP& pairs) { return sortedGroups(sc.parallelize(pairs).groupByKey().collect()); };
    return std::vector<Groups>{groups(VP{{1, 1}, {1, 2}, {1, 3}, {2, 1}}), groups(kDuplicates),
                               groups(VP{{-1, 1}, {-1, 2}, {-1, 3}, {2, 1}}), sortedGroups(many.collect())};
  }, std::vector<Groups>{{{1, {1, 2, 3}}, {2, {1}}}, {{1, {1, 1, 2, 3}}, {2, {1}}}, {{-1, {1, 2, 3}}, {2, {1}}},
                         {{1, {1, 2, 3}}, {2, {1}}}});
}

TEST_CASE("PairRDDFunctionsSuite: reduceByKey, with collectAsMap, with many output partitions") {
  sameAsOneProcess([](SparkContext& sc) {
    auto pairs = sc.parallelize(kDuplicates);
    const auto sums = pairs.reduceByKey(std::plus<>()).collectAsMap();
    CHECK(sums.size() == 2);
    CHECK(sums.at(1) == 7);
    CHECK(sums.at(2) == 1);
    auto ten = pairs.reduceByKey(std::plus<>(), 10);
    CHECK(ten.getNumPartitions() == 10);
    return std::pair(sorted(pairs.reduceByKey(std::plus<>()).collect()), sorted(ten.collect()));
  }, std::pair(VP{{1, 7}, {2, 1}}, VP{{1, 7}, {2, 1}}));
}

TEST_CASE("PairRDDFunctionsSuite: reduceByKey with partitioner") {
  sameAsOneProcess([](SparkContext& sc) {
    auto pairs = sc.parallelize(VP{{1, 1}, {1, 2}, {1, 1}, {0, 1}}).partitionBy(KeyIsPartition{2});
    auto sums = pairs.reduceByKey(std::plus<>());
    CHECK((sums.partitioner() == pairs.partitioner()));  // reduced where the partitioner put them
    return sums.glom().collect();
  }, std::vector<VP>{{{0, 1}}, {{1, 4}}});
}

TEST_CASE("PairRDDFunctionsSuite: join, join all-to-all, the outer joins, no matches, many output partitions") {
  using J = std::pair<int, std::pair<int, char>>;
  using L = std::pair<int, std::pair<int, std::optional<char>>>;
  using R = std::pair<int, std::pair<std::optional<int>, char>>;
  using F = std::pair<int, std::pair<std::optional<int>, std::optional<char>>>;
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd1 = sc.parallelize(kLeft);
    auto rdd2 = sc.parallelize(kRight);
    auto joined10 = rdd1.join(rdd2, 10);
    CHECK(joined10.getNumPartitions() == 10);
    CHECK(sorted(joined10.collect()) == sorted(rdd1.join(rdd2).collect()));
    auto allToAll =
        sc.parallelize(VP{{1, 1}, {1, 2}, {1, 3}}).join(sc.parallelize(std::vector<PC>{{1, 'x'}, {1, 'y'}}));
    auto noMatches = rdd1.join(sc.parallelize(std::vector<PC>{{4, 'x'}, {5, 'y'}, {5, 'z'}, {6, 'w'}}));
    return std::tuple(sorted(rdd1.join(rdd2).collect()), sorted(allToAll.collect()), noMatches.count(),
                      sorted(rdd1.leftOuterJoin(rdd2).collect()), sorted(rdd1.rightOuterJoin(rdd2).collect()),
                      sorted(rdd1.fullOuterJoin(rdd2).collect()));
  }, std::tuple(std::vector<J>{{1, {1, 'x'}}, {1, {2, 'x'}}, {2, {1, 'y'}}, {2, {1, 'z'}}},
                std::vector<J>{
                    {1, {1, 'x'}}, {1, {1, 'y'}}, {1, {2, 'x'}}, {1, {2, 'y'}}, {1, {3, 'x'}}, {1, {3, 'y'}}},
                std::int64_t{0},
                std::vector<L>{{1, {1, 'x'}}, {1, {2, 'x'}}, {2, {1, 'y'}}, {2, {1, 'z'}}, {3, {1, std::nullopt}}},
                std::vector<R>{{1, {1, 'x'}}, {1, {2, 'x'}}, {2, {1, 'y'}}, {2, {1, 'z'}}, {4, {std::nullopt, 'w'}}},
                std::vector<F>{{1, {1, 'x'}}, {1, {2, 'x'}}, {2, {1, 'y'}}, {2, {1, 'z'}}, {3, {1, std::nullopt}},
                               {4, {std::nullopt, 'w'}}}));
}

TEST_CASE("PairRDDFunctionsSuite: cogroup with empty RDD and with a groupBy'd RDD having 0 partitions (SPARK-9326)") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd1 = sc.parallelize(kLeft);
    auto emptyPairs = sc.emptyRDD<P>();
    auto grouped = sc.emptyRDD<int>().groupBy([](int) { return 5; });
    return std::pair(rdd1.cogroup(emptyPairs).count(), rdd1.cogroup(grouped).count());
  }, std::pair(std::int64_t{3}, std::int64_t{3}));
}

TEST_CASE("PairRDDFunctionsSuite: cogroup between multiple RDDs: the default partitioner (SPARK-22465)") {
  VP thousand;
  for (int x = 1; x <= 1000; ++x) thousand.emplace_back(x, x);
  const VP four{{1, 1}, {1, 2}, {2, 1}, {3, 1}};
  rill_test::withWorkers([&](SparkContext& sc) {
    // An order of magnitude difference in number of partitions: HashPartitioner(1000), not rdd2's.
    auto rdd2 = sc.parallelize(four).partitionBy(rill::HashPartitioner(10));
    CHECK(sc.parallelize(thousand, 1000).cogroup(rdd2).getNumPartitions() == 1000);
    // Similar in order of magnitude: rdd2's partitioner.
    CHECK(sc.parallelize(thousand, 20).cogroup(rdd2).getNumPartitions() == 10);
  });
  SparkContext sc(rill::SparkConf().setMaster("local[2]").set("spark.default.parallelism", "4"));
  CHECK(sc.defaultParallelism() == 4);
  auto rdd2 = sc.parallelize(four).partitionBy(rill::HashPartitioner(10));
  // spark.default.parallelism set, no partitioner: HashPartitioner(4).
  CHECK(sc.parallelize(thousand, 20).cogroup(sc.parallelize(four, 10)).getNumPartitions() == 4);
  // ... with a proper partitioner, and with a huge number of partitions upstream: rdd2's.
  CHECK(sc.parallelize(thousand, 20).cogroup(rdd2).getNumPartitions() == 10);
  CHECK(sc.parallelize(thousand, 1000).cogroup(rdd2).getNumPartitions() == 10);
}

TEST_CASE("PairRDDFunctionsSuite: groupWith and groupWith3 (cogroup)") {
  using G2 = std::pair<int, std::pair<VI, VC>>;
  using G3 = std::pair<int, std::tuple<VI, VC, VC>>;
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd1 = sc.parallelize(kLeft);
    auto rdd2 = sc.parallelize(kRight);
    auto rdd3 = sc.parallelize(std::vector<PC>{{1, 'a'}, {3, 'b'}, {4, 'c'}, {4, 'd'}});
    auto two = rdd1.cogroup(rdd2).collect();
    for (auto& [key, groups] : two) groups = {sorted(groups.first), sorted(groups.second)};
    auto three = rdd1.cogroup(rdd2, rdd3).collect();
    for (auto& [key, groups] : three)
      groups = {sorted(std::get<0>(groups)), sorted(std::get<1>(groups)), sorted(std::get<2>(groups))};
    return std::pair(sorted(two), sorted(three));
  }, std::pair(std::vector<G2>{{1, {{1, 2}, {'x'}}}, {2, {{1}, {'y', 'z'}}}, {3, {{1}, {}}}, {4, {{}, {'w'}}}},
               std::vector<G3>{{1, {{1, 2}, {'x'}, {'a'}}}, {2, {{1}, {'y', 'z'}, {}}}, {3, {{1}, {}, {'b'}}},
                               {4, {{}, {'w'}, {'c', 'd'}}}}));
}

TEST_CASE("PairRDDFunctionsSuite: zero-partition RDD") {
  const auto emptyDir = rill_test::tmpPath("pair_rdd_suite_empty_dir");
  std::filesystem::create_directories(emptyDir);
  rill_test::withWorkers([&](SparkContext& sc) {
    auto file = sc.textFile(emptyDir);
    CHECK(file.getNumPartitions() == 0);
    CHECK(file.collect().empty());
    // A shuffle of it works too.
    auto counted =
        file.map([](const std::string& line) { return std::pair(line, 1); }).toRDD().reduceByKey(std::plus<>());
    CHECK(counted.collect().empty());
  });
}

TEST_CASE("PairRDDFunctionsSuite: keys and values") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.parallelize(std::vector<std::pair<int, std::string>>{{1, "a"}, {2, "b"}});
    return std::pair(rdd.keys().collect(), rdd.values().collect());
  }, std::pair(VI{1, 2}, std::vector<std::string>{"a", "b"}));
}

TEST_CASE("PairRDDFunctionsSuite: default partitioner uses partition size, and the largest partitioner") {
  sameAsOneProcess([](SparkContext& sc) {
    // A map drops the partitioner; groupByKey then keeps the 2000 partitions.
    auto b = sc.makeRDD(VI{1, 2, 3, 4}, 2000).map([](int a) { return std::pair(a, std::to_string(a * 2)); });
    auto c = b.toRDD().groupByKey();
    using PS = std::pair<int, std::string>;
    const std::vector<PS> ab{{1, "a"}, {2, "b"}};
    auto joined = sc.makeRDD(ab, 2).join(sc.makeRDD(ab, 2000));
    return std::pair(c.getNumPartitions(), joined.getNumPartitions());
  }, std::pair(std::size_t{2000}, std::size_t{2000}));
}

TEST_CASE("PairRDDFunctionsSuite: subtract and subtractByKey, with a narrow dependency") {
  using PS = std::pair<int, std::string>;
  sameAsOneProcess([](SparkContext& sc) {
    auto c = sc.parallelize(VI{1, 2, 3}, 2).subtract(sc.parallelize(VI{2, 3, 4}, 4));
    CHECK(c.getNumPartitions() == 2);
    // partitionBy for a narrow dependency; the other side has no partitioner, so it is shuffled.
    auto a = sc.parallelize(std::vector<PS>{{1, "a"}, {2, "b"}, {3, "c"}}).partitionBy(KeyIsPartition{5});
    auto b = sc.parallelize(std::vector<PS>{{2, "b"}, {3, "cc"}, {4, "d"}}, 4);
    auto narrow = a.subtract(b);
    CHECK_FALSE(narrow.partitioner());  // Spark: "Ideally we could keep the original partitioner..."
    auto byKey = sc.parallelize(std::vector<PS>{{1, "a"}, {1, "a"}, {2, "b"}, {3, "c"}}, 2)
                     .subtractByKey(sc.parallelize(VP{{2, 20}, {3, 30}, {4, 40}}, 4));
    CHECK(byKey.getNumPartitions() == 2);
    auto partitioned =
        sc.parallelize(std::vector<PS>{{1, "a"}, {1, "a"}, {2, "b"}, {3, "c"}}).partitionBy(KeyIsPartition{5});
    auto narrowByKey = partitioned.subtractByKey(b);
    CHECK((narrowByKey.partitioner() == partitioned.partitioner()));
    return std::tuple(c.collect(), sorted(narrow.collect()), sorted(byKey.collect()), sorted(narrowByKey.collect()));
  }, std::tuple(VI{1}, std::vector<PS>{{1, "a"}, {3, "c"}}, std::vector<PS>{{1, "a"}, {1, "a"}},
                std::vector<PS>{{1, "a"}, {1, "a"}}));
}

TEST_CASE("PairRDDFunctionsSuite: foldByKey, and with a mutable result type") {
  using PV = std::pair<int, VI>;
  sameAsOneProcess([](SparkContext& sc) {
    auto pairs = sc.parallelize(kDuplicates);
    auto bufs = pairs.mapValues([](int v) { return VI{v}; }).toRDD().cache();
    auto sums = bufs.foldByKey(VI{}, [](VI a, const VI& b) {
      a.insert(a.end(), b.begin(), b.end());
      return a;
    });
    return std::tuple(sorted(pairs.foldByKey(0, std::plus<>()).collect()), sorted(sums.collect()), bufs.collect());
  }, std::tuple(VP{{1, 7}, {2, 1}}, std::vector<PV>{{1, {1, 2, 3, 1}}, {2, {1}}},
                // the values of the cached input are left as they were
                std::vector<PV>{{1, {1}}, {1, {2}}, {1, {3}}, {1, {1}}, {2, {1}}}));
}

TEST_CASE("PairRDDFunctionsSuite: lookup, with a partitioner, with a bad partitioner") {
  sameAsOneProcess([](SparkContext& sc) {
    auto pairs = sc.parallelize(VP{{1, 2}, {3, 4}, {5, 6}, {5, 7}});
    CHECK_FALSE(pairs.partitioner());
    auto shuffled = pairs.partitionBy(AbsModTwo{});
    CHECK(shuffled.partitioner());
    return std::vector<VI>{pairs.lookup(1), pairs.lookup(5), pairs.lookup(-1),
                           shuffled.lookup(1), shuffled.lookup(5), shuffled.lookup(-1)};
  }, std::vector<VI>{{2}, {6, 7}, {}, {2}, {6, 7}, {}});
  // key % 2 is -1 for -1: Spark's lookup then asks for a partition that does not exist, an
  // IllegalArgumentException.
  distributed_test::sameFailureAsOneProcess(
      [](SparkContext& sc) {
        auto shuffled = sc.parallelize(VP{{1, 2}, {3, 4}, {5, 6}, {5, 7}}).partitionBy(ModTwo{});
        CHECK(shuffled.lookup(1) == VI{2});
        return shuffled.lookup(-1);
      },
      "std::invalid_argument: rill: Attempting to access a non-existent partition: -1. Total number of partitions: 2");
}
