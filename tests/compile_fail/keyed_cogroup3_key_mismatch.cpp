// EXPECT: rill: cogroup needs RDDs of key/value pairs with the same key type
// cogroup of three RDDs whose third has another key type.
#include <rill/rdd/spark_context.hpp>
#include <string>
#include <utility>

int main() {
  rill::SparkContext sc;
  auto a = sc.parallelize(std::vector<std::pair<int, int>>{{1, 2}});
  auto b = sc.parallelize(std::vector<std::pair<int, char>>{{1, 'x'}});
  auto c = sc.parallelize(std::vector<std::pair<std::string, int>>{{"1", 2}});
  a.cogroup(b, c, 4);
}
