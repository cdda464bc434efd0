// EXPECT: rill: aggregate(zero, seqOp, combOp) needs seqOp(U, const T&) -> U
// aggregate whose seqOp cannot fold an element into the zero's type.
#include <rill/rdd/spark_context.hpp>

#include <string>
#include <vector>

int main() {
  rill::SparkContext sc;
  auto r = sc.parallelize(std::vector<std::string>{"a"}).aggregate(
      0, [](int acc, int x) { return acc + x; }, [](int a, int b) { return a + b; });
  (void)r;
}
