// countApproxDistinct: within Spark's documented error (about relativeSD)
// on counts from 0 to 10^5, close on small counts too (linear counting), the same
// estimate whatever the partitioning, and Spark's bounds on relativeSD.
#include "rdd_test_support.hpp"

#include <rill/rdd.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using rill_test::iota;

TEST_CASE("countApproxDistinct is within a few relativeSD of the distinct count") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (int distinct : {1000, 20000, 100000}) {
      for (double sd : {0.05, 0.01}) {
        CAPTURE(distinct);
        CAPTURE(sd);
        // Every value three times, in 7 partitions.
        auto rdd = sc.range(0, 3 * distinct, 1, 7).map([distinct](std::int64_t x) { return x % distinct; });
        const auto estimate = rdd.countApproxDistinct(sd);
        CHECK(std::abs(static_cast<double>(estimate) - distinct) <= 4 * sd * distinct);
        // The registers merge by max: the estimate does not depend on the partitioning.
        CHECK(sc.range(0, distinct, 1, 1).countApproxDistinct(sd) == estimate);
      }
    }
  });
}

TEST_CASE("countApproxDistinct on small sets, strings and every shape") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      std::vector<int> unique = rill_test::sorted(shape.data);
      unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
      const auto estimate = static_cast<double>(sc.parallelize(shape.data, shape.slices).countApproxDistinct());
      CHECK(std::abs(estimate - static_cast<double>(unique.size())) <= 0.05 * static_cast<double>(unique.size()));
    }
    CHECK(sc.emptyRDD<std::string>().countApproxDistinct() == 0);
    std::vector<std::string> words;
    for (int i = 0; i < 50; ++i) words.push_back("w" + std::to_string(i % 10));
    CHECK(sc.parallelize(words, 3).countApproxDistinct(0.01) == 10);
  });
}

TEST_CASE("countApproxDistinct checks relativeSD at the call") {
  rill::SparkContext sc(rill_test::conf(1));
  auto rdd = sc.parallelize(iota(0, 10), 2);
  CHECK_THROWS_WITH_AS(rdd.countApproxDistinct(0.000017),
                       "rill: countApproxDistinct: accuracy (0.000017) must be greater than 0.000017",
                       std::invalid_argument);
  CHECK_THROWS_AS(rdd.countApproxDistinct(0), std::invalid_argument);
  CHECK(std::abs(rdd.countApproxDistinct(0.3) - 10) <= 3);  // 16 registers
  // Above 0.3727 Spark's p would be below 4: it is raised to 4 (16 registers), not refused.
  CHECK(rdd.countApproxDistinct(0.5) == rdd.countApproxDistinct(0.3));
  CHECK(rdd.countApproxDistinct(10.0) == rdd.countApproxDistinct(0.3));
}
