// EXPECT: rill: takeOrdered(n, cmp) needs cmp(const T&, const T&) -> bool
// takeOrdered with a comparator over another type than the elements.
#include <rill/rdd/spark_context.hpp>

#include <string>
#include <vector>

int main() {
  rill::SparkContext sc;
  auto firsts = sc.parallelize(std::vector<int>{3, 1}).takeOrdered(
      1, [](const std::string& a, const std::string& b) { return a < b; });
  (void)firsts;
}
