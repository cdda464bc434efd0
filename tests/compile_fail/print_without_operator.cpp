// EXPECT: rill: printing an element (toString, saveAsTextFile, print, saveAsTextFiles) needs operator<<
// saveAsTextFile of an element type that has no operator<< and no ShowTraits.
#include <rill/rdd/spark_context.hpp>

#include <vector>

struct Opaque {
  int v;
};

int main() {
  rill::SparkContext sc;
  sc.parallelize(std::vector<Opaque>{{1}}).saveAsTextFile("/nonexistent/out");
}
