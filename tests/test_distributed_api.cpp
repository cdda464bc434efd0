// The sampling, zip, histogram, tree, approximate and local keyed operations
// on P in-process ranks of local[N] each give every rank exactly what one
// process of local[P*N] gives (see distributed_test_support.hpp).
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

using distributed_test::sameAsOneProcess;
using distributed_test::sortedEntries;
using rill::SparkContext;
using rill_test::iota;

namespace {

/// body(rdd) over collections of every shape (empty, one element, fewer elements than
/// ranks, many; 0 slices: the default parallelism), as one vector of results.
template <class Body>
auto overShapes(SparkContext& sc, Body body) {
  const std::pair<std::vector<int>, std::size_t> shapes[] = {
      {{}, 3}, {{7}, 1}, {{4, 1, 3}, 9}, {{5, -3, 8, 8, 0, 2}, 0}, {iota(1, 101), 16}, {iota(-50, 250), 0}};
  std::vector<decltype(body(sc.parallelize(std::vector<int>{}, 1)))> results;
  for (const auto& shape : shapes) results.push_back(body(sc.parallelize(shape.first, shape.second)));
  return results;
}

}  // namespace

TEST_CASE("takeSample and randomSplit draw the same elements on any number of ranks") {
  sameAsOneProcess([](SparkContext& sc) {
    return overShapes(sc, [](auto rdd) {
      std::vector<std::vector<int>> out{rdd.takeSample(false, 5, 3), rdd.takeSample(true, 7, 4),
                                        rdd.takeSample(false, 1000, 5)};
      for (auto& split : rdd.randomSplit({0.3, 0.7}, 6)) out.push_back(split.collect());
      return out;
    });
  });
}

TEST_CASE("sampleByKey draws the same elements on any number of ranks") {
  sameAsOneProcess([](SparkContext& sc) {
    const std::map<int, double> fractions{{0, 0.5}, {1, 1.0}, {2, 0.1}};
    return overShapes(sc, [&](auto rdd) {
      auto pairs = rdd.map([](int x) { return std::pair(((x % 3) + 3) % 3, x); });
      return std::pair(pairs.sampleByKey(false, fractions, 8).collect(), pairs.sampleByKey(true, fractions, 9).collect());
    });
  });
}

TEST_CASE("zip, zipPartitions and zipWithUniqueId, also of RDDs whose partitions live on different ranks") {
  sameAsOneProcess([](SparkContext& sc) {
    auto same = overShapes(sc, [](auto rdd) {
      return std::tuple(rdd.zip(rdd.map([](int x) { return x * 3; })).collect(), rdd.zipWithUniqueId().collect(),
                        rdd.zipPartitions(rdd, [](std::vector<int>& a, std::vector<int>& b) {
                             return std::vector<std::size_t>{a.size() + b.size()};
                           }).collect());
    });
    // A union's partitions live where its parents' do; a fresh parallelize's in blocks.
    auto unioned = sc.parallelize(iota(0, 4), 2).union_(sc.parallelize(iota(4, 10), 3));
    auto blocks = sc.parallelize(iota(100, 110), 5);
    auto mismatch = std::pair(unioned.zip(blocks).collect(), blocks.zip(unioned).collect());
    auto uneven = rill::RDD<std::pair<int, int>>(sc.parallelize(iota(0, 5), 5).zip(sc.parallelize(iota(0, 6), 5)));
    std::string error;
    try {
      uneven.count();
    } catch (const rill::SparkException& e) {
      error = e.what();
    }
    return std::tuple(same, mismatch, error);
  });
}

TEST_CASE("groupBy, reduceByKeyLocally and repartitionAndSortWithinPartitions") {
  sameAsOneProcess([](SparkContext& sc) {
    return overShapes(sc, [](auto rdd) {
      auto pairs = rdd.map([](int x) { return std::pair(x % 5, x); });
      return std::tuple(rdd.groupBy([](int x) { return x % 4; }).glom().collect(),
                        sortedEntries(pairs.reduceByKeyLocally([](int a, int b) { return a + b; })),
                        pairs.repartitionAndSortWithinPartitions(rill::HashPartitioner(3)).glom().collect());
    });
  });
}

TEST_CASE("histogram, treeAggregate, treeReduce, countApproxDistinct, sampleStdev and sampleVariance") {
  sameAsOneProcess([](SparkContext& sc) {
    return overShapes(sc, [](auto rdd) {
      auto doubles = rdd.map([](int x) { return x * 0.7; });
      std::string histogramError;
      std::pair<std::vector<double>, std::vector<std::int64_t>> even;
      try {
        even = doubles.histogram(std::size_t{4});
      } catch (const rill::UnsupportedOperationException& e) {
        histogramError = e.what();
      }
      auto add = [](double a, double b) { return a + b; };
      const double tree = rdd.isEmpty() ? 0.0 : doubles.treeReduce(add, 3);
      return std::tuple(doubles.histogram({-10.0, 0.0, 3.5, 100.0}), even, histogramError,
                        doubles.treeAggregate(0.0, add, add, 2), tree, rdd.countApproxDistinct(0.01),
                        std::to_string(doubles.sampleStdev()), std::to_string(doubles.sampleVariance()));
    });
  });
}

TEST_CASE("unpersist on every rank, then the partitions are computed again") {
  sameAsOneProcess([](SparkContext& sc) {
    auto cached = sc.parallelize(iota(0, 50), 7).map([](int x) { return x * x; }).cache();
    const auto before = cached.collect();
    cached.unpersist();
    return std::pair(before, cached.collect());
  });
}
