// EXPECT: rill: countApproxDistinct needs elements that hash
#include <rill/rdd/spark_context.hpp>

#include <vector>

namespace {
struct Point {
  int x, y;
  bool operator==(const Point&) const = default;
};
}  // namespace

int main() {
  rill::SparkContext sc;
  auto n = sc.parallelize(std::vector<Point>{{1, 2}}).countApproxDistinct();
  (void)n;
}
