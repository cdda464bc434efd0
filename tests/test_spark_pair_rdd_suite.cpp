// Cases of Spark's PairRDDFunctionsSuite (core/src/test/scala/org/apache/spark/rdd),
// with Spark's inputs and the results Spark's assertions expect; each case names
// the Spark test it comes from. Results Spark compares as sets are compared
// sorted. Most cases also run on in-process ranks
// (distributed_test_support.hpp) and must give what one process gives.
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using distributed_test::sameAsOneProcess;
using rill::SparkContext;

namespace {

using VP = std::vector<std::pair<int, int>>;
using VI = std::vector<int>;

/// Math.abs(key.hashCode % 2) (an Int's hashCode is itself).
struct AbsModTwo {
  std::size_t numPartitions() const { return 2; }
  std::size_t getPartition(int key) const { return static_cast<std::size_t>(std::abs(key % 2)); }
};

/// key.hashCode % 2: -1 for a negative odd key, a partition that does not exist.
struct ModTwo {
  std::size_t numPartitions() const { return 2; }
  int getPartition(int key) const { return key % 2; }
};

}  // namespace

TEST_CASE("PairRDDFunctionsSuite: lookup, with a partitioner, with a bad partitioner") {
  sameAsOneProcess([](SparkContext& sc) {
    auto pairs = sc.parallelize(VP{{1, 2}, {3, 4}, {5, 6}, {5, 7}});
    CHECK_FALSE(pairs.partitioner());
    auto shuffled = pairs.partitionBy(AbsModTwo{});
    CHECK(shuffled.partitioner());
    return std::vector<VI>{pairs.lookup(1), pairs.lookup(5), pairs.lookup(-1),
                           shuffled.lookup(1), shuffled.lookup(5), shuffled.lookup(-1)};
  }, std::vector<VI>{{2}, {6, 7}, {}, {2}, {6, 7}, {}});
  // key % 2 is -1 for -1: Spark's lookup then asks for a partition that does not exist, an
  // IllegalArgumentException.
  distributed_test::sameFailureAsOneProcess(
      [](SparkContext& sc) {
        auto shuffled = sc.parallelize(VP{{1, 2}, {3, 4}, {5, 6}, {5, 7}}).partitionBy(ModTwo{});
        CHECK(shuffled.lookup(1) == VI{2});
        return shuffled.lookup(-1);
      },
      "std::invalid_argument: rill: Attempting to access a non-existent partition: -1. Total number of partitions: 2");
}
