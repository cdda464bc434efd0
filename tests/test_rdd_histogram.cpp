// histogram with explicit buckets (binary search, and Spark's evenBuckets
// arithmetic), with a bucket count, NaN and out-of-range elements, and
// sampleStdev / sampleVariance, on every partition shape.
#include "rdd_test_support.hpp"

#include <rill/rdd.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

using rill_test::iota;
using VD = std::vector<double>;
using VL = std::vector<std::int64_t>;

TEST_CASE("histogram(buckets): [b0, b1), [b1, b2), ..., the last one closed; outside and NaN not counted") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const VD data{-1, 0, 0.5, 1, 5, 9.99, 10, 10.5, std::nan(""), 3, 3};
    for (std::size_t slices : {1u, 4u, 20u}) {
      auto rdd = sc.parallelize(data, slices);
      CHECK(rdd.histogram(VD{0, 5, 10}) == VL{5, 3});
      CHECK(rdd.histogram(VD{0, 5, 10}, true) == VL{5, 3});
      CHECK(rdd.histogram(VD{0, 1, 3, 10}) == VL{2, 1, 5});
      CHECK(rdd.histogram(VD{-10, 0}) == VL{2});
      CHECK(rdd.histogram(VD{100, 200}) == VL{0});
    }
    // Integers count as numbers; uneven buckets use the search.
    CHECK(sc.parallelize(iota(0, 100), 7).histogram(VD{0, 10, 50, 99}) == VL{10, 40, 50});
    CHECK(sc.parallelize(iota(0, 100), 7).histogram(VD{0, 25, 50, 75, 100}, true) == VL{25, 25, 25, 25});
    CHECK(sc.emptyRDD<double>().histogram(VD{0, 1, 2}) == VL{0, 0});
    CHECK(sc.parallelize(VD{}, 3).histogram(VD{0, 1}) == VL{0});
  });
}

TEST_CASE("histogram orders as Java's Double.compare: -0.0 below 0.0, NaN only in a bucket ending at NaN") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (std::size_t slices : {1u, 2u, 6u}) {
      CAPTURE(slices);
      auto rdd = sc.parallelize(VD{-0.0, 0.0, 1.0, 10.0, inf, nan}, slices);
      CHECK(rdd.histogram(VD{0, 10, nan}) == VL{2, 3});  // 10, inf and NaN in the last
      CHECK(rdd.histogram(VD{0, 10}) == VL{3});          // -0.0 is below the first bucket
      CHECK(rdd.histogram(VD{0, inf}) == VL{4});
      CHECK(rdd.histogram(VD{-inf, 0, inf}) == VL{1, 4});
      // Spark's evenBuckets arithmetic compares with IEEE's <, so -0.0 is in [0, 10]; a NaN
      // ratio (an infinite or NaN bound) is bucket 0.
      CHECK(rdd.histogram(VD{0, 10}, true) == VL{4});
      CHECK(rdd.histogram(VD{0, inf}, true) == VL{5});
      CHECK(rdd.histogram(VD{0, 5, nan}, true) == VL{5, 0});
    }
    // min and max as Java's Math.min/max: -0.0 is the smaller zero, whatever the order.
    for (const VD& zeros : {VD{0.0, -0.0}, VD{-0.0, 0.0}}) {
      const auto [buckets, counts] = sc.parallelize(zeros, 1).histogram(3);
      REQUIRE(buckets.size() == 2);
      CHECK(std::signbit(buckets[0]));
      CHECK(std::signbit(buckets[1]));
      CHECK(counts == VL{2});
    }
  });
}

TEST_CASE("histogram(bucketCount): even buckets from min to max, as Spark's customRange") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      auto rdd = sc.parallelize(shape.data, shape.slices);
      if (shape.data.empty()) {
        CHECK_THROWS_WITH_AS(rdd.histogram(3),
                             "rill: histogram on either an empty RDD or RDD containing +/-infinity or NaN",
                             rill::UnsupportedOperationException);
        continue;
      }
      const auto [buckets, counts] = rdd.histogram(4);
      std::int64_t total = 0;
      for (auto c : counts) total += c;
      CHECK(total == static_cast<std::int64_t>(shape.data.size()));
      CHECK(buckets.front() == *std::min_element(shape.data.begin(), shape.data.end()));
      CHECK(buckets.back() == *std::max_element(shape.data.begin(), shape.data.end()));
    }
    auto [b, c] = sc.parallelize(iota(1, 101), 16).histogram(3);  // 1 .. 100
    CHECK(b == VD{1, 1 + 99.0 / 3, 1 + 2 * 99.0 / 3, 100});
    CHECK(c == VL{33, 33, 34});
    auto [b1, c1] = sc.parallelize(VD{2.5, 2.5, 2.5}, 2).histogram(10);  // min == max: one bucket
    CHECK(b1 == VD{2.5, 2.5});
    CHECK(c1 == VL{3});
    auto [b2, c2] = sc.parallelize(VD{0, 1, 2, 3, 4, 5, 6}, 3).histogram(2);
    CHECK(b2 == VD{0, 3, 6});
    CHECK(c2 == VL{3, 4});
    const double inf = std::numeric_limits<double>::infinity();
    CHECK_THROWS_AS(sc.parallelize(VD{1, inf}, 2).histogram(2), rill::UnsupportedOperationException);
    CHECK_THROWS_AS(sc.parallelize(VD{1, std::nan(""), 2}, 2).histogram(2), rill::UnsupportedOperationException);
  });
}

TEST_CASE("histogram checks its arguments at the call") {
  rill::SparkContext sc(rill_test::conf(1));
  auto rdd = sc.parallelize(VD{1, 2}, 1);
  CHECK_THROWS_WITH_AS(rdd.histogram(VD{1}), "rill: histogram: buckets array must have at least two elements",
                       std::invalid_argument);
  CHECK_THROWS_AS(rdd.histogram(std::size_t{0}), std::invalid_argument);
  // Sorted by Double.compare, no duplicates, a NaN only last (it counts the NaNs).
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const VD& bad : {VD{10, 0}, VD{0, 5, 5, 10}, VD{0, 0}, VD{0, nan, 10}, VD{nan, 0}, VD{0, nan, nan},
                        VD{0.0, -0.0}, VD{inf, inf}, VD{0, 10, 5}}) {
    CAPTURE(bad);
    for (const bool even : {false, true})
      CHECK_THROWS_WITH_AS(rdd.histogram(bad, even),
                           "rill: histogram: buckets must be sorted and must not contain duplicates",
                           std::invalid_argument);
  }
  CHECK(rdd.histogram(VD{-0.0, 0.0, nan}) == VL{0, 2});  // -0.0 below 0.0: accepted
  CHECK_NOTHROW(rdd.histogram(VD{-inf, 0, inf, nan}));
}

TEST_CASE("sampleStdev and sampleVariance divide by count - 1; NaN below two elements") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      auto rdd = sc.parallelize(shape.data, shape.slices);
      const double n = static_cast<double>(shape.data.size());
      if (shape.data.size() < 2) {
        CHECK(std::isnan(rdd.sampleVariance()));
        CHECK(std::isnan(rdd.sampleStdev()));
        continue;
      }
      double mean = 0;
      for (int x : shape.data) mean += x / n;
      double m2 = 0;
      for (int x : shape.data) m2 += (x - mean) * (x - mean);
      CHECK(rdd.sampleVariance() == doctest::Approx(m2 / (n - 1)).epsilon(1e-12));
      CHECK(rdd.sampleStdev() == doctest::Approx(std::sqrt(m2 / (n - 1))).epsilon(1e-12));
    }
    CHECK(sc.parallelize(VD{1, 2, 3, 4}, 3).sampleVariance() == doctest::Approx(5.0 / 3));
  });
}

TEST_CASE("popVariance and popStdev are Spark's names for variance and stdev (dividing by count)") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto rdd = sc.parallelize(VD{1, 2, 3, 4}, 3);
    CHECK(rdd.popVariance() == 1.25);  // ((1.5^2 + 0.5^2) * 2) / 4, exact in binary
    CHECK(rdd.popStdev() == std::sqrt(1.25));
    const rill::StatCounter st = rdd.stats();
    CHECK(st.popVariance() == 1.25);
    CHECK(st.popStdev() == std::sqrt(1.25));
    CHECK(std::isnan(sc.parallelize(VD{}, 2).popVariance()));
  });
}
