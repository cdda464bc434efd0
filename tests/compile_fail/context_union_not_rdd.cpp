// EXPECT: rill: union_ needs RDDs (or one std::vector of RDDs)
// sc.union_ of an RDD and a vector of numbers.
#include <rill/rdd.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  auto all = sc.union_(sc.parallelize(std::vector<int>{1, 2}), std::vector<int>{3, 4});
  (void)all;
}
