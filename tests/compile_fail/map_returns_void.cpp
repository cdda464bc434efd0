// EXPECT: rill: map(f): f returns void; use foreach(f) for side effects
// map with a function that returns nothing.
#include <rill/rdd/spark_context.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  auto nothing = sc.parallelize(std::vector<int>{1, 2}).map([](const auto&) {});
  (void)nothing;
}
