// EXPECT: rill: filter(p) needs a predicate p(const T&) -> bool
// filter with a function whose result is not testable as bool.
#include <rill/rdd/spark_context.hpp>

#include <string>
#include <vector>

int main() {
  rill::SparkContext sc;
  auto kept = sc.parallelize(std::vector<int>{1, 2}).filter([](const auto& x) { return std::to_string(x); });
  (void)kept;
}
