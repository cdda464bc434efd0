// EXPECT: need two RDDs of key/value pairs with the same key type
#include <rill/rdd/spark_context.hpp>
#include <string>
#include <utility>

int main() {
  rill::SparkContext sc;
  auto a = sc.parallelize(std::vector<std::pair<int, int>>{{1, 2}});
  auto b = sc.parallelize(std::vector<std::pair<std::string, int>>{{"1", 2}});
  a.join(b);
}
