// EXPECT: aggregateByKey(zero, seqOp, combOp) needs seqOp(U, const V&) -> U
#include <rill/rdd/spark_context.hpp>
#include <string>
#include <utility>

int main() {
  rill::SparkContext sc;
  auto pairs = sc.parallelize(std::vector<std::pair<int, int>>{{1, 2}});
  pairs.aggregateByKey(std::string(), [](std::string acc, int) { return acc.size(); },
                       [](std::string a, std::string b) { return a + b; });
}
