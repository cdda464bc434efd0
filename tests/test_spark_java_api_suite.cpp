// Cases of Spark's JavaAPISuite (core/src/test/java/test/org/apache/spark) whose
// operations rill has, with Spark's inputs and the results Spark's assertions
// expect; each case names the Java test it comes from. Spark runs them on a
// "local" master (one thread, so parallelize makes one partition by default);
// the cases that do not depend on that also run on in-process ranks
// (distributed_test_support.hpp) and must give what one process gives.
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using VI = std::vector<int>;
using VD = std::vector<double>;
using VS = std::vector<std::string>;
using P = std::pair<int, int>;
using VP = std::vector<P>;
using PS = std::pair<std::string, std::string>;

const VI kFibonacci{1, 1, 2, 3, 5, 8, 13};
const VD kDoubles{1.0, 1.0, 2.0, 3.0, 5.0, 8.0};
const std::vector<PS> kCategories{{"Apples", "Fruit"}, {"Oranges", "Fruit"}, {"Oranges", "Citrus"}};

}  // namespace

using distributed_test::sameAsOneProcess;
using rill::SparkContext;
using rill_test::iota;

TEST_CASE("JavaAPISuite: sparkContextUnion and intersection") {
  sameAsOneProcess([](SparkContext& sc) {
    const VS strings{"Hello", "World"};
    const VP pairs{{1, 2}, {3, 4}};
    auto s1 = sc.parallelize(VI{1, 10, 2, 3, 4, 5}), s2 = sc.parallelize(VI{1, 6, 2, 3, 7, 8});
    return std::vector<std::int64_t>{
        sc.union_(sc.parallelize(strings), sc.parallelize(strings)).count(),
        sc.union_(sc.parallelize(VD{1.0, 2.0}), sc.parallelize(VD{1.0, 2.0})).count(),
        sc.union_(sc.parallelize(pairs), sc.parallelize(pairs)).count(),
        s1.intersection(s2).count(),
        sc.emptyRDD<int>().intersection(s2).count(),
        sc.parallelize(VD{1.0, 2.0}).intersection(sc.parallelize(VD{1.0, 2.0})).count(),
        sc.parallelize(pairs).intersection(sc.parallelize(pairs)).count()};
  }, std::vector<std::int64_t>{4, 4, 4, 3, 0, 2, 2});
}

TEST_CASE("JavaAPISuite: randomSplit") {
  sameAsOneProcess([](SparkContext& sc) {
    const auto splits = sc.parallelize(iota(0, 1000)).randomSplit({0.4, 0.6, 1.0}, 31);
    REQUIRE(splits.size() == 3);
    const auto s0 = splits[0].count(), s1 = splits[1].count(), s2 = splits[2].count();
    CHECK((s0 > 150 && s0 < 250));
    CHECK((s1 > 250 && s1 < 350));
    CHECK((s2 > 430 && s2 < 570));
    return std::vector<std::int64_t>{s0, s1, s2};
  });
}

TEST_CASE("JavaAPISuite: sortByKey with the default and a reversed comparator, and sortBy") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.parallelize(VP{{0, 4}, {3, 2}, {-1, 1}});
    // The reversed comparator, descending: ascending again.
    auto reversed = rdd.sortByKey(false, 0, std::greater<>());
    CHECK(reversed.first() == P{-1, 1});
    return std::tuple(rdd.sortByKey().collect(), reversed.collect(),
                      rdd.sortBy([](const P& p) { return p.first; }, true, 2).collect(),
                      rdd.sortBy([](const P& p) { return p.second; }, true, 2).collect());
  }, std::tuple(VP{{-1, 1}, {0, 4}, {3, 2}}, VP{{-1, 1}, {0, 4}, {3, 2}}, VP{{-1, 1}, {0, 4}, {3, 2}},
                VP{{-1, 1}, {3, 2}, {0, 4}}));
}

TEST_CASE("JavaAPISuite: emptyRDD, foreach, foreachPartition, zipWithUniqueId, zipWithIndex") {
  sameAsOneProcess([](SparkContext& sc) {
    auto words = sc.parallelize(VS{"Hello", "World"});
    auto perElement = sc.longAccumulator(), perPartition = sc.longAccumulator();
    words.foreach([perElement](const std::string&) { perElement.add(1); });
    words.foreachPartition([perPartition](std::vector<std::string>& part) {
      for (std::size_t i = 0; i < part.size(); ++i) perPartition.add(1);
    });
    auto data = sc.parallelize(VI{1, 2, 3, 4});
    const auto unique = data.zipWithUniqueId().values().collect();
    return std::tuple(sc.emptyRDD<std::string>().count(), perElement.value(), perPartition.value(),
                      std::set<std::int64_t>(unique.begin(), unique.end()).size(),
                      data.zipWithIndex().values().collect());
  }, std::tuple(std::int64_t{0}, std::int64_t{2}, std::int64_t{2}, std::size_t{4},
                std::vector<std::int64_t>{0, 1, 2, 3}));
}

TEST_CASE("JavaAPISuite: lookup, groupBy, groupByOnPairRDD, keyByOnPairRDD (SPARK-4459)") {
  sameAsOneProcess([](SparkContext& sc) {
    auto categories = sc.parallelize(kCategories);
    CHECK(categories.lookup("Oranges").size() == 2);
    CHECK(categories.groupByKey().lookup("Oranges").at(0).size() == 2);
    auto rdd = sc.parallelize(kFibonacci);
    std::vector<std::size_t> sizes;
    const auto isEven = [](int x) { return x % 2 == 0; };
    for (const std::size_t n : {0u, 1u}) {
      auto oddsAndEvens = rdd.groupBy(isEven, n);
      CHECK(oddsAndEvens.count() == 2);
      sizes.push_back(oddsAndEvens.lookup(true).at(0).size());   // evens
      sizes.push_back(oddsAndEvens.lookup(false).at(0).size());  // odds
    }
    auto pairRDD = rdd.zip(rdd);
    const auto bothEven = [](const P& x) { return x.first % 2 == 0 && x.second % 2 == 0; };
    for (const std::size_t n : {0u, 1u}) {
      auto oddsAndEvens = pairRDD.groupBy(bothEven, n);
      CHECK(oddsAndEvens.count() == 2);
      sizes.push_back(oddsAndEvens.lookup(true).at(0).size());
      sizes.push_back(oddsAndEvens.lookup(false).at(0).size());
    }
    auto keyed = pairRDD.keyBy([](const P& x) { return std::to_string(x.first + x.second); });
    CHECK(keyed.count() == 7);
    CHECK(keyed.lookup("2").at(0).first == 1);
    return sizes;
  }, std::vector<std::size_t>{2, 5, 2, 5, 2, 5, 2, 5});
}

TEST_CASE("JavaAPISuite: cogroup and cogroup3") {
  sameAsOneProcess([](SparkContext& sc) {
    auto categories = sc.parallelize(kCategories);
    auto prices = sc.parallelize(std::vector<std::pair<std::string, int>>{{"Oranges", 2}, {"Apples", 3}});
    auto quantities = sc.parallelize(std::vector<std::pair<std::string, int>>{{"Oranges", 21}, {"Apples", 42}});
    const auto two = categories.cogroup(prices).lookup("Oranges").at(0);
    auto three = categories.cogroup(prices, quantities);
    const auto oranges = three.lookup("Oranges").at(0);
    return std::tuple(two.first, two.second, std::get<0>(oranges), std::get<1>(oranges),
                      std::get<2>(three.lookup("Apples").at(0)));
  }, std::tuple(VS{"Fruit", "Citrus"}, VI{2}, VS{"Fruit", "Citrus"}, VI{2}, VI{42}));
}

TEST_CASE("JavaAPISuite: leftOuterJoin") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd1 = sc.parallelize(VP{{1, 1}, {1, 2}, {2, 1}, {3, 1}});
    auto rdd2 = sc.parallelize(std::vector<std::pair<int, char>>{{1, 'x'}, {2, 'y'}, {2, 'z'}, {4, 'w'}});
    auto joined = rdd1.leftOuterJoin(rdd2);
    const auto firstUnmatched = joined.filter([](const auto& tup) { return !tup.second.second; }).first();
    return std::pair(joined.count(), firstUnmatched.first);
  }, std::pair(std::int64_t{5}, 3));
}

TEST_CASE("JavaAPISuite: foldReduce, treeReduce, treeAggregate, reduce, fold, aggregate") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.parallelize(kFibonacci);
    VI sums{rdd.fold(0, std::plus<>()), rdd.reduce(std::plus<>())};
    auto nine = sc.parallelize(VI{-5, -4, -3, -2, -1, 1, 2, 3, 4}, 10);
    for (int depth = 1; depth <= 10; ++depth) {
      sums.push_back(nine.treeReduce(std::plus<>(), depth));
      sums.push_back(nine.treeAggregate(0, std::plus<>(), std::plus<>(), depth));
    }
    auto four = sc.parallelize(VI{1, 2, 3, 4});
    sums.push_back(four.reduce(std::plus<>()));
    sums.push_back(four.fold(0, std::plus<>()));
    sums.push_back(four.aggregate(0, std::plus<>(), std::plus<>()));
    return sums;
  }, [] {
    VI expected{33, 33};
    expected.insert(expected.end(), 20, -5);
    expected.insert(expected.end(), {10, 10, 10});
    return expected;
  }());
}

// Its aggregateByKey case is PairRDDFunctionsSuite's (test_spark_pair_rdd_suite.cpp).
TEST_CASE("JavaAPISuite: foldByKey, reduceByKey, reduceByKeyLocally, combineByKey") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.parallelize(VP{{2, 1}, {2, 1}, {1, 1}, {3, 2}, {3, 1}});
    auto sums = rdd.foldByKey(0, std::plus<>());
    auto counts = rdd.reduceByKey(std::plus<>());
    const auto localCounts = counts.collectAsMap(), locally = rdd.reduceByKeyLocally(std::plus<>());
    auto combined = sc.parallelize(iota(1, 7)).keyBy([](int v) { return v % 3; })
                        .combineByKey([](int v) { return v; }, std::plus<>(), std::plus<>()).collectAsMap();
    return std::tuple(VI{sums.lookup(1).at(0), sums.lookup(2).at(0), sums.lookup(3).at(0)},
                      VI{counts.lookup(1).at(0), counts.lookup(2).at(0), counts.lookup(3).at(0)},
                      VI{localCounts.at(1), localCounts.at(2), localCounts.at(3)},
                      VI{locally.at(1), locally.at(2), locally.at(3)},
                      std::map<int, int>(combined.begin(), combined.end()));
  }, std::tuple(VI{1, 2, 3}, VI{1, 2, 3}, VI{1, 2, 3}, VI{1, 2, 3}, std::map<int, int>{{0, 9}, {1, 5}, {2, 7}}));
}

TEST_CASE("JavaAPISuite: approximateResults (countByValue), take, cartesian, first") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.parallelize(kFibonacci);
    const auto countsByValue = rdd.countByValue();
    CHECK(rdd.take(2).size() == 2);
    CHECK(rdd.takeSample(false, 2, 42).size() == 2);
    auto cartesian = sc.parallelize(VS{"Hello", "World"}).cartesian(sc.parallelize(kDoubles));
    return std::tuple(countsByValue.at(1), countsByValue.at(13), rdd.first(), cartesian.first());
  }, std::tuple(std::int64_t{2}, std::int64_t{1}, 1, std::pair<std::string, double>("Hello", 1.0)));
}

TEST_CASE("JavaAPISuite: javaDoubleRDD") {
  rill_test::withWorkers([](SparkContext& sc) {
    auto rdd = sc.parallelize(kDoubles);
    CHECK(rdd.distinct().count() == 5);
    CHECK(rdd.filter([](double x) { return x > 2.0; }).count() == 3);
    auto both = rdd.union_(rdd);
    CHECK(both.count() == 12);
    CHECK(both.cache().count() == 12);
    // Spark's expected values, to Spark's tolerance (0.01; 1e-14 between the aliases).
    const auto near = [](double got, double expected) { return std::abs(got - expected) <= 0.01; };
    CHECK(near(rdd.sum(), 20));
    CHECK(near(rdd.stats().sum(), 20));
    CHECK(near(rdd.mean(), 20 / 6.0));
    CHECK(near(rdd.variance(), 6.22222));
    CHECK(std::abs(rdd.variance() - rdd.popVariance()) <= 1e-14);
    CHECK(near(rdd.sampleVariance(), 7.46667));
    CHECK(near(rdd.stdev(), 2.49444));
    CHECK(std::abs(rdd.stdev() - rdd.popStdev()) <= 1e-14);
    CHECK(near(rdd.sampleStdev(), 2.73252));
    CHECK(rdd.first() == 1.0);
    CHECK(rdd.take(5) == VD{1.0, 1.0, 2.0, 3.0, 5.0});
  });
}

TEST_CASE("JavaAPISuite: javaDoubleRDDHistoGram (SPARK-5744), max, min, takeOrdered, top") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.parallelize(VD{1.0, 2.0, 3.0, 4.0});
    const auto [buckets, counts] = rdd.histogram(2);
    const auto byDouble = [](double a, double b) { return a < b; };  // Spark's DoubleComparator
    return std::tuple(buckets, counts, rdd.histogram(buckets), sc.parallelize(VD{}, 1).histogram(VD{0.0, 1.0}),
                      VD{rdd.max(byDouble), rdd.min(byDouble), rdd.max(), rdd.min()},
                      rdd.takeOrdered(2, byDouble), rdd.takeOrdered(2), sc.parallelize(VI{1, 2, 3, 4}).top(2),
                      rdd.reduce(std::plus<>()));
  }, std::tuple(VD{1.0, 2.5, 4.0}, std::vector<std::int64_t>{2, 2}, std::vector<std::int64_t>{2, 2},
                std::vector<std::int64_t>{0}, VD{4.0, 1.0, 4.0, 1.0}, VD{1.0, 2.0}, VD{1.0, 2.0}, VI{4, 3}, 10.0));
}

TEST_CASE("JavaAPISuite: flatMap, mapsFromPairsToPairs, mapOnPairRDD, keyBy") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.parallelize(VS{"Hello World!", "The quick brown fox jumps over the lazy dog."});
    auto words = rdd.flatMap([](const std::string& x) { return static_cast<VS>(rill::split(x, ' ')); });
    auto pairs = rdd.flatMap([](const std::string& s) {
      std::vector<PS> out;
      for (const std::string word : rill::split(s, ' ')) out.emplace_back(word, word);
      return out;
    });
    auto lengths = rdd.flatMap([](const std::string& s) {
      VD out;
      for (const auto word : rill::split(s, ' ')) out.push_back(static_cast<double>(word.size()));
      return out;
    });
    auto swapped = sc.parallelize(std::vector<std::pair<int, std::string>>{{1, "a"}, {2, "aa"}, {3, "aaa"}})
                       .map([](const auto& item) { return std::pair(item.second, item.first); });
    auto onPairs = sc.parallelize(VI{1, 2, 3, 4}).map([](int i) { return P{i, i % 2}; }).map([](const P& in) {
      return P{in.second, in.first};
    });
    return std::tuple(words.first(), words.count(), pairs.first(), pairs.count(), lengths.first(),
                      swapped.collect().back(), onPairs.collect(),
                      sc.parallelize(VI{1, 2}).keyBy([](int x) { return std::to_string(x); }).collect());
  }, std::tuple(std::string("Hello"), std::int64_t{11}, PS{"Hello", "Hello"}, std::int64_t{11}, 5.0,
                std::pair<std::string, int>("aaa", 3), VP{{1, 1}, {0, 2}, {1, 3}, {0, 4}},
                std::vector<std::pair<std::string, int>>{{"1", 1}, {"2", 2}}));
}

TEST_CASE("JavaAPISuite: mapPartitions, mapPartitionsWithIndex, getNumPartitions, glom, zip, zipPartitions") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.parallelize(VI{1, 2, 3, 4}, 2);
    const auto sum = [](const VI& part) { return VI{std::accumulate(part.begin(), part.end(), 0)}; };
    auto partitionSums = rdd.mapPartitions([&](VI& part) { return sum(part); });
    auto indexedSums = rdd.mapPartitionsWithIndex([&](std::size_t, VI& part) { return sum(part); });
    CHECK(sc.parallelize(iota(1, 9), 3).getNumPartitions() == 3);
    CHECK(sc.parallelize(VD{1.0, 2.0, 3.0, 4.0}, 2).getNumPartitions() == 2);
    CHECK(sc.parallelize(std::vector<std::pair<std::string, int>>{{"a", 1}, {"aa", 2}, {"aaa", 3}}, 2)
              .getNumPartitions() == 2);
    auto five = sc.parallelize(iota(1, 6));
    CHECK(five.zip(five.map([](int x) { return static_cast<double>(x); })).count() == 5);
    const auto sizesFn = [](VI& i, VS& s) { return VI{static_cast<int>(i.size()), static_cast<int>(s.size())}; };
    auto sizes = sc.parallelize(iota(1, 7), 2).zipPartitions(sc.parallelize(VS{"1", "2", "3", "4"}, 2), sizesFn);
    return std::tuple(rill::toString(partitionSums.collect()), rill::toString(indexedSums.collect()),
                      rill::toString(rdd.glom().first()), rill::toString(sizes.collect()));
  }, std::tuple(std::string("[3, 7]"), std::string("[3, 7]"), std::string("[1, 2]"), std::string("[3, 2, 3, 2]")));
}

TEST_CASE("JavaAPISuite: repartition") {
  sameAsOneProcess([](SparkContext& sc) {
    const auto sizes = [](const auto& rdd) {
      std::vector<std::size_t> out;
      for (const auto& part : rdd.glom().collect()) out.push_back(part.size());
      return out;
    };
    auto shrunk = sc.parallelize(iota(1, 9), 2).repartition(4), grown = sc.parallelize(iota(1, 9), 4).repartition(2);
    for (const auto& size : sizes(shrunk)) CHECK(size > 0);
    for (const auto& size : sizes(grown)) CHECK(size > 0);
    return std::pair(sizes(shrunk).size(), sizes(grown).size());
  }, std::pair(std::size_t{4}, std::size_t{2}));
}

TEST_CASE("JavaAPISuite: persist") {
  sameAsOneProcess([](SparkContext& sc) {
    auto doubles = sc.parallelize(kDoubles).persist();
    auto pairs = sc.parallelize(std::vector<std::pair<int, std::string>>{{1, "a"}, {2, "aa"}, {3, "aaa"}}).persist();
    return std::tuple(doubles.sum(), pairs.first().second, sc.parallelize(iota(1, 6)).persist().first());
  }, std::tuple(20.0, std::string("a"), 1));
}

TEST_CASE("JavaAPISuite: textFiles and wholeTextFiles") {
  SparkContext sc("local", "JavaAPISuite");
  const auto outputDir = rill_test::tmpPath("java_api_suite_output");
  sc.parallelize(VI{1, 2, 3, 4}).saveAsTextFile(outputDir);
  CHECK(rill_test::readFile(outputDir + "/part-00000") == "1\n2\n3\n4\n");
  CHECK(sc.textFile(outputDir).collect() == VS{"1", "2", "3", "4"});

  const auto dir = rill_test::tmpPath("java_api_suite_whole");
  std::filesystem::create_directories(dir);
  const std::string content1 = "spark is easy to use.\n", content2 = "spark is also easy to use.\n";
  rill_test::writeFile(dir + "/part-00000", content1);
  rill_test::writeFile(dir + "/part-00001", content2);
  const std::map<std::string, std::string> container{{dir + "/part-00000", content1}, {dir + "/part-00001", content2}};
  for (const auto& [path, content] : sc.wholeTextFiles(dir, 3).collect()) CHECK(container.at(path) == content);
}

TEST_CASE("JavaAPISuite: countApproxDistinct") {
  SparkContext sc("local", "JavaAPISuite");
  VI arrayData;
  for (int i = 0; i < 100000; ++i) arrayData.push_back(i % 100);
  const auto estimate = sc.parallelize(arrayData, 10).countApproxDistinct(0.05);
  CHECK(std::abs(static_cast<double>(estimate - 100) / 100.0) <= 0.1);
}

TEST_CASE("JavaAPISuite: sampleByKey") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd2 = sc.parallelize(iota(1, 9), 3).map([](int i) { return P{i % 2, 1}; });
    const std::map<int, double> fractions{{0, 0.5}, {1, 1.0}};
    for (const bool withReplacement : {true, false}) {
      const auto counts = rdd2.sampleByKey(withReplacement, fractions, 1).toRDD().countByKey();
      CHECK(counts.size() == 2);
      CHECK(counts.at(0) > 0);
      CHECK(counts.at(1) > 0);
    }
    return rdd2.sampleByKey(false, fractions, 1).toRDD().collect();
  });
}
