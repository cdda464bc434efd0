// EXPECT: sortByKey needs keys ordered by <
#include <rill/rdd/spark_context.hpp>
#include <utility>

struct Id {
  int v;
};

int main() {
  rill::SparkContext sc;
  sc.parallelize(std::vector<std::pair<Id, int>>{{{1}, 2}}).sortByKey();
}
