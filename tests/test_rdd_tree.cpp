// treeAggregate and treeReduce give aggregate's and reduce's results at every
// depth and on every shape; reduce keeps working for element types without a
// default value.
#include "rdd_test_support.hpp"

#include <rill/rdd.hpp>

#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using rill_test::iota;
using VI = std::vector<int>;

TEST_CASE("treeAggregate and treeReduce equal aggregate and reduce at every depth, on every shape") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      auto rdd = sc.parallelize(shape.data, shape.slices).map([](int x) { return x; });
      const std::int64_t sum = std::accumulate(shape.data.begin(), shape.data.end(), std::int64_t{0});
      for (int depth : {1, 2, 3, 10}) {
        CAPTURE(depth);
        auto count = rdd.treeAggregate(
            std::pair<std::int64_t, std::int64_t>{0, 0},
            [](std::pair<std::int64_t, std::int64_t> acc, int x) { return std::pair(acc.first + x, acc.second + 1); },
            [](std::pair<std::int64_t, std::int64_t> a, std::pair<std::int64_t, std::int64_t> b) {
              return std::pair(a.first + b.first, a.second + b.second);
            },
            depth);
        CHECK(count == std::pair<std::int64_t, std::int64_t>{sum, static_cast<std::int64_t>(shape.data.size())});
        if (shape.data.empty()) {
          CHECK_THROWS_WITH_AS(rdd.treeReduce([](int a, int b) { return a + b; }, depth),
                               "rill: treeReduce() on an empty RDD: empty collection",
                               rill::UnsupportedOperationException);
        } else {
          CHECK(rdd.treeReduce([](int a, int b) { return a + b; }, depth) == sum);
          CHECK(rdd.treeReduce([](int a, int b) { return std::max(a, b); }, depth) ==
                *std::max_element(shape.data.begin(), shape.data.end()));
        }
      }
    }
  });
}

TEST_CASE("treeAggregate merges in Spark's tree: the order of a non-commutative combOp shows it") {
  rill::SparkContext sc(rill_test::conf(2));
  auto rdd = sc.parallelize(iota(0, 8), 8);  // one element per partition
  auto concat = [](std::string a, const std::string& b) { return a + b; };
  auto seq = [](std::string acc, int x) { return acc + std::to_string(x); };
  // depth 2 over 8 partitions: scale 3, one level into 8 / 3 = 2 slots (i % 2), then the final fold.
  CHECK(rdd.treeAggregate(std::string(), seq, concat, 2) == "02461357");
  CHECK(rdd.treeAggregate(std::string(), seq, concat, 1) == "01234567");  // no level: in partition order
  CHECK(sc.emptyRDD<int>().treeAggregate(std::string("z"), seq, concat) == "z");
  CHECK_THROWS_WITH_AS(rdd.treeAggregate(std::string(), seq, concat, 0),
                       "rill: Depth must be greater than or equal to 1 but got 0.", std::invalid_argument);
  CHECK_THROWS_AS(rdd.treeReduce([](int a, int b) { return a + b; }, -1), std::invalid_argument);
}

TEST_CASE("treeAggregate uses a non-neutral zero where Spark's does: a level's foldByKey, then the final fold") {
  rill::SparkContext sc(rill_test::conf(2));
  const auto plus = [](int a, int b) { return a + b; };
  // No level: partitions 1+1 and 1+2, each folded from 1 (3, 4), merged onto 1.
  CHECK(sc.parallelize(VI{1, 2}, 2).treeAggregate(1, plus, plus) == 8);
  CHECK(sc.parallelize(VI{1, 2}, 2).treeAggregate(1, plus, plus, 1) == 8);
  // 8 partitions of one element, depth 2: partitions i + 1; one level into 2 slots, each
  // result entering it from 1 (slots 2+4+6+8 = 20, 3+5+7+9 = 24); then 1 + (1 + 20) + (1 + 24).
  CHECK(sc.parallelize(iota(0, 8), 8).treeAggregate(1, plus, plus) == 47);
  // Depth 1, no level: 1 + the sum of 1 + (i + 1).
  CHECK(sc.parallelize(iota(0, 8), 8).treeAggregate(1, plus, plus, 1) == 1 + 8 * 2 + 28);
  // The order within a level and of the final fold: partition order.
  auto concat = [](std::string a, const std::string& b) { return a + b; };
  auto seq = [](std::string acc, int x) { return acc + std::to_string(x); };
  CHECK(sc.parallelize(iota(0, 8), 8).treeAggregate(std::string("z"), seq, concat) ==
        "z" "zzz0zz2zz4zz6" "zzz1zz3zz5zz7");
  CHECK(sc.parallelize(VI{}, 3).treeAggregate(1, plus, plus) == 7);  // three empty partitions: 1 + 3 * (1 + 1)
}

namespace {
struct NoDefault {
  explicit NoDefault(int v) : value(v) {}
  int value;
  bool operator==(const NoDefault&) const = default;
};
}  // namespace

TEST_CASE("reduce and treeReduce of a type without a default value") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto rdd = sc.parallelize(iota(1, 11), 4).map([](int x) { return NoDefault(x); });
    auto add = [](const NoDefault& a, const NoDefault& b) { return NoDefault(a.value + b.value); };
    CHECK(rdd.reduce(add) == NoDefault(55));
    CHECK(rdd.treeReduce(add, 3) == NoDefault(55));
    CHECK_THROWS_AS(sc.parallelize(VI{}, 3).map([](int x) { return NoDefault(x); }).reduce(add),
                    rill::UnsupportedOperationException);
  });
}

TEST_CASE("reduce starts every partition from its first element, also when it comes after many dropped ones") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    // Negative numbers: an accumulator starting from 0 would show as a maximum of 0.
    auto negatives = sc.parallelize(iota(-20000, 0), 3).cache();
    auto late = negatives.filter([](int x) { return x % 9000 == 0 || x > -3; });  // -18000, -9000, -2, -1
    CHECK(late.reduce([](int a, int b) { return std::max(a, b); }) == -1);
    CHECK(late.reduce([](int a, int b) { return a + b; }) == -27003);
    CHECK(late.max() == -1);
    CHECK(late.min() == -18000);
    CHECK(negatives.reduce([](int a, int b) { return std::max(a, b); }) == -1);
    CHECK(negatives.map([](int x) { return x * 2; }).max() == -2);
    CHECK_THROWS_AS(negatives.filter([](int x) { return x > 0; }).reduce([](int a, int b) { return a + b; }),
                    rill::UnsupportedOperationException);
  });
}
