// EXPECT: reduceByKey(f) needs f callable as f(const V&, const V&) returning V
#include <rill/rdd/spark_context.hpp>
#include <string>
#include <utility>

int main() {
  rill::SparkContext sc;
  auto pairs = sc.parallelize(std::vector<std::pair<int, int>>{{1, 2}});
  pairs.reduceByKey([](const std::string& a, const std::string&) { return a; });
}
