// EXPECT: rill: union_ needs an RDD
// union_ of an RDD with a vector: the other side must be an RDD (parallelize it first).
#include <rill/rdd.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  auto all = sc.parallelize(std::vector<int>{1, 2}).union_(std::vector<int>{3, 4});
  (void)all;
}
