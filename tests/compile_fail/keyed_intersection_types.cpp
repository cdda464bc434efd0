// EXPECT: intersection and subtract need two RDDs of the same element type
#include <rill/rdd/spark_context.hpp>
#include <string>

int main() {
  rill::SparkContext sc;
  auto a = sc.parallelize(std::vector<int>{1});
  auto b = sc.parallelize(std::vector<std::string>{"1"});
  a.intersection(b);
}
