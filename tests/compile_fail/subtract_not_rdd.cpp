// EXPECT: rill: intersection and subtract need an RDD
// subtract of a vector: the other side must be an RDD (parallelize it first).
#include <rill/rdd.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  auto rest = sc.parallelize(std::vector<int>{1, 2}).subtract(std::vector<int>{2});
  (void)rest;
}
