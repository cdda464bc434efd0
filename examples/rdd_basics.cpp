// rdd_basics: the RDD core on one page — a context, parallelize, a fused chain
// of transformations, actions, numeric stats, and laziness on a huge range.
// Output is deterministic: actions return elements in partition order.
#include "common/cli.hpp"

#include <rill/core/show.hpp>          // rill::toString: Spark's print layout
#include <rill/rdd/spark_context.hpp>  // the RDD core (<rill/rill.hpp> has everything)

#include <cstdint>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {
std::vector<std::string> splitWords(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}
}  // namespace

int main(int argc, char** argv) {
  const examples::CommandLine cli("rdd_basics", "[--help]",
                                  "The RDD core on one page: transformations, actions and numeric stats.");
  cli.parse(argc, argv);
  // A context with 4 worker threads ("local[4]"); partitions run in parallel on them.
  rill::SparkContext sc(rill::SparkConf().setAppName("rdd_basics").setMaster("local[4]"));

  // 1. A collection becomes an RDD, cut into 3 partitions as Spark cuts it.
  auto numbers = sc.parallelize(std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 3);
  std::cout << "partitions: " << numbers.getNumPartitions() << "\n";
  std::cout << "glom: " << rill::toString(numbers.glom().collect()) << "\n";

  // 2. Transformations are lazy and fuse: filter+map below run as one loop per
  //    partition, with no vector in between. Generic lambdas are fine.
  auto evenSquares = numbers.filter([](const auto& x) { return x % 2 == 0; }).map([](const auto& x) { return x * x; });
  std::cout << "even squares: " << rill::toString(evenSquares.collect()) << "\n";

  // 3. Actions run the chain: count, reduce, fold, take, top, takeOrdered.
  std::cout << "count: " << evenSquares.count() << "\n";
  std::cout << "reduce(+): " << evenSquares.reduce([](int a, int b) { return a + b; }) << "\n";
  std::cout << "fold(1, *): " << numbers.fold(1, [](int a, int b) { return a * b; }) << "\n";
  std::cout << "take(3): " << rill::toString(numbers.take(3)) << "\n";
  std::cout << "top(2): " << rill::toString(numbers.top(2)) << "\n";
  std::cout << "takeOrdered(2, by last digit desc): "
            << rill::toString(numbers.takeOrdered(2, [](int a, int b) { return a % 10 > b % 10; })) << "\n";

  // 4. flatMap turns a line into words; keyBy and countByValue count them.
  auto lines = sc.parallelize(std::vector<std::string>{"to be or not to be", "that is the question"}, 2);
  auto words = lines.flatMap([](const std::string& line) { return splitWords(line); });
  std::cout << "words: " << words.count() << ", distinct: " << words.distinct().count() << "\n";
  std::map<std::string, std::int64_t> counts;  // sorted, for a stable printout
  for (const auto& [word, n] : words.countByValue()) counts[word] = n;
  std::cout << "counts:";
  for (const auto& [word, n] : counts) std::cout << " " << rill::toString(std::pair(word, n));
  std::cout << "\n";
  std::cout << "keyBy(length): " << rill::toString(words.keyBy([](const auto& w) { return w.size(); }).take(3)) << "\n";

  // 5. Numbers: sum, mean and stats (count, mean, population stdev, max, min) in one pass.
  auto scores = sc.parallelize(std::vector<double>{2, 4, 4, 4, 5, 5, 7, 9}, 3);
  std::cout << "sum: " << scores.sum() << ", mean: " << scores.mean() << "\n";
  std::cout << "stats: " << scores.stats().toString() << "\n";

  // 6. Laziness: take(3) over a trillion numbers computes only what it returns.
  auto huge = sc.range(0, 1'000'000'000'000LL).map([](std::int64_t x) { return x * 3; });
  std::cout << "range take(3): " << rill::toString(huge.take(3)) << "\n";

  // 7. A chain converts to a named, storable RDD<T>; cache() keeps it after the first action.
  rill::RDD<int> stored = evenSquares;
  auto cached = stored.cache();
  std::cout << "cached sum: " << cached.sum() << ", max: " << cached.max() << "\n";
  return 0;
}
