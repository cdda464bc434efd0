// EXPECT: rill: reduceByKeyLocally needs an RDD of key/value pairs
#include <rill/rdd/spark_context.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  sc.parallelize(std::vector<int>{1, 2}).reduceByKeyLocally([](int a, int b) { return a + b; });
}
