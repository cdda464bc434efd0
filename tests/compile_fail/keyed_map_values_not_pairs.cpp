// EXPECT: mapValues needs an RDD of key/value pairs
#include <rill/rdd/spark_context.hpp>
#include <string>

int main() {
  rill::SparkContext sc;
  sc.parallelize(std::vector<std::string>{"a"}).mapValues([](char c) { return c; });
}
