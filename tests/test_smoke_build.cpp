// The umbrella header alone is enough for a whole program: Spark's word count
// through rill/rill.hpp, with the exact counts and Spark's printing of them.
#include <rill/rill.hpp>

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

TEST_CASE("rill/rill.hpp alone runs Spark's word count to the exact counts") {
  rill::SparkContext sc(rill::SparkConf().setAppName("smoke").setMaster("local[2]"));
  const std::vector<std::string> lines{"to be or", "not  to be", "", "be"};
  const auto counts = sc.parallelize(lines, 3)
                          .flatMap([](const std::string& line) { return rill::split(line); })
                          .map([](const std::string& word) { return std::pair<std::string, int>(word, 1); })
                          .reduceByKey([](int a, int b) { return a + b; })
                          .sortByKey()
                          .collect();
  CHECK(counts == std::vector<std::pair<std::string, int>>{{"be", 3}, {"not", 1}, {"or", 1}, {"to", 2}});
  CHECK(rill::toString(counts) == "[(be,3), (not,1), (or,1), (to,2)]");
}
