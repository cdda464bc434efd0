// EXPECT: rill: reduce(f) needs f callable as f(const T&, const T&) returning T
// reduce with a function over another type than the elements.
#include <rill/rdd/spark_context.hpp>

#include <string>
#include <vector>

int main() {
  rill::SparkContext sc;
  auto total = sc.parallelize(std::vector<int>{1, 2}).reduce([](const std::string& a, const std::string& b) {
    return a + b;
  });
  (void)total;
}
