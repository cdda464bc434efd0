// EXPECT: rill: a key needs std::hash or a partitioner's hasher
// distinct over an element type without std::hash.
#include <rill/rdd/spark_context.hpp>

#include <vector>

struct Point {
  int x, y;
  bool operator==(const Point&) const = default;
};

int main() {
  rill::SparkContext sc;
  auto d = sc.parallelize(std::vector<Point>{{1, 2}}).distinct();
  (void)d;
}
