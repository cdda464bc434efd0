// EXPECT: rill: treeReduce(f) needs f callable as f(const T&, const T&) returning T
#include <rill/rdd/spark_context.hpp>

#include <string>
#include <vector>

int main() {
  rill::SparkContext sc;
  sc.parallelize(std::vector<int>{1, 2}).treeReduce([](const std::string& a, const std::string&) { return a; });
}
