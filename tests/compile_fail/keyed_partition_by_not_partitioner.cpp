// EXPECT: partitionBy(p) needs a partitioner
#include <rill/rdd/spark_context.hpp>
#include <utility>

int main() {
  rill::SparkContext sc;
  sc.parallelize(std::vector<std::pair<int, int>>{{1, 2}}).partitionBy(4);
}
