// EXPECT: rill: a key needs std::hash or a partitioner's hasher
#include <rill/rdd/spark_context.hpp>
#include <utility>

struct Point {
  int x, y;
  bool operator==(const Point&) const = default;
};

int main() {
  rill::SparkContext sc;
  sc.parallelize(std::vector<std::pair<Point, int>>{{{1, 2}, 3}}).groupByKey();
}
