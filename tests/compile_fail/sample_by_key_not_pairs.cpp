// EXPECT: rill: sampleByKey needs an RDD of key/value pairs
#include <rill/rdd/spark_context.hpp>

#include <map>
#include <vector>

int main() {
  rill::SparkContext sc;
  sc.parallelize(std::vector<int>{1, 2}).sampleByKey(false, std::map<int, double>{{1, 0.5}});
}
