// EXPECT: rill: takeOrdered(n, cmp) needs cmp(const T&, const T&) -> bool
// takeOrdered with the default order on an element type without operator<.
#include <rill/rdd/spark_context.hpp>

#include <vector>

struct Unordered {
  int v;
};

int main() {
  rill::SparkContext sc;
  auto result = sc.parallelize(std::vector<Unordered>{{2}, {1}}).takeOrdered(1);
  (void)result;
}
