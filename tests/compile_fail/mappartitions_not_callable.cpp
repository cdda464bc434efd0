// EXPECT: rill: mapPartitions(f) needs f callable as f(std::vector<T>& partition) returning a range
// mapPartitions with a function that takes one element instead of the partition.
#include <rill/rdd/spark_context.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  auto sizes = sc.parallelize(std::vector<int>{1, 2}).mapPartitions([](int x) { return std::vector<int>{x}; });
  (void)sizes;
}
