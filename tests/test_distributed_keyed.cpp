// Keyed, sorting and set operations on P in-process ranks of local[N] each give
// every rank exactly what one process of local[P*N] gives (see
// distributed_test_support.hpp): each shuffle's output partitions hold the
// same elements in the same order (glom), whether the elements travel as raw
// bytes (numbers) or through the archive (strings, vectors), and whether the
// keys spread over every rank or all land on one.
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using distributed_test::sameAsOneProcess;
using distributed_test::sortedEntries;
using rill::SparkContext;
using rill_test::iota;

namespace {

using IntPairs = std::vector<std::pair<int, int>>;

/// Pairs with keys spread widely, keys all equal (they land on one rank), and none.
std::vector<IntPairs> pairShapes() {
  IntPairs spread, one;
  for (int i = 0; i < 300; ++i) spread.emplace_back((i * 37) % 41, i);
  for (int i = 0; i < 50; ++i) one.emplace_back(7, i);
  return {spread, one, {}, {{1, 2}}};
}

/// body(rdd) for every shape of pairs in a few partitionings.
template <class Body>
auto overPairs(SparkContext& sc, Body body) {
  std::vector<decltype(body(sc.parallelize(IntPairs{}, 1)))> out;
  for (const auto& data : pairShapes())
    for (const std::size_t slices : {0, 1, 7}) out.push_back(body(sc.parallelize(data, slices)));
  return out;
}

/// (word, 1) for a text of repeated words: string keys go through the archive.
auto words(SparkContext& sc, std::size_t slices = 0) {
  std::vector<std::string> text;
  for (int i = 0; i < 500; ++i) text.push_back("w" + std::to_string((i * i) % 23));
  return sc.parallelize(text, slices).map([](const std::string& w) { return std::pair<std::string, int>(w, 1); });
}

/// Key k to partition k mod n (the keys here are not negative).
struct ModPartitioner {
  std::size_t n;
  std::size_t numPartitions() const { return n; }
  std::size_t getPartition(int key) const { return static_cast<std::size_t>(key) % n; }
  bool operator==(const ModPartitioner&) const = default;
};

}  // namespace

TEST_CASE("reduceByKey, foldByKey, aggregateByKey, combineByKey") {
  sameAsOneProcess([](SparkContext& sc) {
    return overPairs(sc, [](auto rdd) {
      return std::tuple(
          rdd.reduceByKey([](int a, int b) { return (a * 3 + b) % 10007; }).glom().collect(),
          rdd.foldByKey(1, [](int a, int b) { return a - b; }, 4).glom().collect(),
          rdd.aggregateByKey(0.5, [](double u, int v) { return u * 1.5 + v; }, [](double a, double b) { return a + b; })
              .glom()
              .collect(),
          rdd.combineByKey([](int v) { return std::vector<int>{v}; },
                           [](std::vector<int> c, int v) {
                             c.push_back(v);
                             return c;
                           },
                           [](std::vector<int> a, std::vector<int> b) {
                             a.insert(a.end(), b.begin(), b.end());
                             return a;
                           },
                           3)
              .glom()
              .collect());
    });
  });
}

TEST_CASE("word count with string keys") {
  sameAsOneProcess([](SparkContext& sc) {
    auto counts = words(sc).reduceByKey([](int a, int b) { return a + b; });
    return std::tuple(counts.glom().collect(), words(sc, 3).reduceByKey([](int a, int b) { return a + b; }, 5).glom().collect(),
                      sortedEntries(words(sc).countByKey()), sortedEntries(counts.collectAsMap()));
  });
}

TEST_CASE("groupByKey, countByKey, lookup") {
  sameAsOneProcess([](SparkContext& sc) {
    return overPairs(sc, [](auto rdd) {
      auto grouped = rdd.groupByKey();
      return std::tuple(grouped.glom().collect(), rdd.groupByKey(2).glom().collect(), sortedEntries(rdd.countByKey()),
                        rdd.lookup(7), grouped.lookup(7), grouped.lookup(1000));
    });
  });
}

TEST_CASE("partitionBy, and the keyed operations that then run in place") {
  sameAsOneProcess([](SparkContext& sc) {
    return overPairs(sc, [](auto rdd) {
      const rill::HashPartitioner<> part(4);
      auto placed = rdd.partitionBy(part);
      auto values = placed.mapValues([](int v) { return v * 2; });
      return std::tuple(placed.glom().collect(), values.reduceByKey([](int a, int b) { return a + b; }).glom().collect(),
                        values.groupByKey().glom().collect(), placed.join(rdd).glom().collect(), placed.lookup(7),
                        placed.partitionBy(part).glom().collect());
    });
  });
}

TEST_CASE("joins and cogroup") {
  sameAsOneProcess([](SparkContext& sc) {
    auto left = sc.parallelize(IntPairs{{1, 10}, {2, 20}, {2, 21}, {3, 30}, {9, 90}}, 3);
    auto right = sc.parallelize(std::vector<std::pair<int, std::string>>{{2, "b"}, {3, "c"}, {3, "cc"}, {4, "d"}}, 2);
    auto third = sc.parallelize(IntPairs{{4, -4}, {1, -1}}, 1);
    return std::tuple(left.join(right).glom().collect(), left.leftOuterJoin(right).glom().collect(),
                      left.rightOuterJoin(right, 5).glom().collect(), left.fullOuterJoin(right).glom().collect(),
                      left.cogroup(right).glom().collect(), left.cogroup(right, third).glom().collect(),
                      left.subtractByKey(right).glom().collect());
  });
}

TEST_CASE("joins of larger inputs with keys on one rank") {
  sameAsOneProcess([](SparkContext& sc) {
    IntPairs a, b;
    for (int i = 0; i < 200; ++i) a.emplace_back(i % 3 == 0 ? 5 : i, i);
    for (int i = 0; i < 100; ++i) b.emplace_back(i % 2 == 0 ? 5 : i * 2, -i);
    auto l = sc.parallelize(a, 6), r = sc.parallelize(b, 4);
    return std::pair(l.join(r).glom().collect(), l.fullOuterJoin(r, 3).count());
  });
}

TEST_CASE("sortByKey and sortBy: every rank computes the same bounds") {
  sameAsOneProcess([](SparkContext& sc) {
    return overPairs(sc, [](auto rdd) {
      return std::tuple(rdd.sortByKey().glom().collect(), rdd.sortByKey(false, 3).glom().collect(),
                        rdd.sortBy([](const std::pair<int, int>& p) { return p.second % 13; }, true, 5).glom().collect(),
                        rdd.values().sortBy([](int v) { return -v; }).collect());
    });
  });
}

TEST_CASE("sortByKey of many string keys") {
  sameAsOneProcess([](SparkContext& sc) {
    std::vector<std::pair<std::string, int>> data;
    for (int i = 0; i < 3000; ++i) data.emplace_back("k" + std::to_string((i * 7919) % 1009), i);
    return sc.parallelize(data, 11).sortByKey().glom().collect();
  });
}

TEST_CASE("intersection and subtract") {
  sameAsOneProcess([](SparkContext& sc) {
    auto a = sc.parallelize(iota(0, 60), 5).map([](int x) { return x % 17; });
    auto b = sc.parallelize(iota(10, 30), 3);
    return std::tuple(a.intersection(b).glom().collect(), a.subtract(b).glom().collect(),
                      a.intersection(b, 4).glom().collect(), b.subtract(a, 2).glom().collect());
  });
}

TEST_CASE("a chain of shuffles") {
  sameAsOneProcess([](SparkContext& sc) {
    return words(sc, 4)
        .reduceByKey([](int a, int b) { return a + b; })
        .map([](const std::pair<std::string, int>& p) { return std::pair(p.second, p.first); })
        .groupByKey(3)
        .sortByKey(false)
        .mapValues([](const std::vector<std::string>& ws) { return ws.size(); })
        .zipWithIndex()
        .collect();
  });
}

TEST_CASE("cache and sample keep the partitioner, so the joins after them run in place") {
  sameAsOneProcess([](SparkContext& sc) {
    auto other = sc.parallelize(IntPairs{{7, 1}, {1, 2}, {40, 3}, {7, 4}}, 5);
    return overPairs(sc, [&other](auto rdd) {
      auto placed = rdd.partitionBy(rill::HashPartitioner<>(3));
      return std::tuple(placed.cache().join(other).glom().collect(),
                        placed.sample(false, 0.5, 3).cogroup(other).glom().collect(),
                        placed.persist().reduceByKey([](int a, int b) { return a + b; }).glom().collect(),
                        placed.cache().partitioner() == placed.partitioner(), placed.distinct().glom().collect());
    });
  });
}

TEST_CASE("the default partitioner: the partitioned input with the most partitions, a user's too; subtractByKey's own") {
  sameAsOneProcess([](SparkContext& sc) {
    auto fifty = sc.parallelize(IntPairs{{7, 1}, {1, 2}, {40, 3}, {7, 4}}, 50);
    return overPairs(sc, [&fifty](auto rdd) {
      auto two = rdd.partitionBy(rill::HashPartitioner<>(2));
      auto four = rdd.partitionBy(rill::HashPartitioner<>(4));
      auto mod = rdd.partitionBy(ModPartitioner{3});
      return std::tuple(two.join(four).glom().collect(), mod.join(rdd).glom().collect(),
                        mod.cogroup(two).glom().collect(), two.fullOuterJoin(fifty).glom().collect(),
                        mod.reduceByKey([](int a, int b) { return a + b; }).glom().collect(),
                        mod.subtractByKey(four).glom().collect(), rdd.subtractByKey(fifty).glom().collect());
    });
  });
}

TEST_CASE("a union of RDDs with one partitioner: partition i of each on one rank, moved there if it lives elsewhere") {
  sameAsOneProcess([](SparkContext& sc) {
    const ModPartitioner mod{4};
    auto a = sc.parallelize(IntPairs{{0, 1}, {5, 2}, {2, 3}, {7, 4}, {4, 5}}, 2).partitionBy(mod);
    auto b = sc.parallelize(IntPairs{{3, 6}, {1, 7}, {6, 8}}, 3).partitionBy(mod);
    // Partition k holds key k, but the partitions live where the two parallelized halves put them.
    auto halves = sc.parallelize(IntPairs{{0, 9}, {1, 10}}, 2).union_(sc.parallelize(IntPairs{{2, 11}, {3, 12}}, 2));
    rill::RDD<std::pair<int, int>> scattered(sc, halves.node(), rill::detail::rememberPartitioner<int>(mod));
    auto u = a.union_(b);
    return std::tuple(u.glom().collect(), u.reduceByKey([](int x, int y) { return x + y; }).glom().collect(),
                      sc.union_(a, scattered, b).glom().collect(), a.union_(scattered).join(b).glom().collect(),
                      u.partitioner() == a.partitioner(), scattered.union_(scattered).distinct().glom().collect(),
                      sc.union_(b, b).distinct().glom().collect());
  });
}

TEST_CASE("keyed operations over inputs without partitions give no partitions, as Spark's defaultPartitioner") {
  // Spark's default is HashPartitioner(the largest input's partition count), and distinct()
  // is distinct(partitions.length): both 0 here. The sorts' RangePartitioner has one partition
  // at least, and repartition keeps its count.
  const auto plus = [](int a, int b) { return a + b; };
  using Counts = std::vector<std::size_t>;
  sameAsOneProcess(
      [&](SparkContext& sc) {
        auto none = sc.emptyRDD<std::pair<int, int>>();
        auto ints = sc.emptyRDD<int>();
        auto summed = none.reduceByKey(plus);
        const std::vector<rill::RDD<std::pair<int, int>>> pairResults{
            summed,
            none.foldByKey(0, plus),
            none.aggregateByKey(0, plus, plus),
            none.combineByKey([](int v) { return v; }, plus, plus),
            none.subtractByKey(none),
            summed.reduceByKey(plus),  // its HashPartitioner(0) is not a default: Spark skips empty ones
            none.union_(summed).reduceByKey(plus)};
        Counts counts;
        std::int64_t elements = 0;
        for (const auto& rdd : pairResults) {
          counts.push_back(rdd.getNumPartitions());
          elements += rdd.count() + static_cast<std::int64_t>(rdd.collect().size());
        }
        counts.push_back(none.groupByKey().getNumPartitions());
        counts.push_back(none.join(none).getNumPartitions());
        counts.push_back(none.cogroup(none, none).getNumPartitions());
        counts.push_back(none.fullOuterJoin(none).getNumPartitions());
        counts.push_back(ints.distinct().getNumPartitions());
        counts.push_back(ints.groupBy([](int x) { return x; }).getNumPartitions());
        counts.push_back(ints.intersection(ints).getNumPartitions());
        counts.push_back(ints.subtract(ints).getNumPartitions());
        counts.push_back(summed.partitioner() ? summed.partitioner()->numPartitions() : 99);
        counts.push_back(none.sortByKey().getNumPartitions());
        counts.push_back(ints.sortBy([](int x) { return x; }).getNumPartitions());
        counts.push_back(ints.repartition(3).getNumPartitions());
        elements += ints.distinct().count() + static_cast<std::int64_t>(summed.lookup(7).size()) +
                    static_cast<std::int64_t>(none.countByKey().size()) + none.join(none).count();
        return std::pair(counts, elements);
      },
      std::pair(Counts{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 3}, std::int64_t{0}));
}

TEST_CASE("HashPartitioner(0) partitions nothing; placing a key by it is an error") {
  sameAsOneProcess(
      [](SparkContext& sc) {
        auto placed = sc.emptyRDD<std::pair<int, int>>().partitionBy(rill::HashPartitioner<>(0));
        return std::tuple(placed.getNumPartitions(), placed.collect(), placed.lookup(1));
      },
      std::tuple(std::size_t{0}, IntPairs{}, std::vector<int>{}));
  distributed_test::sameFailureAsOneProcess(
      [](SparkContext& sc) {
        auto pairs = sc.parallelize(IntPairs{{1, 2}, {3, 4}}, 2);
        return pairs.reduceByKey(std::plus<>(), rill::HashPartitioner<>(0)).count();
      },
      "std::out_of_range: rill: HashPartitioner(0) has no partition for a key");
}
