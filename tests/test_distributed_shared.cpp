// Shared variables and inputs on P in-process ranks of local[N] each give every
// rank exactly what one process of local[P*N] gives (distributed_test_support.hpp):
// broadcast values (rank 0's, sent once), accumulators (merged from every rank
// after each job), applicationId (rank 0's).
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "recording_cluster.hpp"
#include "rdd_test_support.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
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

struct MinOf {
  std::optional<int> least;
  void add(int x) {
    if (!least || x < *least) least = x;
  }
  void merge(const MinOf& o) {
    if (o.least) add(*o.least);
  }
  void reset() { least.reset(); }
  int value() const { return least.value_or(0); }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(least);
  }
};

/// A value whose serialize refuses to write it (as a check of the user's might).
struct Unsendable {
  std::string text;
  template <class Archive>
  void serialize(Archive& ar) {
    if constexpr (std::is_same_v<Archive, rill::detail::BinaryWriter>)
      throw std::invalid_argument("Unsendable: cannot be sent");
    ar(text);
  }
};

}  // namespace

TEST_CASE("broadcast: rank 0 failing to send its value fails every rank with that reason, not a timeout") {
  for (const std::size_t ranks : {2, 3}) {
    CAPTURE(ranks);
    std::vector<distributed_test::Outcome<int>> got(ranks);
    rill::exec::runLocalCluster(
        ranks,
        [&](rill::exec::Cluster& cluster) {
          SparkContext sc(distributed_test::conf(1), cluster);
          got[cluster.rank()] = distributed_test::outcomeOf([&] {
            sc.broadcast(Unsendable{});
            return 0;
          });
        },
        std::chrono::seconds(5));
    for (std::size_t r = 0; r < ranks; ++r) {
      CAPTURE(r);
      CHECK(got[r].error == "std::invalid_argument: Unsendable: cannot be sent");
    }
  }
}

TEST_CASE("broadcast: every rank's tasks read rank 0's value") {
  sameAsOneProcess([](SparkContext& sc) {
    // Only rank 0's value counts: the others pass something else.
    const std::map<int, std::string> mine =
        sc.cluster().rank() == 0 ? std::map<int, std::string>{{1, "a"}, {2, "b"}} : std::map<int, std::string>{{1, "z"}};
    const auto names = sc.broadcast(mine);
    const auto factor = sc.broadcast(sc.cluster().rank() == 0 ? 10 : -1);
    const auto got = sc.parallelize(iota(0, 40), 7)
                         .map([names, factor](int x) {
                           const auto it = names.value().find(x % 3);
                           return (it == names.value().end() ? std::string("-") : it->second) +
                                  std::to_string(x * factor.value());
                         })
                         .collect();
    return std::make_tuple(got, names.value(), factor.value(), names.id(), factor.id());
  });
}

TEST_CASE("accumulators: merged from every rank after each action") {
  sameAsOneProcess([](SparkContext& sc) {
    auto sum = sc.longAccumulator("sum");
    auto halves = sc.doubleAccumulator("halves");
    auto odd = sc.collectionAccumulator<int>("odd");
    auto least = sc.registerAccumulator(MinOf{}, "min");
    auto rdd = sc.parallelize(iota(-20, 80), 9).map([=](int x) {
      sum.add(x);
      halves.add(x * 0.5);
      if (x % 2 != 0 && x > 60) odd.add(x);
      least.add(x);
      return x;
    });
    std::vector<std::int64_t> sums;
    CHECK(rdd.count() == 100);
    sums.push_back(sum.value());
    rdd.foreach([](int) {});
    sums.push_back(sum.value());
    rdd.take(3);  // partitions computed only as far as take needs them
    sums.push_back(sum.value());
    sum.add(1000);  // on the driver: every rank runs this line, the value gets it once
    sums.push_back(sum.value());
    auto odds = odd.value();
    std::sort(odds.begin(), odds.end());
    return std::make_tuple(sums, sum.count(), halves.value(), halves.count(), odds, least.value(), least.id());
  });
}

TEST_CASE("accumulators after a job whose every task fails: none of it counts") {
  sameAsOneProcess([](SparkContext& sc) {
    auto acc = sc.longAccumulator();
    std::string error;
    try {
      sc.parallelize(iota(0, 30), 6).foreach([acc](int x) {
        acc.add(1);
        if (x % 5 == 4) throw std::runtime_error("partition failed");
      });
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
    const std::int64_t afterFailure = acc.value();
    sc.parallelize(iota(0, 30), 6).foreach([acc](int) { acc.add(2); });
    return std::make_tuple(error, afterFailure, acc.value(), acc.count());
  });
}

TEST_CASE("accumulators in keyed jobs (shuffles run tasks on every rank)") {
  sameAsOneProcess([](SparkContext& sc) {
    auto seen = sc.longAccumulator();
    auto counts = sc.parallelize(iota(0, 200), 5)
                      .map([seen](int x) {
                        seen.add(1);
                        return std::pair<int, long>(x % 7, 1);
                      })
                      .reduceByKey([](long a, long b) { return a + b; }, 4)
                      .collect();
    std::sort(counts.begin(), counts.end());
    return std::make_pair(counts, seen.value());
  });
}

TEST_CASE("applicationId: rank 0's on every rank") {
  for (const std::size_t ranks : {2u, 3u}) {
    auto body = [](SparkContext& sc) { return sc.applicationId(); };
    const auto got = distributed_test::onRanks(ranks, 1, body);
    REQUIRE(got[0].value.has_value());
    CHECK(got[0].value->rfind("local-", 0) == 0);
    for (const auto& g : got) CHECK(g == got[0]);
  }
}

namespace {
/// A directory of text files (and files Hadoop hides), for the input cases.
std::string inputDir() {
  const std::string dir = rill_test::tmpPath("inputs");
  std::filesystem::create_directories(dir);
  for (int f = 0; f < 7; ++f) {
    std::string text;
    for (int i = 0; i < 20 * f; ++i) text += "file" + std::to_string(f) + " line " + std::to_string(i) + "\n";
    rill_test::writeFile(dir + "/part-" + std::to_string(f) + (f % 2 == 0 ? ".log" : ".txt"), text);
  }
  rill_test::writeFile(dir + "/_SUCCESS", "");
  rill_test::writeFile(dir + "/.part-0.log.crc", "x\n");
  rill_test::writeFile(dir + "/compressed.gz", "not read here\n");
  return dir;
}
}  // namespace

TEST_CASE("textFile on a directory and a glob, wholeTextFiles: the same splits on every rank") {
  const std::string dir = inputDir();
  std::filesystem::remove(dir + "/compressed.gz");
  sameAsOneProcess([&](SparkContext& sc) {
    return std::make_tuple(sc.textFile(dir).glom().collect(), sc.textFile(dir, 11).glom().collect(),
                           sc.textFile(dir + "/*.log", 3).glom().collect(), sc.wholeTextFiles(dir).glom().collect(),
                           sc.wholeTextFiles(dir + "/*.txt", 2).glom().collect());
  });
}

TEST_CASE("textFile: no match and .gz without enableGzip() fail alike on every rank") {
  const std::string dir = inputDir();
  sameAsOneProcess([&](SparkContext& sc) {
    std::vector<std::string> errors;
    for (const std::string& path : {dir + "/*.csv", dir + "/missing", dir + "/compressed.gz"})
      try {
        errors.push_back(std::to_string(sc.textFile(path).count()));
      } catch (const rill::IoError& e) {
        errors.push_back(e.what());
      }
    return errors;
  });
}

TEST_CASE("sc.union_: partitions concatenated, each where its parent's lives") {
  sameAsOneProcess([](SparkContext& sc) {
    const auto a = sc.parallelize(iota(0, 10), 3);
    const auto b = sc.range(100, 105, 1, 2).map([](std::int64_t x) { return static_cast<int>(x); });
    const auto keyed = sc.parallelize(iota(0, 20), 4)
                           .map([](int x) { return std::pair<int, int>(x % 3, x); })
                           .reduceByKey([](int x, int y) { return x + y; }, 2)
                           .values();
    const auto u = sc.union_(std::vector<rill::RDD<int>>{a, b, keyed});
    return std::make_pair(u.glom().collect(), sc.union_(a, b).map([](int x) { return x + 1; }).collect());
  });
}

TEST_CASE("a program that never calls enableGzip() (nor links zlib) is told what reading .gz needs") {
  const std::string dir = inputDir();
  SparkContext sc(rill_test::conf(2));
  const std::string expected = "rill: cannot read '" + dir +
                               "/compressed.gz': it is gzip-compressed, and reading .gz files needs zlib: include "
                               "<rill/io/gzip.hpp>, call rill::io::enableGzip() once, and link the CMake target rill::gzip";
  CHECK_THROWS_WITH_AS(sc.textFile(dir + "/compressed.gz").count(), expected.c_str(), rill::IoError);
  CHECK_THROWS_WITH_AS(sc.wholeTextFiles(dir).count(), expected.c_str(), rill::IoError);
  CHECK(sc.textFile(dir + "/*.txt").count() == 20 + 60 + 100);  // plain files still read
}

TEST_CASE("ranks that created different accumulators all fail at the next job, saying so") {
  auto body = [](SparkContext& sc) {
    auto acc = sc.longAccumulator();
    if (sc.cluster().rank() == 1) sc.longAccumulator("only here");
    sc.parallelize(iota(0, 10), 4).foreach([acc](int x) { acc.add(x); });
    return acc.value();
  };
  for (const auto& g : distributed_test::onRanks(3, 2, body)) {
    CHECK_FALSE(g.value.has_value());
    CHECK(g.error == "rill::SparkException: rill: rank 1 has 2 accumulators and rank 0 has 1; every rank must create "
                     "the same accumulators");
  }
  // A rank without any accumulator too.
  auto noneOnRank0 = [](SparkContext& sc) {
    if (sc.cluster().rank() != 0) sc.longAccumulator();
    sc.parallelize(iota(0, 10), 4).foreach([](int) {});
    return sc.parallelize(iota(0, 10), 4).count();
  };
  for (const auto& g : distributed_test::onRanks(3, 1, noneOnRank0))
    CHECK(g.error == "rill::SparkException: rill: rank 1 has 1 accumulators and rank 0 has 0; every rank must create "
                     "the same accumulators");
}

TEST_CASE("a shuffle costs two collectives: its exchange, which ends the map job, and the reduce job's agreement") {
  for (const std::size_t ranks : {2u, 3u}) {
    CAPTURE(ranks);
    using Tags = std::vector<std::string>;
    std::vector<std::tuple<Tags, Tags, std::vector<std::pair<int, int>>, std::string>> got(ranks);
    rill::exec::runLocalCluster(
        ranks,
        [&](rill::exec::Cluster& inner) {
          cluster_test::RecordingCluster cluster(inner);
          SparkContext sc(distributed_test::conf(2), cluster);
          auto pairs = sc.parallelize(iota(0, 40), 6).map([](int x) { return std::pair(x % 7, 1); });
          auto& mine = got[cluster.rank()];  // named one by one: clang 14 lambdas cannot capture structured bindings
          auto& shuffled = std::get<0>(mine);
          auto& failing = std::get<1>(mine);
          auto& counts = std::get<2>(mine);
          auto& error = std::get<3>(mine);
          shuffled = cluster.tagsOf([&] { counts = pairs.reduceByKey(std::plus<>(), 4).sortByKey().collect(); });
          failing = cluster.tagsOf([&] {
            try {
              (void)pairs
                  .combineByKey(  // merging combiners runs on the reduce side only
                      [](int v) { return v; }, [](int c, int v) { return c + v; },
                      [](int, int) -> int { throw std::out_of_range("merged"); })
                  .count();
            } catch (const std::exception& e) {
              error = rill::detail::demangledName(typeid(e)) + ": " + e.what();
            }
          });
        },
        distributed_test::kTimeout);
    for (const auto& [shuffled, failing, counts, error] : got) {
      // A shuffle: the exchange, which carries the map job's agreement, and the reduce job's
      // agreement, which also sorts. sortByKey adds its sampling job.
      CHECK(shuffled == Tags{"reduceByKey", "reduceByKey", "sortByKey", "sortByKey", "sortByKey", "collect"});
      CHECK(counts == std::vector<std::pair<int, int>>{{0, 6}, {1, 6}, {2, 6}, {3, 6}, {4, 6}, {5, 5}, {6, 5}});
      CHECK(failing == Tags{"combineByKey", "combineByKey"});  // fails reducing: no count runs
      CHECK(error == "std::out_of_range: merged");
    }
  }
}

TEST_CASE("a job's accumulator updates and results travel with its failure agreement: one collective per job") {
  for (const std::size_t ranks : {2u, 3u}) {
    CAPTURE(ranks);
    using Tags = std::vector<std::string>;
    std::vector<std::tuple<Tags, Tags, Tags, Tags, std::int64_t, std::int64_t>> got(ranks);
    rill::exec::runLocalCluster(
        ranks,
        [&](rill::exec::Cluster& inner) {
          cluster_test::RecordingCluster cluster(inner);
          SparkContext sc(distributed_test::conf(2), cluster);
          auto rdd = sc.parallelize(iota(0, 40), 6);
          auto& [plain, withAccumulators, failed, count, sum, last] = got[cluster.rank()];
          plain = cluster.tagsOf([&] { rdd.foreach([](int) {}); });
          auto acc = sc.longAccumulator();
          auto odd = sc.collectionAccumulator<int>();
          auto counted = rdd.map([=](int x) {
            acc.add(x);
            if (x % 10 == 1) odd.add(x);
            return x;
          });
          withAccumulators = cluster.tagsOf([&] { counted.foreach([](int) {}); });
          sum = acc.value() + static_cast<std::int64_t>(odd.value().size());
          failed = cluster.tagsOf([&] {
            CHECK_THROWS_WITH_AS(counted.foreach([](int x) {
              if (x == 39) throw std::out_of_range("the last");
            }),
                                 "the last", std::out_of_range);
          });
          count = cluster.tagsOf([&] { (void)counted.count(); });
          last = acc.value() + static_cast<std::int64_t>(odd.value().size());
        },
        distributed_test::kTimeout);
    for (const auto& [plain, withAccumulators, failed, count, sum, last] : got) {
      CHECK(plain == Tags{"foreach"});
      CHECK(withAccumulators == Tags{"foreach"});
      CHECK(failed == Tags{"foreach"});
      CHECK(count == Tags{"count"});  // the agreement carries the partitions' counts
      CHECK(sum == 780 + 4);                  // 0 + ... + 39, and 1, 11, 21, 31
      CHECK(last == std::get<5>(got[0]));     // after a failed job too, every rank has every update
      CHECK(last > 2 * sum);
    }
  }
}
