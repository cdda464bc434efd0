// Cases of Spark's DoubleRDDSuite (core/src/test/scala/org/apache/spark/rdd):
// sum and histogram, with explicit buckets (binary search, and evenBuckets
// arithmetic where Spark checks both) and with a bucket count, with Spark's
// inputs and the exact counts and bucket edges Spark's assertions expect. Each
// case runs on one process and on in-process ranks
// (distributed_test_support.hpp) and must give the same there.
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

using distributed_test::sameAsOneProcess;
using rill::SparkContext;

namespace {

using VD = std::vector<double>;
using VL = std::vector<std::int64_t>;

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

/// histogram(buckets) by binary search and, where `even`, by Spark's evenBuckets arithmetic too.
std::vector<VL> bothWays(rill::RDD<double> rdd, const VD& buckets, bool even) {
  std::vector<VL> out{rdd.histogram(buckets)};
  if (even) out.push_back(rdd.histogram(buckets, true));
  return out;
}

}  // namespace

TEST_CASE("DoubleRDDSuite: sum") {
  sameAsOneProcess([](SparkContext& sc) {
    return VD{sc.parallelize(VD{}).sum(), sc.parallelize(VD{1.0}).sum(), sc.parallelize(VD{1.0, 2.0}).sum()};
  }, VD{0.0, 1.0, 3.0});
}

TEST_CASE("DoubleRDDSuite: WorksOnEmpty") {
  sameAsOneProcess([](SparkContext& sc) {
    auto out = bothWays(sc.parallelize(VD{}), {0.0, 10.0}, true);
    auto empty = bothWays(sc.emptyRDD<double>(), {0.0, 10.0}, true);
    out.insert(out.end(), empty.begin(), empty.end());
    return out;
  }, std::vector<VL>(4, VL{0}));
}

TEST_CASE("DoubleRDDSuite: histogram with explicit buckets, in and out of range, NaN and infinities") {
  const VD mixed{-0.01, 0.0, 1, 2, 3, 5, 6, 11.01, 12.0, 199.0, 200.0, 200.1};
  VD mixedNaN = mixed;
  mixedNaN.push_back(kNaN);
  VD mixedInf = mixed;
  mixedInf.insert(mixedInf.end(), {kInf, -kInf, kNaN});
  sameAsOneProcess([=](SparkContext& sc) {
    const auto of = [&](const VD& data, const VD& buckets, bool even) {
      return bothWays(sc.parallelize(data), buckets, even);
    };
    return std::vector<std::vector<VL>>{
        of({10.01, -0.01}, {0.0, 10.0}, true),                             // WorksWithOutOfRangeWithOneBucket
        of({1, 2, 3, 4}, {0.0, 10.0}, true),                               // WorksInRangeWithOneBucket
        of({1, 2, 3, 4}, {1.0, 4.0}, true),                                // WorksInRangeWithOneBucketExactMatch
        of({10.01, -0.01}, {0.0, 5.0, 10.0}, true),                        // WorksWithOutOfRangeWithTwoBuckets
        of({10.01, -0.01}, {0.0, 4.0, 10.0}, false),                       // WorksWithOutOfRangeWithTwoUnEvenBuckets
        of({1, 2, 3, 5, 6}, {0.0, 5.0, 10.0}, true),                       // WorksInRangeWithTwoBuckets
        of({1, 2, 3, 5, 6, kNaN}, {0.0, 5.0, 10.0}, true),                 // WorksInRangeWithTwoBucketsAndNaN
        of({1, 2, 3, 5, 6}, {0.0, 5.0, 11.0}, false),                      // WorksInRangeWithTwoUnevenBuckets
        of({-0.01, 0.0, 1, 2, 3, 5, 6, 11.0, 11.01}, {0.0, 5.0, 11.0}, false),  // WorksMixedRangeWithTwoUnevenBuckets
        of(mixed, {0.0, 5.0, 11.0, 12.0, 200.0}, false),                   // WorksMixedRangeWithFourUnevenBuckets
        of(mixedNaN, {0.0, 5.0, 11.0, 12.0, 200.0}, false),                // WorksMixedRangeWithUnevenBucketsAndNaN
        of(mixedNaN, {0.0, 5.0, 11.0, 12.0, 200.0, kNaN}, false),  // WorksMixedRangeWithUnevenBucketsAndNaNAndNaNRange
        of(mixedInf, {0.0, 5.0, 11.0, 12.0, 200.0, kNaN}, false),  // ... AndNaNAndNaNRangeAndInfinity
        of({10.01, -0.01, kNaN}, {-kInf, 0.0, kInf}, false),       // WorksWithOutOfRangeWithInfiniteBuckets
    };
  }, std::vector<std::vector<VL>>{{{0}, {0}}, {{4}, {4}}, {{4}, {4}}, {{0, 0}, {0, 0}}, {{0, 0}},
                                  {{3, 2}, {3, 2}}, {{3, 2}, {3, 2}}, {{3, 2}}, {{4, 3}}, {{4, 2, 1, 3}},
                                  {{4, 2, 1, 3}}, {{4, 2, 1, 2, 3}}, {{4, 2, 1, 2, 4}}, {{1, 1}}});
}

TEST_CASE("DoubleRDDSuite: ThrowsExceptionOnInvalidBucketArray") {
  SparkContext sc(rill_test::conf(2));
  auto rdd = sc.parallelize(VD{1.0});
  CHECK_THROWS_AS(rdd.histogram(VD{}), std::invalid_argument);
  CHECK_THROWS_AS(rdd.histogram(VD{1.0}), std::invalid_argument);
}

TEST_CASE("DoubleRDDSuite: histogram with a bucket count") {
  using Result = std::pair<VD, VL>;
  sameAsOneProcess([](SparkContext& sc) {
    VD sixTo99;
    for (int x = 6; x <= 99; ++x) sixTo99.push_back(x);
    const VD atMinMax{1, 1, 1, 2, 3, 3};
    return std::vector<Result>{
        sc.parallelize(VD{1, 2, 3, 4}).histogram(1),       // WorksWithoutBucketsBasic
        sc.parallelize(VD{1}).histogram(1),                // WorksWithoutBucketsBasicSingleElement
        sc.parallelize(VD{1, 1, 1, 1}).histogram(1),       // WorksWithoutBucketsBasicNoRange
        sc.parallelize(VD{1, 2, 3, 4}).histogram(2),       // WorksWithoutBucketsBasicTwo
        sc.parallelize(atMinMax).histogram(4),             // WorksWithDoubleValuesAtMinMax
        sc.parallelize(atMinMax).histogram(3),
        sc.parallelize(VD{1, 2}).histogram(10),            // WorksWithoutBucketsWithMoreRequestedThanElements
        sc.parallelize(sixTo99).histogram(8),              // WorksWithoutBucketsForLargerDatasets
    };
  }, std::vector<Result>{
         {{1.0, 4.0}, {4}},
         {{1.0, 1.0}, {1}},
         {{1.0, 1.0}, {4}},
         {{1.0, 2.5, 4.0}, {2, 2}},
         {{1.0, 1.5, 2.0, 2.5, 3.0}, {3, 0, 1, 2}},
         {{1.0, 1.0 + 2.0 / 3, 1.0 + 4.0 / 3, 3.0}, {3, 1, 2}},
         {{1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
         {{6.0, 17.625, 29.25, 40.875, 52.5, 64.125, 75.75, 87.375, 99.0}, {12, 12, 11, 12, 12, 11, 12, 12}},
     });
}

TEST_CASE("DoubleRDDSuite: WorksWithoutBucketsWithNonIntegralBucketEdges (SPARK-2862)") {
  sameAsOneProcess([](SparkContext& sc) {
    VD sixTo99;
    for (int x = 6; x <= 99; ++x) sixTo99.push_back(x);
    auto [buckets, counts] = sc.parallelize(sixTo99).histogram(9);
    CHECK(buckets.size() == 10);
    return std::tuple(counts, buckets.front(), buckets.back());
  }, std::tuple(VL{11, 10, 10, 11, 10, 10, 11, 10, 11}, 6.0, 99.0));
}

TEST_CASE("DoubleRDDSuite: WorksWithHugeRange") {
  rill_test::withWorkers([](SparkContext& sc) {
    const VL counts = sc.parallelize(VD{0, 1.0e24, 1.0e30}).histogram(1000000).second;
    REQUIRE(counts.size() == 1000000);
    CHECK(counts[0] == 1);
    CHECK(counts[1] == 1);
    CHECK(counts.back() == 1);
    CHECK(std::count(counts.begin() + 2, counts.end() - 1, 0) == static_cast<std::ptrdiff_t>(counts.size()) - 3);
  });
}

TEST_CASE("DoubleRDDSuite: ThrowsExceptionOnInvalidRDDs") {
  rill_test::withWorkers([](SparkContext& sc) {
    CHECK_THROWS_AS(sc.parallelize(VD{1, kInf}).histogram(1), rill::UnsupportedOperationException);
    CHECK_THROWS_AS(sc.parallelize(VD{1, kNaN}).histogram(1), rill::UnsupportedOperationException);
    CHECK_THROWS_AS(sc.parallelize(VD{}).histogram(1), rill::UnsupportedOperationException);
  });
}
