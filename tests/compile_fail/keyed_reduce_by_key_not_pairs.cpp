// EXPECT: reduceByKey needs an RDD of key/value pairs
#include <rill/rdd/spark_context.hpp>

int main() {
  rill::SparkContext sc;
  sc.parallelize(std::vector<int>{1, 2}).reduceByKey([](int a, int b) { return a + b; });
}
