// EXPECT: rill: cartesian needs an RDD
// cartesian of an RDD with a vector: the other side must be an RDD (parallelize it first).
#include <rill/rdd.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  auto pairs = sc.parallelize(std::vector<int>{1, 2}).cartesian(std::vector<int>{3, 4});
  (void)pairs;
}
