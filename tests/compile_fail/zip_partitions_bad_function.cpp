// EXPECT: rill: zipPartitions(other, f) needs f callable as f(std::vector<T>&, std::vector<U>&)
#include <rill/rdd/spark_context.hpp>

#include <vector>

int main() {
  rill::SparkContext sc;
  auto a = sc.parallelize(std::vector<int>{1, 2});
  a.zipPartitions(a, [](int x) { return std::vector<int>{x}; });
}
