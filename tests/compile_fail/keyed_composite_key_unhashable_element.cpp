// EXPECT: rill: a key needs std::hash or a partitioner's hasher
// A composite key (campaign, position) whose second element has no std::hash:
// composite keys hash when every element does.
#include <rill/rdd/spark_context.hpp>
#include <string>
#include <utility>

struct Point {
  int x, y;
  bool operator==(const Point&) const = default;
};

int main() {
  rill::SparkContext sc;
  using Key = std::pair<std::string, Point>;
  sc.parallelize(std::vector<std::pair<Key, int>>{{{"c", {1, 2}}, 3}}).reduceByKey([](int a, int b) { return a + b; });
}
