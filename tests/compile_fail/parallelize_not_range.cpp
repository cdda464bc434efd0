// EXPECT: rill: parallelize(range) needs an input range
// parallelize of a single value instead of a collection.
#include <rill/rdd/spark_context.hpp>

int main() {
  rill::SparkContext sc;
  auto rdd = sc.parallelize(42);
  (void)rdd;
}
