// EXPECT: rill: sum/mean/stats need an RDD of numbers
// sum over an RDD whose elements are not numbers.
#include <rill/rdd/spark_context.hpp>

#include <string>
#include <vector>

int main() {
  rill::SparkContext sc;
  auto total = sc.parallelize(std::vector<std::string>{"a", "b"}).sum();
  (void)total;
}
