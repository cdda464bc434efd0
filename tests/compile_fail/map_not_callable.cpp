// EXPECT: rill: map(f) needs f callable as f(const T&)
// map with a function that cannot take the element type (int parameter, string elements).
#include <rill/rdd/spark_context.hpp>

#include <string>
#include <vector>

int main() {
  rill::SparkContext sc;
  auto lengths = sc.parallelize(std::vector<std::string>{"a", "bb"}).map([](int x) { return x + 1; });
  (void)lengths;
}
