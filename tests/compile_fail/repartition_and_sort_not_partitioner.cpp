// EXPECT: rill: repartitionAndSortWithinPartitions(p) needs a partitioner
#include <rill/rdd/spark_context.hpp>

#include <utility>
#include <vector>

int main() {
  rill::SparkContext sc;
  sc.parallelize(std::vector<std::pair<int, int>>{{1, 2}}).repartitionAndSortWithinPartitions(3);
}
