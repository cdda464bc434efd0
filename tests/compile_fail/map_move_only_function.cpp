// EXPECT: rill: the functions of map, filter, flatMap and the other element-wise operations must be copyable
// map with a function that owns a std::unique_ptr: chains are copied, so it cannot be part of one.
#include <rill/rdd/spark_context.hpp>

#include <memory>
#include <vector>

int main() {
  rill::SparkContext sc;
  auto offset = std::make_unique<int>(1);
  auto shifted = sc.parallelize(std::vector<int>{1, 2}).map([offset = std::move(offset)](int x) { return x + *offset; });
  (void)shifted.count();
}
