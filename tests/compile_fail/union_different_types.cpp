// EXPECT: rill: union_ needs two RDDs of the same element type
// union_ of RDDs with different element types.
#include <rill/rdd/spark_context.hpp>

#include <string>
#include <vector>

int main() {
  rill::SparkContext sc;
  auto u = sc.parallelize(std::vector<int>{1}).union_(sc.parallelize(std::vector<std::string>{"a"}));
  (void)u;
}
