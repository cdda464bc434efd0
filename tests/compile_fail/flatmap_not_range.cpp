// EXPECT: rill: flatMap(f) needs f to return a range
// flatMap with a function that returns a single value instead of a range.
#include <rill/rdd/spark_context.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  auto flat = sc.parallelize(std::vector<int>{1, 2}).flatMap([](const auto& x) { return x * 2; });
  (void)flat;
}
