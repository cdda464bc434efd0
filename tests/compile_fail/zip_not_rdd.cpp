// EXPECT: rill: zip needs an RDD
// zip with a container instead of an RDD.
#include <rill/rdd/spark_context.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  auto zipped = sc.parallelize(std::vector<int>{1, 2}).zip(std::vector<int>{3, 4});
  (void)zipped;
}
