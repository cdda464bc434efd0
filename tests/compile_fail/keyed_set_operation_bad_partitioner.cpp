// EXPECT: rill: the last argument of intersection and subtract must be a number of partitions or a partitioner
// intersection's last argument is neither a count nor a partitioner.
#include <rill/rdd/spark_context.hpp>

int main() {
  rill::SparkContext sc;
  auto a = sc.parallelize(std::vector<int>{1, 2});
  auto b = sc.parallelize(std::vector<int>{2, 3});
  a.intersection(b, "four");
}
