// Cases of Spark's RDDSuite (core/src/test/scala/org/apache/spark/rdd), with
// Spark's inputs and the results Spark's assertions expect; each case names
// the Spark test it comes from. Where a result may depend on how many threads
// or processes compute it, the case also runs on in-process ranks
// (distributed_test_support.hpp) and must give what one process gives.
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>
#include <random>
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

using VI = std::vector<int>;
using VVI = std::vector<VI>;

}  // namespace

TEST_CASE("RDDSuite: basic operations") {
  sameAsOneProcess([](SparkContext& sc) {
    auto nums = sc.makeRDD(VI{1, 2, 3, 4}, 2);
    auto dups = sc.makeRDD(VI{1, 1, 2, 2, 3, 3, 4, 4}, 2);
    CHECK(nums.getNumPartitions() == 2);
    CHECK(dups.distinct().count() == 4);
    CHECK(dups.distinct().collect() == dups.distinct(2).collect());
    CHECK(nums.reduce(std::plus<>()) == 10);
    CHECK(nums.fold(0, std::plus<>()) == 10);
    CHECK(nums.map([](int x) { return std::to_string(x); }).collect() == std::vector<std::string>{"1", "2", "3", "4"});
    CHECK(nums.filter([](int x) { return x > 2; }).collect() == VI{3, 4});
    CHECK(nums.flatMap([](int x) { return iota(1, x + 1); }).collect() == VI{1, 1, 2, 1, 2, 3, 1, 2, 3, 4});
    CHECK(nums.union_(nums).collect() == VI{1, 2, 3, 4, 1, 2, 3, 4});
    CHECK(nums.glom().collect() == VVI{{1, 2}, {3, 4}});
    CHECK(nums.keyBy([](int x) { return std::to_string(x); }).collect() ==
          std::vector<std::pair<std::string, int>>{{"1", 1}, {"2", 2}, {"3", 3}, {"4", 4}});
    CHECK_FALSE(nums.isEmpty());
    CHECK(nums.max() == 4);
    CHECK(nums.min() == 1);
    const auto sum = [](VI& part) { return VI{std::accumulate(part.begin(), part.end(), 0)}; };
    CHECK(nums.mapPartitions(sum).collect() == VI{3, 7});
    const auto indexedSum = [](std::size_t split, VI& part) {
      return std::vector<std::pair<std::size_t, int>>{{split, std::accumulate(part.begin(), part.end(), 0)}};
    };
    CHECK(nums.mapPartitionsWithIndex(indexedSum).collect() ==
          std::vector<std::pair<std::size_t, int>>{{0, 3}, {1, 7}});
    CHECK_THROWS_AS(nums.filter([](int x) { return x > 5; }).reduce(std::plus<>()),
                    rill::UnsupportedOperationException);
    return nums.collect();
  }, VI{1, 2, 3, 4});
}

TEST_CASE("RDDSuite: distinct with known partitioner preserves partitioning") {
  rill_test::withWorkers([](SparkContext& sc) {
    auto rdd =
        sc.parallelize(iota(1, 101), 10).map([](int x) { return std::pair(x % 10, x % 10); }).toRDD().sortByKey();
    auto distinctRdd = rdd.distinct();
    CHECK((distinctRdd.partitioner() == rdd.partitioner()));
    auto distinctRddDifferent = rdd.distinct(5);
    CHECK_FALSE((distinctRddDifferent.partitioner() == rdd.partitioner()));
    CHECK(sorted(distinctRdd.collect()) == sorted(distinctRddDifferent.collect()));
    CHECK(distinctRdd.count() == 10);
  });
}

TEST_CASE("RDDSuite: countApproxDistinct") {
  // Spark's bounds on the estimate's relative error; relativeSD 0.5 asks for fewer than 2^4
  // registers, which Spark raises to 2^4 (p = 4) rather than refusing.
  const auto error = [](std::int64_t est, double size) { return std::abs(static_cast<double>(est) - size) / size; };
  rill_test::withWorkers([&](SparkContext& sc) {
    VI uniform;
    for (int i = 1; i <= 5000; ++i) uniform.push_back(i % 1000);
    auto simple = sc.makeRDD(uniform, 10);
    CHECK(error(simple.countApproxDistinct(0.02), 1000) < 0.1);
    CHECK(error(simple.countApproxDistinct(0.5), 1000) < 0.22);
    CHECK(simple.countApproxDistinct(0.5) == simple.countApproxDistinct(0.3727));  // both p = 4
  });
}

TEST_CASE("RDDSuite: SparkContext.union") {
  sameAsOneProcess([](SparkContext& sc) {
    auto nums = sc.makeRDD(VI{1, 2, 3, 4}, 2);
    return std::tuple(sc.union_(nums).collect(), sc.union_(nums, nums).collect(),
                      sc.union_(std::vector<rill::RDD<int>>{nums}).collect(),
                      sc.union_(std::vector<rill::RDD<int>>{nums, nums}).collect());
  }, std::tuple(VI{1, 2, 3, 4}, VI{1, 2, 3, 4, 1, 2, 3, 4}, VI{1, 2, 3, 4}, VI{1, 2, 3, 4, 1, 2, 3, 4}));
}

TEST_CASE("RDDSuite: SPARK-23778: empty RDD in union should not produce a UnionRDD") {
  rill_test::withWorkers([](SparkContext& sc) {
    using P = std::pair<int, bool>;
    auto withPartitioner = sc.parallelize(std::vector<P>{{1, true}}).partitionBy(rill::HashPartitioner(1));
    auto empty = sc.emptyRDD<P>();
    // The empty RDD has no partitions, so the union is partitioner-aware: it keeps the partitioner.
    auto unionRdd = sc.union_(empty, withPartitioner);
    CHECK((unionRdd.partitioner() == withPartitioner.partitioner()));
    CHECK(unionRdd.collect() == std::vector<P>{{1, true}});
    auto unionAllEmpty = sc.union_(empty, empty);
    CHECK_FALSE(unionAllEmpty.partitioner());
    CHECK(unionAllEmpty.collect().empty());
    // "SparkContext.union creates UnionRDD if at least one RDD has no partitioner"
    auto withoutPartitioner = sc.parallelize(std::vector<P>{{2, true}});
    CHECK_FALSE(sc.union_(withoutPartitioner, withPartitioner).partitioner());
  });
}

TEST_CASE("RDDSuite: partitioner aware union") {
  using P = std::pair<int, int>;
  sameAsOneProcess([](SparkContext& sc) {
    const auto withPartitioner = [&](int from, int to) {
      std::vector<P> pairs;
      for (int x = from; x <= to; ++x) pairs.emplace_back(x, 0);
      return sc.makeRDD(pairs, 1).partitionBy(rill::HashPartitioner(2));
    };
    auto nums1 = withPartitioner(1, 4), nums2 = withPartitioner(5, 8);
    CHECK(nums1.partitioner()->equals(*nums2.partitioner()));
    auto both = sc.union_(nums1, nums2);
    CHECK((both.partitioner() == nums1.partitioner()));
    const auto nums1Parts = nums1.glom().collect(), nums2Parts = nums2.glom().collect();
    const auto unionParts = both.glom().collect();
    REQUIRE(unionParts.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      auto expected = nums1Parts[i];
      expected.insert(expected.end(), nums2Parts[i].begin(), nums2Parts[i].end());
      CHECK(unionParts[i] == expected);
    }
    return sorted(both.keys().collect());
  }, iota(1, 9));
}

TEST_CASE("RDDSuite: fold, aggregate, treeAggregate and treeReduce") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.makeRDD(iota(-1000, 1000), 10);
    std::vector<std::int64_t> sums{rdd.fold(0, std::plus<>())};
    for (int depth = 1; depth < 10; ++depth) {
      sums.push_back(rdd.treeAggregate(std::int64_t{0}, [](std::int64_t c, int x) { return c + x; },
                                       [](std::int64_t a, std::int64_t b) { return a + b; }, depth));
      sums.push_back(rdd.treeReduce(std::plus<>(), depth));
    }
    return sums;
  }, std::vector<std::int64_t>(19, -1000));
  // "fold with op modifying first arg", "treeAggregate with ops modifying first args": an op that
  // changes its first argument and returns it must not change the zero another partition starts from.
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.makeRDD(iota(-1000, 1000), 10).map([](int x) { return VI{x}; });
    const auto op = [](VI c, const VI& x) {
      c[0] += x[0];
      return c;
    };
    VI sums{rdd.fold(VI{0}, op)[0]};
    for (int depth = 1; depth < 10; ++depth) sums.push_back(rdd.treeAggregate(VI{0}, op, op, depth)[0]);
    return sums;
  }, VI(10, -1000));
  // "aggregate": a map of sums per key.
  sameAsOneProcess([](SparkContext& sc) {
    using StringMap = std::map<std::string, int>;
    auto pairs = sc.makeRDD(std::vector<std::pair<std::string, int>>{{"a", 1}, {"b", 2}, {"a", 2}, {"c", 5}, {"a", 3}});
    return pairs.aggregate(
        StringMap{},
        [](StringMap map, const std::pair<std::string, int>& pair) {
          map[pair.first] += pair.second;
          return map;
        },
        [](StringMap map1, const StringMap& map2) {
          for (const auto& [key, value] : map2) map1[key] += value;
          return map1;
        });
  }, std::map<std::string, int>{{"a", 6}, {"b", 2}, {"c", 5}});
}

TEST_CASE("RDDSuite: basic caching") {
  rill_test::withWorkers([](SparkContext& sc) {
    auto rdd = sc.makeRDD(VI{1, 2, 3, 4}, 2).cache();
    for (int i = 0; i < 3; ++i) CHECK(rdd.collect() == VI{1, 2, 3, 4});
  });
}

TEST_CASE("RDDSuite: empty RDD") {
  sameAsOneProcess([](SparkContext& sc) {
    auto empty = sc.emptyRDD<int>();
    CHECK(empty.count() == 0);
    CHECK(empty.collect().empty());
    CHECK_THROWS_WITH_AS(empty.reduce(std::plus<>()), doctest::Contains("empty"), rill::UnsupportedOperationException);
    auto emptyKv = sc.emptyRDD<std::pair<int, int>>();
    auto rdd = sc.parallelize(iota(1, 3), 2).map([](int x) { return std::pair(x, x); }).toRDD();
    return std::vector<std::int64_t>{rdd.join(emptyKv).count(),      rdd.rightOuterJoin(emptyKv).count(),
                                     rdd.leftOuterJoin(emptyKv).count(), rdd.fullOuterJoin(emptyKv).count(),
                                     rdd.cogroup(emptyKv).count(),       rdd.union_(emptyKv).count()};
  }, std::vector<std::int64_t>{0, 0, 2, 2, 2, 2});
}

TEST_CASE("RDDSuite: repartitioned RDDs") {
  rill_test::withWorkers([](SparkContext& sc) {
    auto data = sc.parallelize(iota(1, 1001), 10);
    CHECK_THROWS_AS(data.repartition(0), std::invalid_argument);
    const auto input = data.collect();
    const std::set<int> all(input.begin(), input.end());
    for (const std::size_t n : {2u, 20u}) {
      auto repartitioned = data.repartition(n);
      CHECK(repartitioned.getNumPartitions() == n);
      const auto partitions = repartitioned.glom().collect();
      CHECK_FALSE(partitions.front().empty());
      CHECK_FALSE(partitions.back().empty());
      const auto collected = repartitioned.collect();
      CHECK(std::set<int>(collected.begin(), collected.end()) == all);
    }
    // "repartitioned RDDs perform load balancing": 1000 ones from 10 partitions into 2.
    auto ones = sc.parallelize(VI(1000, 1), 10).repartition(2);
    for (const auto& partition : ones.glom().collect())
      CHECK(std::abs(static_cast<int>(partition.size()) - 500) < 10);
    CHECK(ones.collect() == VI(1000, 1));
    // Spark's testSplitPartitions: every element kept, no partition empty or above avg + initial partitions.
    const auto split = [&](const VI& input, std::size_t initial, std::size_t final) {
      CAPTURE(initial);
      CAPTURE(final);
      auto repartitioned = sc.parallelize(input, initial).repartition(final);
      CHECK(repartitioned.getNumPartitions() == final);
      CHECK(sorted(repartitioned.collect()) == sorted(input));
      for (const auto& partition : repartitioned.glom().collect()) {
        CHECK(partition.size() <= input.size() / final + initial);
        CHECK_FALSE(partition.empty());
      }
    };
    // Spark's split of 100 elements from 10 partitions into 20 is left out: rill starts partition p's
    // round robin at p % n (README, "Coming from Spark"), so there the 10 partitions fill 0 to 18 and
    // leave 19 empty, where Spark's random start per partition fills them all.
    VI twos(10000, 1);
    twos.insert(twos.end(), 10000, 2);
    split(twos, 20, 100);
    split(VI(1000, 1), 250, 128);
    // "collect large number of empty partitions"
    const auto spread = sc.makeRDD(iota(0, 10), 1000).repartition(2001).collect();
    CHECK(sorted(spread) == iota(0, 10));
  });
}

TEST_CASE("RDDSuite: coalesced RDDs") {
  sameAsOneProcess([](SparkContext& sc) {
    auto data = sc.parallelize(iota(1, 11), 10);
    CHECK_THROWS_AS(data.coalesce(0), std::invalid_argument);
    VVI singles;
    for (int x = 1; x <= 10; ++x) singles.push_back({x});
    CHECK(data.coalesce(2).collect() == iota(1, 11));
    CHECK(data.coalesce(2).glom().collect() == VVI{{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}});
    CHECK(data.coalesce(3).glom().collect() == VVI{{1, 2, 3}, {4, 5, 6}, {7, 8, 9, 10}});
    CHECK(data.coalesce(10).glom().collect() == singles);
    CHECK(data.coalesce(20).glom().collect() == singles);  // never more partitions than before
    auto shuffled = data.coalesce(20, true);
    CHECK(shuffled.getNumPartitions() == 20);
    CHECK(sorted(shuffled.collect()) == iota(1, 11));
    CHECK(sorted(data.coalesce(1, true).collect()) == iota(1, 11));
    return data.coalesce(3).glom().collect();
  });
}

TEST_CASE("RDDSuite: zipped RDDs") {
  rill_test::withWorkers([](SparkContext& sc) {
    auto nums = sc.makeRDD(VI{1, 2, 3, 4}, 2);
    auto zipped = nums.zip(nums.map([](int x) { return x + 1.0; }));
    CHECK(zipped.glom().collect() ==
          std::vector<std::vector<std::pair<int, double>>>{{{1, 2.0}, {2, 3.0}}, {{3, 4.0}, {4, 5.0}}});
    CHECK_THROWS_AS(nums.zip(sc.parallelize(iota(1, 5), 1)).collect(), std::invalid_argument);
    CHECK_THROWS_AS(nums.zip(sc.parallelize(iota(1, 6), 2)).collect(), rill::SparkException);
  });
}

TEST_CASE("RDDSuite: take") {
  sameAsOneProcess([](SparkContext& sc) {
    for (const std::size_t slices : {1u, 2u, 100u, 1000u}) {
      CAPTURE(slices);
      auto nums = sc.makeRDD(iota(1, 1000), slices);
      CHECK(nums.take(0).empty());
      CHECK(nums.take(1) == VI{1});
      CHECK(nums.take(3) == VI{1, 2, 3});
      CHECK(nums.take(500) == iota(1, 501));
      CHECK(nums.take(501) == iota(1, 502));
      CHECK(nums.take(999) == iota(1, 1000));
      CHECK(nums.take(1000) == iota(1, 1000));
    }
    return sc.parallelize(iota(1, 3), 2).take(2147483638).size();
  }, std::size_t{2});
}

TEST_CASE("RDDSuite: top and takeOrdered, with the predefined and a custom ordering") {
  sameAsOneProcess([](SparkContext& sc) {
    VI nums = iota(1, 100000);
    std::shuffle(nums.begin(), nums.end(), std::mt19937(7));
    auto ints = sc.makeRDD(nums, 2);
    auto words = sc.makeRDD(std::vector<std::string>{"a", "b", "c", "d"}, 2);
    auto ten = sc.makeRDD(iota(1, 11), 2);
    // With the reversed ordering the "largest" two words are a and b (Spark's topK.sorted is (b, a)).
    return std::tuple(ints.top(5), words.top(2, std::greater<>()), ten.takeOrdered(5), ten.takeOrdered(0),
                      ten.takeOrdered(5, std::greater<>()));
  }, std::tuple(VI{99999, 99998, 99997, 99996, 99995}, std::vector<std::string>{"a", "b"}, VI{1, 2, 3, 4, 5}, VI{},
                VI{10, 9, 8, 7, 6}));
}

TEST_CASE("RDDSuite: isEmpty") {
  sameAsOneProcess([](SparkContext& sc) {
    return std::vector<bool>{sc.emptyRDD<int>().isEmpty(), sc.parallelize(VI{}).isEmpty(),
                             sc.parallelize(VI{1}).isEmpty(),
                             sc.parallelize(VI{1, 2, 3}, 3).filter([](int x) { return x < 0; }).isEmpty(),
                             sc.parallelize(VI{1, 2, 3}, 3).filter([](int x) { return x > 1; }).isEmpty()};
  }, std::vector<bool>{true, true, false, true, false});
}

TEST_CASE("RDDSuite: sample preserves partitioner") {
  rill_test::withWorkers([](SparkContext& sc) {
    auto rdd = sc.parallelize(std::vector<std::pair<int, int>>{{0, 1}, {2, 3}}).partitionBy(rill::HashPartitioner(2));
    for (const bool withReplacement : {true, false})
      CHECK((rdd.sample(withReplacement, 1.0).toRDD().partitioner() == rdd.partitioner()));
  });
}

TEST_CASE("RDDSuite: takeSample") {
  rill_test::withWorkers([](SparkContext& sc) {
    const int n = 100000;
    auto data = sc.parallelize(iota(1, n + 1), 2);
    const auto inRange = [&](const VI& sample) {
      return std::all_of(sample.begin(), sample.end(), [&](int x) { return 1 <= x && x <= n; });
    };
    const auto distinct = [](const VI& sample) { return std::set<int>(sample.begin(), sample.end()).size(); };
    for (const std::size_t num : {5u, 20u, 100u}) {
      const auto sample = data.takeSample(false, num);
      CHECK(sample.size() == num);
      CHECK(distinct(sample) == num);
      CHECK(inRange(sample));
    }
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      for (const std::size_t num : {20u, 100u}) {
        const auto sample = data.takeSample(false, num, seed);
        CHECK(sample.size() == num);
        CHECK(distinct(sample) == num);
        CHECK(inRange(sample));
      }
      const auto replaced = data.takeSample(true, 20, seed);
      CHECK(replaced.size() == 20);
      CHECK(inRange(replaced));
      for (const std::size_t num : {std::size_t{n}, std::size_t{2 * n}}) {
        const auto all = data.takeSample(true, num, seed);
        CHECK(all.size() == num);
        CHECK(distinct(all) < static_cast<std::size_t>(n));  // some element is drawn twice
        CHECK(inRange(all));
      }
    }
    // "takeSample from an empty rdd"
    CHECK(sc.parallelize(VI{}, 2).takeSample(false, 20, 1).empty());
  });
}

TEST_CASE("RDDSuite: randomSplit") {
  sameAsOneProcess([](SparkContext& sc) {
    const int n = 600;
    auto data = sc.parallelize(iota(1, n + 1), 2);
    std::vector<std::int64_t> counts;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      const auto splits = data.randomSplit({1.0, 2.0, 3.0}, seed);
      REQUIRE(splits.size() == 3);
      VI all;
      for (const auto& split : splits) {
        const auto part = split.collect();
        all.insert(all.end(), part.begin(), part.end());
        counts.push_back(split.count());
      }
      CHECK(sorted(all) == data.collect());
      CHECK(std::abs(counts[counts.size() - 3] - 100) < 50);
      CHECK(std::abs(counts[counts.size() - 2] - 200) < 50);
      CHECK(std::abs(counts[counts.size() - 1] - 300) < 50);
    }
    return counts;
  });
}

TEST_CASE("RDDSuite: sortBy (Spark's \"sortByKey\" cases) and an empty RDD") {
  sameAsOneProcess([](SparkContext& sc) {
    auto data = sc.parallelize(std::vector<std::string>{"5|50|A", "4|60|C", "6|40|B"});
    const auto field = [](std::size_t i) {
      return [i](const std::string& s) {
        std::size_t start = 0;
        for (std::size_t k = 0; k < i; ++k) start = s.find('|', start) + 1;
        return s.substr(start, s.find('|', start) - start);
      };
    };
    using VS = std::vector<std::string>;
    CHECK(data.sortBy(field(0)).collect() == VS{"4|60|C", "5|50|A", "6|40|B"});
    CHECK(data.sortBy(field(1)).collect() == VS{"6|40|B", "5|50|A", "4|60|C"});
    CHECK(data.sortBy(field(2)).collect() == VS{"5|50|A", "6|40|B", "4|60|C"});
    // "sortByKey ascending parameter"
    CHECK(data.sortBy(field(0), true).collect() == VS{"4|60|C", "5|50|A", "6|40|B"});
    CHECK(data.sortBy(field(0), false).collect() == VS{"6|40|B", "5|50|A", "4|60|C"});
    // "sort an empty RDD"
    return sc.emptyRDD<int>().sortBy([](int x) { return x; }).collect();
  }, VI{});
}

namespace {

struct Person {
  std::string first;
  std::string last;
  int age = 0;
  bool operator==(const Person&) const = default;
};

}  // namespace

TEST_CASE("RDDSuite: sortByKey with explicit ordering") {
  rill_test::withWorkers([](SparkContext& sc) {
    using VS = std::vector<std::string>;
    auto data = sc.parallelize(VS{"Bob|Smith|50", "Jane|Smith|40", "Thomas|Williams|30", "Karen|Williams|60"});
    const auto parse = [](const std::string& s) {
      const auto a = s.find('|'), b = s.find('|', a + 1);
      return Person{s.substr(0, a), s.substr(a + 1, b - a - 1), std::stoi(s.substr(b + 1))};
    };
    const auto byAge = [](const Person& x, const Person& y) { return x.age < y.age; };
    const auto byName = [](const Person& x, const Person& y) {
      return std::tie(x.last, x.first) < std::tie(y.last, y.first);  // last name, then first name
    };
    CHECK(data.sortBy(parse, true, 2, byAge).collect() ==
          VS{"Thomas|Williams|30", "Jane|Smith|40", "Bob|Smith|50", "Karen|Williams|60"});
    CHECK(data.sortBy(parse, true, 2, byName).collect() ==
          VS{"Bob|Smith|50", "Jane|Smith|40", "Karen|Williams|60", "Thomas|Williams|30"});
  });
}

namespace {

/// Spark's test partitioner: key % 2.
struct ParityPartitioner {
  std::size_t numPartitions() const { return 2; }
  std::size_t getPartition(int key) const { return static_cast<std::size_t>(key % 2); }
};

}  // namespace

TEST_CASE("RDDSuite: repartitionAndSortWithinPartitions") {
  using P = std::pair<int, int>;
  sameAsOneProcess([](SparkContext& sc) {
    auto data = sc.parallelize(std::vector<P>{{0, 5}, {3, 8}, {2, 6}, {0, 8}, {3, 8}, {1, 3}}, 2);
    return data.repartitionAndSortWithinPartitions(ParityPartitioner{}).glom().collect();
  }, std::vector<std::vector<P>>{{{0, 5}, {0, 8}, {2, 6}}, {{1, 3}, {3, 8}, {3, 8}}});
}

TEST_CASE("RDDSuite: cartesian on empty and non-empty RDDs") {
  using P = std::pair<int, int>;
  sameAsOneProcess([](SparkContext& sc) {
    auto empty = sc.emptyRDD<int>();
    auto b = sc.parallelize(iota(1, 4));
    CHECK(empty.cartesian(empty).collect().empty());
    CHECK(empty.cartesian(b).collect().empty());
    CHECK(b.cartesian(empty).collect().empty());
    auto a = sc.parallelize(iota(1, 4)), c = sc.parallelize(iota(1, 2));
    auto two = sc.parallelize(iota(2, 5));
    return std::tuple(sorted(a.cartesian(two).collect()), sorted(a.cartesian(c).collect()),
                      sorted(c.cartesian(a).collect()));
  }, std::tuple(std::vector<P>{{1, 2}, {1, 3}, {1, 4}, {2, 2}, {2, 3}, {2, 4}, {3, 2}, {3, 3}, {3, 4}},
                std::vector<P>{{1, 1}, {2, 1}, {3, 1}}, std::vector<P>{{1, 1}, {1, 2}, {1, 3}}));
}

TEST_CASE("RDDSuite: intersection, and it strips duplicates in an input") {
  sameAsOneProcess([](SparkContext& sc) {
    auto all = sc.parallelize(iota(1, 11));
    auto evens = sc.parallelize(VI{2, 4, 6, 8, 10});
    auto a = sc.parallelize(VI{1, 2, 3, 3}), b = sc.parallelize(VI{1, 1, 2, 3});
    return std::vector<VI>{sorted(all.intersection(evens).collect()), sorted(evens.intersection(all).collect()),
                           sorted(a.intersection(b).collect()), sorted(b.intersection(a).collect())};
  }, std::vector<VI>{{2, 4, 6, 8, 10}, {2, 4, 6, 8, 10}, {1, 2, 3}, {1, 2, 3}});
}

TEST_CASE("RDDSuite: zipWithIndex and zipWithUniqueId") {
  sameAsOneProcess([](SparkContext& sc) {
    for (const std::size_t slices : {3u, 1u})
      for (const auto& [x, index] : sc.parallelize(iota(0, 10), slices).zipWithIndex().collect()) CHECK(x == index);
    // "zipWithIndex chained with other RDDs (SPARK-4433)"
    const auto count = sc.parallelize(iota(0, 10), 2).zipWithIndex().toRDD().repartition(4).count();
    auto ids = sc.parallelize(iota(0, 10), 3).zipWithUniqueId().map([](const auto& p) { return p.second; });
    return std::pair(count, ids.toRDD().distinct().count());
  }, std::pair(std::int64_t{10}, std::int64_t{10}));
}

TEST_CASE("RDDSuite: cannot run actions after SparkContext has been stopped (SPARK-5063)") {
  SparkContext sc(rill_test::conf(2));
  auto existing = sc.parallelize(iota(1, 101));
  sc.stop();
  CHECK_THROWS_AS(existing.count(), rill::IllegalStateException);
  CHECK_THROWS_WITH_AS(sc.parallelize(iota(1, 101)), doctest::Contains("stopped"), rill::IllegalStateException);
  CHECK_THROWS_WITH_AS(sc.textFile("/nonexistent-path"), doctest::Contains("stopped"), rill::IllegalStateException);
}
