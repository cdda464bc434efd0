// EXPECT: rill: a key needs std::hash or a partitioner's hasher
// subtract over pairs holding a type without std::hash, with a number of partitions,
// which names no hasher.
#include <rill/rdd/spark_context.hpp>
#include <utility>

struct Point {
  int x, y;
  bool operator==(const Point&) const = default;
};

int main() {
  rill::SparkContext sc;
  auto a = sc.parallelize(std::vector<std::pair<Point, int>>{{{1, 2}, 3}});
  auto b = sc.parallelize(std::vector<std::pair<Point, int>>{{{1, 2}, 3}});
  a.subtract(b, 2);
}
