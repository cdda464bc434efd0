// EXPECT: rill: histogram needs an RDD of numbers
#include <rill/rdd/spark_context.hpp>

#include <string>
#include <vector>

int main() {
  rill::SparkContext sc;
  auto counts = sc.parallelize(std::vector<std::string>{"a"}).histogram(std::vector<double>{0, 1});
  (void)counts;
}
