// EXPECT: rill: keyBy(f): f returns void; it must return the key
// keyBy with a function that returns nothing.
#include <rill/rdd/spark_context.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  auto keyed = sc.parallelize(std::vector<int>{1, 2}).keyBy([](const auto&) {});
  (void)keyed;
}
