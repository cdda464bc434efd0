// EXPECT: rill: intersection and subtract need elements with std::hash and ==
// subtract over pairs (no std::hash) with a number of partitions, which names no hasher.
#include <rill/rdd/spark_context.hpp>
#include <utility>

int main() {
  rill::SparkContext sc;
  auto a = sc.parallelize(std::vector<std::pair<int, int>>{{1, 2}});
  auto b = sc.parallelize(std::vector<std::pair<int, int>>{{1, 2}});
  a.subtract(b, 2);
}
