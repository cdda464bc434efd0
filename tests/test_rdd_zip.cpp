// zip, zipPartitions, zipWithUniqueId and groupBy: exact results on every
// partition shape, Spark's checks (unequal partition counts at the call,
// unequal element counts when computed).
#include "rdd_test_support.hpp"

#include <rill/rdd.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using rill_test::iota;
using rill_test::sorted;
using VI = std::vector<int>;

TEST_CASE("zip pairs the i-th elements of two RDDs partitioned alike, on every shape") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      auto left = sc.parallelize(shape.data, shape.slices);
      auto right = left.map([](int x) { return std::to_string(x * 2); });
      std::vector<std::pair<int, std::string>> expected;
      for (int x : shape.data) expected.emplace_back(x, std::to_string(x * 2));
      const auto zipped = left.zip(right);
      CHECK(zipped.getNumPartitions() == shape.slices);
      CHECK(zipped.collect() == expected);
      CHECK(left.map([](int x) { return x; }).zip(right.toRDD()).collect() == expected);  // a chain zips too
    }
  });
}

TEST_CASE("zip needs the same number of partitions (at the call) and of elements per partition (when computed)") {
  rill::SparkContext sc(rill_test::conf(2));
  auto a = sc.parallelize(iota(0, 6), 2);
  CHECK_THROWS_WITH_AS(a.zip(sc.parallelize(iota(0, 6), 3)),
                       "rill: zip: Can't zip RDDs with unequal numbers of partitions: List(2, 3)", std::invalid_argument);
  auto uneven = a.zip(sc.parallelize(iota(0, 7), 2));
  CHECK_THROWS_WITH_AS(uneven.collect(),
                       "rill: zip: Can only zip RDDs with same number of elements in each partition",
                       rill::SparkException);
  CHECK(sc.emptyRDD<int>().zip(sc.emptyRDD<double>()).collect().empty());
}

TEST_CASE("zipPartitions hands f both partitions whole") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto a = sc.parallelize(iota(0, 10), 3);   // [0,1,2] [3,4,5] [6,7,8,9]
    auto b = sc.parallelize(iota(100, 104), 3);  // [100] [101] [102,103]
    auto sizes = a.zipPartitions(b, [](VI& x, VI& y) { return VI{static_cast<int>(x.size()), static_cast<int>(y.size())}; });
    CHECK(sizes.collect() == VI{3, 1, 3, 1, 4, 2});
    auto sums = a.zipPartitions(b, [](VI& x, VI& y) {
      std::vector<std::string> out;
      for (int v : x) out.push_back(std::to_string(v + y.front()));
      return out;
    });
    CHECK(sums.glom().collect() == std::vector<std::vector<std::string>>{
                                       {"100", "101", "102"}, {"104", "105", "106"}, {"108", "109", "110", "111"}});
    CHECK_THROWS_AS(a.zipPartitions(sc.parallelize(VI{}, 2), [](VI& x, VI&) { return x; }), std::invalid_argument);
  });
}

TEST_CASE("zipWithUniqueId: partition k of n numbers k, n + k, 2n + k, ... without a job") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto rdd = sc.parallelize(std::vector<std::string>{"a", "b", "c", "d", "e"}, 3);  // [a] [b,c] [d,e]
    CHECK(rdd.zipWithUniqueId().collect() ==
          std::vector<std::pair<std::string, std::int64_t>>{{"a", 0}, {"b", 1}, {"c", 4}, {"d", 2}, {"e", 5}});
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      const auto got = sc.parallelize(shape.data, shape.slices).zipWithUniqueId().collect();
      REQUIRE(got.size() == shape.data.size());
      std::vector<std::int64_t> ids;
      for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].first == shape.data[i]);
        ids.push_back(got[i].second);
      }
      auto unique = sorted(ids);
      CHECK(std::adjacent_find(unique.begin(), unique.end()) == unique.end());
    }
  });
}

TEST_CASE("groupBy: the elements grouped by f, in the input's order within a group") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      auto grouped = sc.parallelize(shape.data, shape.slices).groupBy([](int x) { return x % 3; });
      CHECK(grouped.getNumPartitions() == shape.slices);
      auto got = sorted(grouped.collect());
      std::vector<std::pair<int, VI>> expected;
      for (int x : shape.data) {
        auto at = std::find_if(expected.begin(), expected.end(), [&](const auto& e) { return e.first == x % 3; });
        if (at == expected.end()) expected.emplace_back(x % 3, VI{x});
        else at->second.push_back(x);
      }
      CHECK(got == sorted(expected));
    }
    auto two = sc.parallelize(iota(0, 10), 4).groupBy([](int x) { return x % 2 == 0 ? std::string("even") : "odd"; }, 2);
    CHECK(two.getNumPartitions() == 2);
    CHECK(two.partitioner() != nullptr);
    CHECK(sorted(two.collect()) ==
          std::vector<std::pair<std::string, VI>>{{"even", {0, 2, 4, 6, 8}}, {"odd", {1, 3, 5, 7, 9}}});
    auto byPartitioner = sc.parallelize(iota(0, 10), 4).groupBy([](int x) { return x / 4; }, rill::HashPartitioner(3));
    CHECK(byPartitioner.getNumPartitions() == 3);
  });
}
