// Sources, actions and narrow transformations on P in-process ranks of local[N]
// each give every rank exactly what one process of local[P*N] gives (see
// distributed_test_support.hpp): the same partitions (glom), the same
// elements in the same order, bit-identical floating-point results, the same
// saved files. Keyed and set operations: test_distributed_keyed.cpp; failures
// and misuse: test_distributed_failures.cpp.
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"
#include "recording_cluster.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

using distributed_test::sameAsOneProcess;
using rill::SparkContext;
using rill_test::iota;

namespace {

/// Collections of every shape: empty, one element, fewer elements than ranks, many.
const std::vector<std::pair<std::vector<int>, std::size_t>>& shapes() {
  static const std::vector<std::pair<std::vector<int>, std::size_t>> all = {
      {{}, 0}, {{}, 3}, {{7}, 1}, {{4, 1, 3}, 9}, {{5, -3, 8, 8, 0, 2}, 0}, {iota(1, 101), 16}, {iota(-50, 250), 0}};
  return all;
}

/// body(rdd) for every shape, as one vector of results.
template <class Body>
auto overShapes(SparkContext& sc, Body body) {
  std::vector<decltype(body(sc.parallelize(std::vector<int>{}, 1)))> out;
  for (const auto& [data, slices] : shapes()) out.push_back(body(sc.parallelize(data, slices)));
  return out;
}

std::string sampleText() {
  std::string text;
  for (int i = 0; i < 400; ++i) text += "line " + std::to_string(i) + (i % 7 == 0 ? "\n\n" : "\n");
  return text;
}

}  // namespace

// ---- sources -------------------------------------------------------------------------------------

TEST_CASE("parallelize cuts the same partitions on any number of ranks") {
  sameAsOneProcess([](SparkContext& sc) { return overShapes(sc, [](auto rdd) { return rdd.glom().collect(); }); });
}

TEST_CASE("defaultParallelism counts every rank's threads") {
  sameAsOneProcess([](SparkContext& sc) { return sc.defaultParallelism(); });
}

TEST_CASE("ranks of different thread counts agree on defaultParallelism: all their threads") {
  // As local[*] gives on hosts of different sizes: rank 0 runs 1 thread, rank 1 runs 3.
  auto body = [](SparkContext& sc) {
    return std::pair(sc.defaultParallelism(), sc.parallelize(iota(0, 20)).glom().collect());
  };
  const auto one = distributed_test::inOneProcess(4, body);
  CHECK(one.value->first == 4);
  std::vector<std::remove_const_t<decltype(one)>> got(2);
  rill::exec::runLocalCluster(
      2,
      [&](rill::exec::Cluster& cluster) {
        SparkContext sc(distributed_test::conf(cluster.rank() == 0 ? 1 : 3), cluster);
        got[cluster.rank()] = distributed_test::outcomeOf([&] { return body(sc); });
      },
      distributed_test::kTimeout);
  CHECK(got[0] == one);
  CHECK(got[1] == one);
}

TEST_CASE("range is cut alike") {
  sameAsOneProcess([](SparkContext& sc) {
    return std::tuple(sc.range(0, 1000, 3).glom().collect(), sc.range(10, -10, -4, 7).glom().collect(),
                      sc.range(5, 5).count());
  });
}

TEST_CASE("textFile: each rank reads its splits of the same file") {
  const std::string path = rill_test::tmpPath("distributed-text.txt");
  rill_test::writeFile(path, sampleText());
  sameAsOneProcess([&](SparkContext& sc) {
    return std::pair(sc.textFile(path).glom().collect(), sc.textFile(path, 13).glom().collect());
  });
}

TEST_CASE("parallelizeFrom gives the root's collection as parallelize would, whatever the others pass") {
  sameAsOneProcess([](SparkContext& sc) {
    const std::size_t root = sc.cluster().size() - 1;
    const bool isRoot = sc.cluster().rank() == root;
    std::vector<std::string> words;
    for (int i = 0; i < 40; ++i) words.push_back("w" + std::to_string(i));
    auto mine = isRoot ? words : std::vector<std::string>{"ignored"};
    return std::pair(sc.parallelizeFrom(root, mine).glom().collect(),
                     sc.parallelizeFrom(root, isRoot ? iota(0, 9) : std::vector<int>{}, 4).glom().collect());
  });
}

TEST_CASE("fromLocal makes each rank's own data its partitions") {
  for (const std::size_t ranks : distributed_test::kRanks)
    for (const std::size_t threads : distributed_test::kThreads) {
      CAPTURE(ranks);
      CAPTURE(threads);
      auto body = [](SparkContext& sc) {
        const int r = static_cast<int>(sc.cluster().rank());
        auto rdd = sc.fromLocal(iota(100 * r, 100 * r + 10 + r));
        return std::pair(rdd.collect(), rdd.getNumPartitions());
      };
      std::vector<int> all;
      for (std::size_t r = 0; r < ranks; ++r) {
        const auto part = iota(100 * static_cast<int>(r), 100 * static_cast<int>(r) + 10 + static_cast<int>(r));
        all.insert(all.end(), part.begin(), part.end());
      }
      for (const auto& got : distributed_test::onRanks(ranks, threads, body))
        CHECK(got.value == std::pair(all, ranks * threads));
    }
}

// ---- actions -------------------------------------------------------------------------------------

TEST_CASE("collect, count, first, isEmpty") {
  sameAsOneProcess([](SparkContext& sc) {
    return overShapes(sc, [](auto rdd) {
      const bool empty = rdd.isEmpty();
      return std::tuple(rdd.collect(), rdd.count(), empty, empty ? -1 : rdd.first());
    });
  });
}

TEST_CASE("take scans partitions in rounds and gives the first n elements") {
  sameAsOneProcess([](SparkContext& sc) {
    return overShapes(sc, [&](auto rdd) {
      std::vector<std::vector<int>> taken;
      for (const std::size_t n : {0, 1, 2, 5, 17, 50, 1000}) taken.push_back(rdd.take(n));
      taken.push_back(rdd.filter([](int x) { return x > 90; }).take(3));  // found only in the last partitions
      return taken;
    });
  });
}

TEST_CASE("take computes the same partitions on one rank as on several") {
  // Partitions of one element each: take(3) scans partition 0, then 1 to 3 in
  // one round, on one rank as on several, so what those partitions do (count
  // into an accumulator, throw) comes out the same.
  sameAsOneProcess(
      [](SparkContext& sc) {
        auto computed = sc.longAccumulator();
        auto rdd = sc.parallelize(iota(0, 10), 10).map([computed](int x) {
          computed.add(1);
          return x;
        });
        const auto firstThree = rdd.take(3);
        return std::pair(firstThree, computed.value());
      },
      std::pair(std::vector<int>{0, 1, 2}, std::int64_t{4}));
  distributed_test::sameFailureAsOneProcess(
      [](SparkContext& sc) {
        return sc.parallelize(iota(0, 10), 10)
            .map([](int x) {
              if (x == 3) throw std::domain_error("bad element 3");
              return x;
            })
            .take(3);
      },
      "std::domain_error: bad element 3");
}

TEST_CASE("take stops early on a huge range") {
  sameAsOneProcess([](SparkContext& sc) { return sc.range(0, std::int64_t{1} << 50, 1, 20).take(5); });
}

// Spark's RDD.take: a round after `scanned` partitions gave `found` of n scans
// ceil(1.5 * (n - found) * scanned / found) partitions, at most scaleUpFactor (4) times
// scanned, and scaleUpFactor times scanned when none was found.
constexpr std::size_t kMost = std::numeric_limits<std::size_t>::max();

TEST_CASE("take scans the partitions Spark's take scans, for any n") {
  // One element per partition: take(10) scans 1, then min(14, 4), then min(8, 20) partitions.
  // take of nearly every element scans 1, 4, 20, then the 5 left, where 3 * n * scanned
  // once wrapped around for n = SIZE_MAX / 3 + 1.
  for (const std::size_t n : {std::size_t{10}, kMost / 3 + 1, kMost}) {
    CAPTURE(n);
    const std::size_t expectedSize = std::min<std::size_t>(n, 30);
    sameAsOneProcess(
        [n](SparkContext& sc) {
          auto computed = sc.longAccumulator();
          auto rdd = sc.parallelize(iota(0, 30), 30).map([computed](int x) {
            computed.add(1);
            return x;
          });
          const auto taken = rdd.take(n);
          return std::pair(taken, computed.value());
        },
        std::pair(iota(0, static_cast<int>(expectedSize)), std::int64_t{n == 10 ? 13 : 30}));
  }
}

TEST_CASE("take's rounds grow as Spark's, spark.rdd.limit.initialNumPartitions and scaleUpFactor too") {
  // Each round is one collective tagged "take" on two ranks: the rounds over 30 partitions
  // of one element each, and over 30 whose first 20 are empty.
  struct Case {
    std::size_t n;
    std::vector<std::pair<std::string, std::string>> settings;
    std::size_t rounds;  // over partitions of one element each
    std::size_t roundsPastEmpty;
  };
  const std::string initial = "spark.rdd.limit.initialNumPartitions", scaleUp = "spark.rdd.limit.scaleUpFactor";
  const std::vector<Case> cases{
      {10, {}, 3, 4},             // 1, 4, 8 | 1, 4, 20 (none found), then min(ceil(1.5*5*25/5), 100)
      {kMost / 3 + 1, {}, 4, 4},  // 1, 4, 20, 5
      {kMost, {}, 4, 4},
      {kMost, {{scaleUp, "2"}}, 5, 5},  // 1, 2, 6, 18, 3
      {kMost, {{scaleUp, "1"}}, 5, 5},  // at least 2
      {kMost, {{initial, "3"}}, 3, 3},  // 3, 12, 15
      {kMost, {{initial, "3"}, {scaleUp, "9223372036854775807"}}, 2, 2},  // 3 * scaleUp saturates: 3, 27
      {2, {{initial, "3"}}, 1, 3},  // 3 | 3, 12, 15
  };
  for (const Case& c : cases) {
    CAPTURE(c.n);
    CAPTURE(c.settings.size());
    std::vector<std::pair<std::size_t, std::size_t>> rounds(2);
    std::vector<std::pair<std::vector<int>, std::vector<int>>> taken(2);
    rill::exec::runLocalCluster(
        2,
        [&](rill::exec::Cluster& inner) {
          cluster_test::RecordingCluster cluster(inner);
          rill::SparkConf conf = distributed_test::conf(2);
          for (const auto& [key, value] : c.settings) conf.set(key, value);
          SparkContext sc(conf, cluster);
          auto ones = sc.parallelize(iota(0, 30), 30);
          auto late = ones.filter([](int x) { return x >= 20; });
          const auto count = [](const std::vector<std::string>& tags) {
            return static_cast<std::size_t>(std::count(tags.begin(), tags.end(), "take"));
          };
          auto& mine = taken[cluster.rank()].first;  // not a structured binding: clang 14 lambdas cannot capture one
          auto& mineLate = taken[cluster.rank()].second;
          rounds[cluster.rank()] = std::pair(count(cluster.tagsOf([&] { mine = ones.take(c.n); })),
                                             count(cluster.tagsOf([&] { mineLate = late.take(c.n); })));
        },
        distributed_test::kTimeout);
    for (std::size_t r = 0; r < 2; ++r) {
      CHECK(rounds[r].first == c.rounds);
      CHECK(rounds[r].second == c.roundsPastEmpty);
      CHECK(taken[r].first == iota(0, static_cast<int>(std::min<std::size_t>(c.n, 30))));
      CHECK(taken[r].second == iota(20, 20 + static_cast<int>(std::min<std::size_t>(c.n, 10))));
    }
  }
}

TEST_CASE("take refuses a malformed spark.rdd.limit setting, naming it") {
  SparkContext sc(distributed_test::conf(1).set("spark.rdd.limit.initialNumPartitions", "0"));
  CHECK_THROWS_WITH_AS(sc.parallelize(iota(0, 3), 3).take(2),
                       "rill: setting 'spark.rdd.limit.initialNumPartitions' must be positive, got '0'",
                       std::invalid_argument);
  SparkContext other(distributed_test::conf(1).set("spark.rdd.limit.scaleUpFactor", "x"));
  CHECK_THROWS_WITH_AS(other.parallelize(iota(0, 3), 3).take(2),
                       "rill: setting 'spark.rdd.limit.scaleUpFactor' must be an integer, got 'x'",
                       std::invalid_argument);
}

TEST_CASE("reduce, fold, aggregate, min, max") {
  sameAsOneProcess([](SparkContext& sc) {
    return overShapes(sc, [](auto rdd) {
      const bool empty = rdd.isEmpty();
      return std::tuple(empty ? 0 : rdd.reduce([](int a, int b) { return (a * 3 + b) % 10007; }),
                        rdd.fold(1, [](int a, int b) { return (a * 2 - b) % 10007; }),
                        rdd.aggregate(std::pair<int, int>(0, 0),
                                      [](std::pair<int, int> acc, int x) { return std::pair(acc.first + x, acc.second + 1); },
                                      [](std::pair<int, int> a, std::pair<int, int> b) {
                                        return std::pair((a.first * 7 + b.first) % 10007, a.second + b.second);
                                      }),
                        empty ? 0 : rdd.min(), empty ? 0 : rdd.max());
    });
  });
}

TEST_CASE("floating-point results are bit-identical") {
  sameAsOneProcess([](SparkContext& sc) {
    auto xs = sc.parallelize(iota(0, 1000), 23).map([](int i) { return 0.1 * i + 1.0 / (i + 1); });
    const rill::StatCounter st = xs.stats();
    return std::tuple(xs.sum(), xs.reduce([](double a, double b) { return a + b; }), st.mean(), st.variance(),
                      st.min(), st.max(), xs.mean(), xs.stdev());
  });
}

TEST_CASE("takeOrdered, top, countByValue") {
  sameAsOneProcess([](SparkContext& sc) {
    return overShapes(sc, [](auto rdd) {
      auto mod = rdd.map([](int x) { return x % 5; });
      return std::tuple(rdd.takeOrdered(4), rdd.top(3), rdd.takeOrdered(2, std::greater<>()),
                        distributed_test::sortedEntries(mod.countByValue()));
    });
  });
}

TEST_CASE("actions on strings and pairs (serialised through the archive)") {
  sameAsOneProcess([](SparkContext& sc) {
    auto words = sc.parallelize(iota(0, 60), 7).map([](int i) { return std::string(static_cast<std::size_t>(i % 9), 'a' + i % 26); });
    auto pairs = words.map([](const std::string& w) { return std::pair<std::string, double>(w, w.size() * 0.5); });
    return std::tuple(words.collect(), words.take(11), words.reduce([](std::string a, const std::string& b) {
      return a.size() > 40 ? b : a + b;
    }),
                      pairs.collect(), words.top(2));
  });
}

// ---- narrow transformations ----------------------------------------------------------------------------

TEST_CASE("map, filter, flatMap, mapPartitionsWithIndex, glom keep partitions") {
  sameAsOneProcess([](SparkContext& sc) {
    return overShapes(sc, [](auto rdd) {
      return rdd.map([](int x) { return x * 2; })
          .filter([](int x) { return x % 3 != 0; })
          .flatMap([](int x) { return std::vector<int>(static_cast<std::size_t>(x & 3), x); })
          .mapPartitionsWithIndex([](std::size_t p, std::vector<int> part) {
            for (int& x : part) x += static_cast<int>(p) * 1000;
            return part;
          })
          .glom()
          .collect();
    });
  });
}

TEST_CASE("zipWithIndex and sample") {
  sameAsOneProcess([](SparkContext& sc) {
    return overShapes(sc, [](auto rdd) {
      return std::tuple(rdd.zipWithIndex().collect(), rdd.sample(false, 0.4, 7).collect(),
                        rdd.sample(true, 1.5, 3).glom().collect());
    });
  });
}

TEST_CASE("union keeps each side's partitions where they live") {
  sameAsOneProcess([](SparkContext& sc) {
    auto a = sc.parallelize(iota(0, 10), 3);
    auto b = sc.parallelize(iota(100, 140), 7).map([](int x) { return -x; });
    auto u = a.union_(b).union_(sc.parallelize(std::vector<int>{}, 2));
    return std::pair(u.glom().collect(), u.map([](int x) { return x + 1; }).reduce([](int x, int y) { return x - y; }));
  });
}

TEST_CASE("coalesce merges neighbours, moving them when they live on different ranks") {
  sameAsOneProcess([](SparkContext& sc) {
    auto rdd = sc.parallelize(iota(0, 200), 17);
    std::vector<std::vector<std::vector<int>>> out;
    for (const std::size_t n : {1, 2, 3, 5, 8, 16, 17, 30}) out.push_back(rdd.coalesce(n).glom().collect());
    out.push_back(rdd.coalesce(4, true).glom().collect());
    out.push_back(rdd.coalesce(3).map([](int x) { return x * x; }).coalesce(2).glom().collect());
    return out;
  });
}

TEST_CASE("repartition and distinct") {
  sameAsOneProcess([](SparkContext& sc) {
    return overShapes(sc, [](auto rdd) {
      return std::tuple(rdd.repartition(5).glom().collect(), rdd.repartition(1).glom().collect(),
                        rdd.map([](int x) { return x % 7; }).distinct().glom().collect(),
                        rdd.distinct(3).glom().collect());
    });
  });
}

TEST_CASE("cache keeps each rank's own partitions") {
  sameAsOneProcess([](SparkContext& sc) {
    auto cached = sc.parallelize(iota(0, 100), 9).map([](int x) { return x * 3; }).cache();
    return std::tuple(cached.count(), cached.collect(), cached.filter([](int x) { return x % 2 == 0; }).glom().collect());
  });
}

TEST_CASE("cartesian pairs every partition of one side with every partition of the other") {
  sameAsOneProcess([](SparkContext& sc) {
    auto a = sc.parallelize(iota(0, 7), 3);
    auto b = sc.parallelize(std::vector<std::string>{"x", "y", "z", "w"}, 2);
    return std::pair(a.cartesian(b).glom().collect(), a.cartesian(sc.parallelize(std::vector<int>{}, 2)).count());
  });
}

TEST_CASE("saveAsTextFile writes the same files, _SUCCESS once every rank has written") {
  const std::string root = rill_test::tmpPath("distributed-save");
  std::filesystem::create_directories(root);
  sameAsOneProcess([&](SparkContext& sc, std::size_t run) {
    const std::string dir = root + "/run" + std::to_string(run);
    sc.parallelize(iota(0, 50), 6).map([](int x) { return std::pair(x, x * 0.5); }).saveAsTextFile(dir);
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      files.emplace_back(e.path().filename().string(), rill_test::readFile(e.path().string()));
    std::sort(files.begin(), files.end());
    return files;
  });
}

TEST_CASE("spark.default.parallelism is the partition count over all ranks, whatever their threads") {
  const auto cut = [](SparkContext& sc) {
    return std::pair(sc.defaultParallelism(), sc.parallelize(iota(0, 23)).glom().collect());
  };
  SparkContext one(distributed_test::conf(1).set("spark.default.parallelism", "7"));
  const auto expected = cut(one);
  CHECK(expected.first == 7);
  for (const std::size_t ranks : distributed_test::kRanks) {
    CAPTURE(ranks);
    std::vector<decltype(cut(one))> got(ranks);
    rill::exec::runLocalCluster(
        ranks,
        [&](rill::exec::Cluster& cluster) {
          SparkContext sc(distributed_test::conf(3).set("spark.default.parallelism", "7"), cluster);
          got[cluster.rank()] = cut(sc);
        },
        distributed_test::kTimeout);
    for (const auto& rank : got) CHECK(rank == expected);
  }
}
