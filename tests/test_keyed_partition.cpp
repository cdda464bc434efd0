// partitionBy (HashPartitioner and a user partitioner), shuffle skipping on an
// already partitioned RDD, sortByKey and sortBy (ordered across partitions).
#include <doctest/doctest.h>

#include "test_keyed_support.hpp"

#include <rill/rdd.hpp>

#include <atomic>
#include <functional>
#include <limits>
#include <map>
#include <tuple>
#include <stdexcept>
#include <string>
#include <vector>

using keyed_test::KV;
using keyed_test::sorted;

namespace {

/// Keys below `split` to partition 0, the rest to 1; counts its calls.
struct SplitPartitioner {
  int split;
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
  std::size_t numPartitions() const { return 2; }
  std::size_t getPartition(int key) const {
    ++*calls;
    return key < split ? 0 : 1;
  }
  bool operator==(const SplitPartitioner& o) const { return split == o.split; }
};

struct BadPartitioner {
  std::size_t numPartitions() const { return 2; }
  std::size_t getPartition(int) const { return 5; }
};

const auto plus = [](long a, long b) { return a + b; };

}  // namespace

TEST_CASE("partitionBy places every key where the partitioner says") {
  const auto data = keyed_test::randomPairs(11, 500, 60, 0.3);
  for (auto* sc : keyed_test::contexts())
    for (std::size_t n : {1, 2, 7, 16}) {
      rill::HashPartitioner hash(n);
      auto parted = sc->parallelize(data, 5).partitionBy(hash);
      CHECK(parted.getNumPartitions() == n);
      auto glommed = parted.glom().collect();
      for (std::size_t p = 0; p < glommed.size(); ++p)
        for (auto& kv : glommed[p]) CHECK(hash.getPartition(kv.first) == p);
      CHECK(sorted(parted.collect()) == sorted(data));
    }
}

TEST_CASE("a user partitioner: placement, remembered, and later shuffles skipped") {
  auto* sc = keyed_test::contexts()[1];
  const auto data = keyed_test::randomPairs(4, 200, 50);
  SplitPartitioner split{25};
  auto parted = sc->parallelize(data, 3).partitionBy(split);
  auto glommed = parted.glom().collect();
  REQUIRE(glommed.size() == 2);
  for (auto& kv : glommed[0]) CHECK(kv.first < 25);
  for (auto& kv : glommed[1]) CHECK(kv.first >= 25);
  CHECK(*split.calls == static_cast<int>(data.size()));

  *split.calls = 0;
  auto sums = parted.reduceByKey(plus);  // the default keeps the RDD's partitioner: no shuffle
  auto sums2 = parted.mapValues([](long v) { return v; }).reduceByKey(plus, split);
  auto groups = parted.groupByKey(split);
  auto again = parted.partitionBy(split);
  CHECK(*split.calls == 0);
  CHECK((sums.partitioner() == parted.partitioner()));
  CHECK((sums2.partitioner() == parted.partitioner()));
  CHECK((again.partitioner() == parted.partitioner()));
  std::map<int, long> expected;
  for (auto& [k, v] : data) expected[k] += v;
  CHECK(sorted(sums.collect()) == std::vector<KV>(expected.begin(), expected.end()));
  CHECK(sorted(sums2.collect()) == std::vector<KV>(expected.begin(), expected.end()));
  CHECK(groups.count() == static_cast<std::int64_t>(expected.size()));

  // A different partitioner does shuffle.
  CHECK(sorted(parted.reduceByKey(plus, SplitPartitioner{10}).collect()) ==
        std::vector<KV>(expected.begin(), expected.end()));
  CHECK(*split.calls == 0);
}

TEST_CASE("coalesce without a shuffle drops the partitioner, as Spark's CoalescedRDD: a later reduceByKey shuffles") {
  for (auto* sc : keyed_test::contexts()) {
    const auto data = keyed_test::randomPairs(7, 120, 40);
    SplitPartitioner split{20};
    auto parted = sc->parallelize(data, 3).partitionBy(split);
    REQUIRE(parted.partitioner());
    for (const int n : {2, 5}) {  // as many partitions as it has, and more: they stay as they are
      CAPTURE(n);
      auto same = parted.coalesce(n);
      CHECK_FALSE(same.partitioner());
      CHECK(same.glom().collect() == parted.glom().collect());
      *split.calls = 0;
      auto sums = same.reduceByKey(plus, split);
      CHECK(*split.calls > 0);  // placed its keys: a shuffle
      CHECK(sums.partitioner()->equals(*parted.partitioner()));
      CHECK(sums.glom().collect() == parted.reduceByKey(plus).glom().collect());
    }
    CHECK_FALSE(parted.coalesce(1).partitioner());
  }
}

TEST_CASE("a partitioner answering out of range is an error") {
  auto* sc = keyed_test::contexts()[1];
  auto rdd = sc->parallelize(std::vector<KV>{{1, 1}}, 1);
  CHECK_THROWS_AS(rdd.partitionBy(BadPartitioner{}), std::out_of_range);
  CHECK_THROWS_WITH_AS(rdd.reduceByKey(plus, BadPartitioner{}), "rill: partitioner returned partition 5 of 2",
                       std::out_of_range);
  CHECK_THROWS_WITH_AS(rdd.partitionBy(rill::HashPartitioner(0)), "rill: HashPartitioner(0) has no partition for a key",
                       std::out_of_range);
  CHECK_THROWS_AS(rdd.reduceByKey(plus, -1), std::invalid_argument);
}

TEST_CASE("an exception in a user function reaches the caller") {
  for (auto* sc : keyed_test::contexts()) {
    auto rdd = sc->parallelize(keyed_test::randomPairs(1, 100, 5), 4);
    auto failing = [](long a, long b) -> long {
      if (a + b > 500) throw std::runtime_error("too big");
      return a + b;
    };
    CHECK_THROWS_WITH_AS(rdd.mapValues([](long v) { return v < 0 ? -v : v; }).reduceByKey(failing).count(),
                         "too big", std::runtime_error);
    CHECK_THROWS_AS(rdd.sortBy([](const KV& kv) -> int { throw std::logic_error(std::to_string(kv.first)); }),
                    std::logic_error);
  }
}

TEST_CASE("reduceByKey with the same HashPartitioner as its input does not shuffle") {
  auto* sc = keyed_test::contexts()[1];
  auto parted = sc->parallelize(keyed_test::randomPairs(8, 300, 30), 2).partitionBy(rill::HashPartitioner(6));
  auto sums = parted.reduceByKey(plus, 6);
  CHECK((sums.partitioner() == parted.partitioner()));  // the very same object: kept, not rebuilt
  auto reshuffled = parted.reduceByKey(plus, 5);
  CHECK((reshuffled.partitioner() != parted.partitioner()));
  CHECK(sorted(sums.collect()) == sorted(reshuffled.collect()));
}

TEST_CASE("a HashPartitioner with a user hasher, for keys without std::hash") {
  struct Point {
    int x, y;
    bool operator==(const Point&) const = default;
    bool operator<(const Point& o) const { return std::tie(x, y) < std::tie(o.x, o.y); }
  };
  struct PointHash {
    std::size_t operator()(const Point& p) const { return std::hash<int>{}(p.x * 31 + p.y); }
  };
  auto* sc = keyed_test::contexts()[2];
  std::vector<std::pair<Point, int>> data;
  for (int i = 0; i < 100; ++i) data.push_back({Point{i % 3, i % 5}, 1});
  auto counts = sc->parallelize(data, 4).reduceByKey([](int a, int b) { return a + b; },
                                                     rill::HashPartitioner(3, PointHash{}));
  CHECK(counts.count() == 15);
  long total = 0;
  for (auto& [p, c] : counts.collect()) total += c;
  CHECK(total == 100);
}

TEST_CASE("sortByKey orders globally across partitions, for every worker and partition count") {
  for (unsigned seed : {1u, 2u})
    for (double skew : {0.0, 0.9}) {
      const auto data = keyed_test::randomPairs(seed, 600, 1000, skew);
      auto expected = data;
      std::stable_sort(expected.begin(), expected.end(), [](const KV& a, const KV& b) { return a.first < b.first; });
      for (auto* sc : keyed_test::contexts())
        for (std::size_t parts = 1; parts <= 16; parts += 3) {
          CAPTURE(parts);
          auto rdd = sc->parallelize(data, parts);
          auto asc = rdd.sortByKey(true, parts % 4 + 1);
          auto got = asc.collect();
          CHECK(std::is_sorted(got.begin(), got.end(), [](const KV& a, const KV& b) { return a.first < b.first; }));
          CHECK(sorted(got) == sorted(data));
          CHECK(asc.getNumPartitions() <= parts % 4 + 1);
          auto desc = rdd.sortByKey(false).collect();
          CHECK(std::is_sorted(desc.begin(), desc.end(), [](const KV& a, const KV& b) { return a.first > b.first; }));
          CHECK(sorted(desc) == sorted(data));
        }
    }
}

TEST_CASE("sortByKey with many partitions actually spreads the keys and remembers its range partitioner") {
  auto* sc = keyed_test::contexts()[1];
  const auto data = keyed_test::randomPairs(7, 5000, 100000);
  auto sortedRdd = sc->parallelize(data, 4).sortByKey(true, 8);
  CHECK(sortedRdd.getNumPartitions() == 8);
  for (auto& part : sortedRdd.glom().collect()) CHECK(part.size() > 200);  // 625 expected per partition
  REQUIRE(static_cast<bool>(sortedRdd.partitioner()));
  const int key = data[17].first;
  std::vector<long> expected;
  for (auto& [k, v] : data)
    if (k == key) expected.push_back(v);
  CHECK(sorted(sortedRdd.lookup(key)) == sorted(expected));
}

TEST_CASE("sortByKey with a comparator, string keys, empty input; sortBy") {
  auto* sc = keyed_test::contexts()[2];
  auto words = sc->parallelize(std::vector<std::pair<std::string, int>>{{"pear", 1}, {"Apple", 2}, {"fig", 3}}, 2);
  auto shorter = [](const std::string& a, const std::string& b) { return a.size() < b.size(); };
  auto byLength = words.sortByKey(true, 2, shorter);
  CHECK(byLength.keys().collect() == std::vector<std::string>{"fig", "pear", "Apple"});
  CHECK(words.sortByKey().keys().collect() == std::vector<std::string>{"Apple", "fig", "pear"});
  CHECK(sc->emptyRDD<KV>().sortByKey().collect().empty());

  auto nums = sc->parallelize(std::vector<int>{5, -3, 9, 0, -7, 2}, 3);
  CHECK(nums.sortBy([](int x) { return x * x; }).collect() == std::vector<int>{0, 2, -3, 5, -7, 9});
  CHECK(nums.sortBy([](int x) { return x; }, false, 2).collect() == std::vector<int>{9, 5, 2, 0, -3, -7});
  CHECK(sc->parallelize(std::vector<std::string>{"bb", "a", "ccc"}, 2)
            .sortBy([](const std::string& s) { return std::string_view(s); })
            .collect() == std::vector<std::string>{"a", "bb", "ccc"});
}

TEST_CASE("cache, persist, sample, sampleByKey and randomSplit keep the partitioner, as Spark's") {
  const auto data = keyed_test::randomPairs(5, 200, 20);
  std::map<int, double> all;
  for (int k = 0; k < 20; ++k) all[k] = 0.5;
  for (auto* sc : keyed_test::contexts()) {
    auto parted = sc->parallelize(data, 2).partitionBy(rill::HashPartitioner(3));
    const auto& mine = parted.partitioner();
    CHECK((parted.cache().partitioner() == mine));
    CHECK((parted.persist().partitioner() == mine));
    CHECK((parted.sample(false, 0.5).partitioner() == mine));
    CHECK((parted.sample(true, 2.0).partitioner() == mine));
    CHECK((parted.sampleByKey(false, all).partitioner() == mine));
    for (const auto& split : parted.randomSplit({1, 2})) CHECK((split.partitioner() == mine));
    CHECK(parted.cache().glom().collect() == parted.glom().collect());
    // So what follows runs in place: the very same partitioner, and 3 partitions, not 5.
    CHECK((parted.cache().reduceByKey(plus).partitioner() == mine));
    auto other = sc->parallelize(data, 5);
    CHECK(parted.cache().join(other).getNumPartitions() == 3);
    CHECK(parted.persist().cogroup(other).getNumPartitions() == 3);
    CHECK(parted.sample(false, 1.0).leftOuterJoin(other).getNumPartitions() == 3);
    // A map may change keys: its cache knows no partitioner.
    CHECK_FALSE(parted.map([](const KV& kv) { return kv; }).cache().partitioner());
  }
}

namespace {

/// Key k to partition k mod n; counts its calls.
struct ModPartitioner {
  std::size_t n;
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
  std::size_t numPartitions() const { return n; }
  std::size_t getPartition(int key) const {
    ++*calls;
    return static_cast<std::size_t>(key) % n;
  }
  bool operator==(const ModPartitioner& o) const { return n == o.n; }
};

std::size_t hashPartitions(const rill::Ref<const rill::AnyPartitioner>& info) {
  const auto* hash = info ? info->target<rill::HashPartitioner<>>() : nullptr;
  return hash ? hash->numPartitions() : 0;
}

}  // namespace

TEST_CASE("the default partitioner of joins and cogroup is Spark's defaultPartitioner") {
  const auto data = keyed_test::randomPairs(9, 300, 40);
  for (auto* sc : keyed_test::contexts()) {
    auto plain = sc->parallelize(data, 3);
    auto two = plain.partitionBy(rill::HashPartitioner(2));
    auto four = plain.partitionBy(rill::HashPartitioner(4));
    auto nineteen = sc->parallelize(data, 19), fifty = sc->parallelize(data, 50);
    // The partitioned input with the most partitions, whichever side it is on.
    CHECK((two.join(four).partitioner() == four.partitioner()));
    CHECK((four.join(two).partitioner() == four.partitioner()));
    CHECK((two.cogroup(plain, four).partitioner() == four.partitioner()));
    // ... when it has more than a tenth of the largest input's partitions: 2 of 19 does,
    CHECK((two.leftOuterJoin(nineteen).partitioner() == two.partitioner()));
    CHECK((nineteen.rightOuterJoin(two).partitioner() == two.partitioner()));
    // 2 or 4 of 50 does not: HashPartitioner(50).
    for (const auto& info : {two.join(fifty).partitioner(), fifty.fullOuterJoin(two).partitioner(),
                             two.cogroup(fifty).partitioner(), two.cogroup(four, fifty).partitioner()})
      CHECK(hashPartitions(info) == 50);
    // No input partitioned: HashPartitioner(the most partitions).
    CHECK(hashPartitions(plain.join(nineteen).partitioner()) == 19);
    CHECK(hashPartitions(plain.reduceByKey(plus).partitioner()) == 3);
    CHECK(plain.join(nineteen).count() == two.join(fifty).count());

    // A user partitioner is kept too, and only the other side moves.
    ModPartitioner mod{4};
    auto byMod = plain.partitionBy(mod);
    *mod.calls = 0;
    auto joined = byMod.join(four);
    CHECK(*mod.calls == static_cast<int>(data.size()));  // four's rows placed by mod; byMod's stay
    CHECK((joined.partitioner() == byMod.partitioner()));
    auto glommed = joined.glom().collect();
    for (std::size_t p = 0; p < glommed.size(); ++p)
      for (const auto& row : glommed[p]) CHECK(static_cast<std::size_t>(row.first) % 4 == p);
    CHECK((four.join(byMod).partitioner() == four.partitioner()));  // equal counts: the first
  }
}

TEST_CASE("with spark.default.parallelism set, the default partitioner's count is it") {
  rill::SparkContext sc(rill::SparkConf().setMaster("local[2]").set("spark.default.parallelism", "6"));
  const auto data = keyed_test::randomPairs(2, 100, 30);
  auto plain = sc.parallelize(data, 3);
  auto two = plain.partitionBy(rill::HashPartitioner(2));
  auto eight = plain.partitionBy(rill::HashPartitioner(8));
  auto hundred = sc.parallelize(data, 100);
  CHECK(hashPartitions(plain.reduceByKey(plus).partitioner()) == 6);
  CHECK(hashPartitions(plain.groupByKey().partitioner()) == 6);
  CHECK(plain.groupBy([](const KV& kv) { return kv.second % 5; }).getNumPartitions() == 6);
  CHECK(hashPartitions(plain.join(sc.parallelize(data, 2)).partitioner()) == 6);
  CHECK(hashPartitions(two.join(hundred).partitioner()) == 6);      // 2 is neither close to 100 nor >= 6
  CHECK((eight.join(hundred).partitioner() == eight.partitioner()));  // 8 >= 6
  CHECK((two.reduceByKey(plus).partitioner() == two.partitioner()));  // its own partitioner first
  CHECK(plain.keys().intersection(hundred.keys()).getNumPartitions() == 6);
  // Not for the ops Spark sizes by their input.
  CHECK(plain.distinct().getNumPartitions() == 3);
  CHECK(plain.sortByKey().getNumPartitions() <= 3);
  CHECK(plain.keys().subtract(hundred.keys()).getNumPartitions() == 3);
}

TEST_CASE("subtractByKey is partitioned as its own RDD by default, as Spark's") {
  const auto data = keyed_test::randomPairs(4, 200, 30);
  const auto drop = keyed_test::randomPairs(5, 50, 30);
  for (auto* sc : keyed_test::contexts()) {
    auto plain = sc->parallelize(data, 3);
    auto fifty = sc->parallelize(drop, 50);
    CHECK(hashPartitions(plain.subtractByKey(fifty).partitioner()) == 3);
    auto two = plain.partitionBy(rill::HashPartitioner(2));
    CHECK((two.subtractByKey(fifty).partitioner() == two.partitioner()));
    CHECK((two.subtractByKey(fifty.partitionBy(rill::HashPartitioner(7))).partitioner() == two.partitioner()));
    ModPartitioner mod{5};
    auto byMod = plain.partitionBy(mod);
    *mod.calls = 0;
    auto left = byMod.subtractByKey(fifty);
    CHECK(*mod.calls == static_cast<int>(drop.size()));  // only the other side moves
    CHECK((left.partitioner() == byMod.partitioner()));
    auto glommed = left.glom().collect();
    REQUIRE(glommed.size() == 5);
    for (std::size_t p = 0; p < glommed.size(); ++p)
      for (const auto& row : glommed[p]) CHECK(static_cast<std::size_t>(row.first) % 5 == p);
    CHECK(sorted(left.collect()) == sorted(plain.subtractByKey(fifty).collect()));
    CHECK(plain.subtractByKey(fifty, 4).getNumPartitions() == 4);
  }
  rill::SparkContext configured(rill::SparkConf().setMaster("local[2]").set("spark.default.parallelism", "6"));
  CHECK(configured.parallelize(data, 3).subtractByKey(configured.parallelize(drop, 2)).getNumPartitions() == 3);
}

TEST_CASE("sortByKey and sortBy cut partitions where Spark does, descending too") {
  using Pairs = std::vector<std::pair<int, int>>;
  using Glom = std::vector<Pairs>;
  Pairs tens;
  for (int i = 0; i < 10; ++i) tens.emplace_back(i, i);
  for (auto* sc : keyed_test::contexts()) {
    // Every key sampled, each weighing 1: a bound is the key where the count first reaches 10/3, 20/3.
    auto rdd = sc->parallelize(tens, 3);
    CHECK(rdd.sortByKey().glom().collect() ==
          Glom{{{0, 0}, {1, 1}, {2, 2}, {3, 3}}, {{4, 4}, {5, 5}, {6, 6}}, {{7, 7}, {8, 8}, {9, 9}}});
    // Descending: the same ascending bounds, the partitions numbered from the other end.
    auto descending = rdd.sortByKey(false);
    CHECK(descending.glom().collect() ==
          Glom{{{9, 9}, {8, 8}, {7, 7}}, {{6, 6}, {5, 5}, {4, 4}}, {{3, 3}, {2, 2}, {1, 1}, {0, 0}}});
    const auto* range = descending.partitioner()->target<rill::RangePartitioner<int>>();
    REQUIRE(range != nullptr);
    CHECK(range->bounds() == std::vector<int>{3, 6});
    CHECK_FALSE(range->ascending());
    CHECK(descending.lookup(8) == std::vector<int>{8});
    // A count reaching its target exactly makes a bound, as Spark's determineBounds (>=): 5 of 10 at key 4.
    CHECK(sc->parallelize(tens, 2).sortByKey(true, 4).keys().glom().collect() ==
          std::vector<std::vector<int>>{{0, 1, 2}, {3, 4}, {5, 6, 7}, {8, 9}});

    auto nums = sc->parallelize(std::vector<int>{5, 1, 4, 2, 3, 0}, 3);
    const auto self = [](int x) { return x; };
    CHECK(nums.sortBy(self, true, 2).glom().collect() == std::vector<std::vector<int>>{{0, 1, 2}, {3, 4, 5}});
    CHECK(nums.sortBy(self, false, 2).glom().collect() == std::vector<std::vector<int>>{{5, 4, 3}, {2, 1, 0}});
  }
}

TEST_CASE("the sorts order doubles as Spark: NaN last, -0.0 before 0.0") {
  using Pairs = std::vector<std::pair<double, int>>;
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  const std::vector<double> keys{3.0, nan, 1.0, -inf, 0.0, inf, -0.0, nan, -1.0, 2.0};
  Pairs pairs;
  for (const double k : keys) pairs.emplace_back(k, 0);
  const std::string ascending = "[-Infinity, -1.0, -0.0, 0.0, 1.0, 2.0, 3.0, Infinity, NaN, NaN]";
  const std::string descending = "[NaN, NaN, Infinity, 3.0, 2.0, 1.0, 0.0, -0.0, -1.0, -Infinity]";
  for (auto* sc : keyed_test::contexts()) {
    for (const std::size_t n : {1, 3}) {
      CAPTURE(n);
      auto rdd = sc->parallelize(pairs, 2);
      CHECK(rill::toString(rdd.sortByKey(true, n).keys().collect()) == ascending);
      CHECK(rill::toString(rdd.sortByKey(false, n).keys().collect()) == descending);
      const auto self = [](double x) { return x; };
      CHECK(rill::toString(sc->parallelize(keys, 2).sortBy(self, true, n).collect()) == ascending);
      CHECK(rill::toString(sc->parallelize(keys, 2).sortBy(self, false, n).collect()) == descending);
    }
    // Every key sampled: bounds 0.0 and 3.0 (the keys where the count first reaches 10/3, 20/3); NaN above Infinity.
    auto parts = sc->parallelize(pairs, 2).sortByKey(true, 3).keys().glom().collect();
    CHECK(rill::toString(parts) == "[[-Infinity, -1.0, -0.0, 0.0], [1.0, 2.0, 3.0], [Infinity, NaN, NaN]]");
    CHECK(rill::toString(sc->parallelize(pairs, 3).repartitionAndSortWithinPartitions(rill::HashPartitioner(1))
                             .keys().collect()) == ascending);
    // A pair key orders its doubles alike, member by member.
    std::vector<std::pair<std::pair<double, int>, int>> nested;
    for (std::size_t i = 0; i < keys.size(); ++i) nested.push_back({{keys[i], static_cast<int>(i % 2)}, 0});
    CHECK(rill::toString(sc->parallelize(nested, 2).sortByKey(true, 3).keys().collect()) ==
          "[(-Infinity,1), (-1.0,0), (-0.0,0), (0.0,0), (1.0,0), (2.0,1), (3.0,0), (Infinity,1), (NaN,1), (NaN,1)]");
  }
}

TEST_CASE("distinct of an RDD with a partitioner drops duplicates in place and keeps it, as Spark's") {
  using Pairs = std::vector<std::pair<int, int>>;
  for (auto* sc : keyed_test::contexts()) {
    auto parted = sc->parallelize(Pairs{{1, 1}, {4, 1}, {1, 1}, {2, 2}, {4, 1}, {7, 0}, {2, 2}}, 2)
                      .partitionBy(ModPartitioner{3});
    const std::vector<Pairs> once{{}, {{1, 1}, {4, 1}, {7, 0}}, {{2, 2}}};
    CHECK(parted.distinct().glom().collect() == once);
    CHECK((parted.distinct().partitioner() == parted.partitioner()));
    CHECK((parted.filter([](const auto&) { return true; }).distinct(3).partitioner() == parted.partitioner()));
    // Into another number of partitions: a shuffle, no partitioner.
    auto two = parted.distinct(2);
    CHECK(two.getNumPartitions() == 2);
    CHECK_FALSE(two.partitioner());
    CHECK(sorted(two.collect()) == Pairs{{1, 1}, {2, 2}, {4, 1}, {7, 0}});
  }
}
