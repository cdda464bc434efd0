// EXPECT: must be a number of partitions or a partitioner
#include <rill/rdd/spark_context.hpp>
#include <utility>

int main() {
  rill::SparkContext sc;
  auto pairs = sc.parallelize(std::vector<std::pair<int, int>>{{1, 2}});
  pairs.reduceByKey([](int a, int b) { return a + b; }, "four");
}
