// SparkConf, SparkContext and the sources: parallelize (from containers, views
// and generators), range, textFile, emptyRDD — and how each cuts partitions.
#include "rdd_test_support.hpp"

#include <range/v3/view/generate_n.hpp>
#include <range/v3/view/iota.hpp>

#include <cstdint>
#include <limits>
#include <list>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#if !defined(__clang__)  // clang 14 cannot compile libstdc++ 12's <ranges>
#include <ranges>
#endif

using rill_test::iota;
using VI = std::vector<int>;
using VVI = std::vector<VI>;
using VL = std::vector<std::int64_t>;

TEST_CASE("SparkConf: app name and masters") {
  rill::SparkConf c;
  CHECK(c.appName() == "rill");
  CHECK(c.master() == "local");
  CHECK(c.threads() == 1);
  c.setAppName("wordcount").setMaster("local[3]");
  CHECK(c.appName() == "wordcount");
  CHECK(c.master() == "local[3]");
  CHECK(c.threads() == 3);
  CHECK(rill::SparkConf().setMaster("local").threads() == 1);
  CHECK(rill::SparkConf().setMaster("local[*]").threads() ==
        std::max(1u, std::thread::hardware_concurrency()));
  CHECK(rill::SparkConf().setMaster("local[12]").threads() == 12);
  CHECK(rill::SparkConf().setMaster("local[99999]").threads() == 99999);
  CHECK(rill::SparkConf().set("spark.x", "12").getLong("spark.x", 0) == 12);
  CHECK(rill::SparkConf().get("missing", "dflt") == "dflt");
}

TEST_CASE("SparkConf: settings are kept per key; setting a key again replaces its value") {
  rill::SparkConf c;
  c.set("a", "1").set("b", "2").set("c", "3").set("b", "20");
  CHECK(c.get("a") == "1");
  CHECK(c.get("b") == "20");
  CHECK(c.get("c") == "3");
  CHECK(c.contains("c"));
  CHECK_FALSE(c.contains("1"));  // a value is not a key
  CHECK(c.get("missing") == "");
}

TEST_CASE("SparkConf: unsupported masters are rejected, naming the master") {
  for (const char* bad : {"yarn", "local[0]", "local[00]", "local[]", "local[x]", "local[1x]", "local[ 2]", "local[-2]",
                          "local[100000]", "local[2", "spark://h:7077", "Local"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(rill::SparkConf().setMaster(bad), std::invalid_argument);
    try {
      rill::SparkConf().setMaster(bad);
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find(std::string("'") + bad + "'") != std::string::npos);
    }
  }
}

TEST_CASE("SparkConf: the messages of bad masters and settings, in full") {
  CHECK_THROWS_WITH_AS(rill::SparkConf().setMaster("local[0]"),
                       "rill: unsupported master 'local[0]': use \"local\", \"local[N]\" with N > 0, or \"local[*]\"",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(rill::SparkConf().set("spark.x", "12b").getLong("spark.x", 0),
                       "rill: setting 'spark.x' must be an integer, got '12b'", std::invalid_argument);
}

TEST_CASE("SparkContext: defaultParallelism is the worker count") {
  for (std::size_t w : {1u, 2u, 8u}) {
    rill::SparkContext sc(rill_test::conf(w));
    CHECK(sc.defaultParallelism() == w);
    CHECK(sc.getConf().threads() == w);
    CHECK(sc.appName() == "rill-test");
    CHECK(sc.parallelize(VI{1, 2, 3}).getNumPartitions() == w);
    CHECK(sc.range(0, 10).getNumPartitions() == w);
  }
  rill::SparkContext two("local[2]", "named");
  CHECK(two.appName() == "named");
  CHECK(two.defaultParallelism() == 2);
}

TEST_CASE("SparkContext: spark.default.parallelism sets defaultParallelism, not the worker count") {
  rill::SparkContext sc(rill_test::conf(2).set("spark.default.parallelism", "5"));
  CHECK(sc.defaultParallelism() == 5);
  CHECK(sc.executor().parallelism() == 2);  // the tasks still run on 2 threads
  CHECK(sc.parallelize(iota(0, 7)).glom().collect() == VVI{{0}, {1}, {2, 3}, {4}, {5, 6}});
  CHECK(sc.range(0, 10).getNumPartitions() == 5);
  CHECK(rill::SparkContext(rill_test::conf(8).set("spark.default.parallelism", "1")).defaultParallelism() == 1);
}

TEST_CASE("SparkContext: a spark.default.parallelism that is not a positive integer is refused, naming it") {
  const auto context = [](const char* value) { rill::SparkContext sc(rill_test::conf(2).set("spark.default.parallelism", value)); };
  CHECK_THROWS_WITH_AS(context("0"), "rill: setting 'spark.default.parallelism' must be positive, got '0'",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(context("-3"), "rill: setting 'spark.default.parallelism' must be positive, got '-3'",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(context("four"), "rill: setting 'spark.default.parallelism' must be an integer, got 'four'",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(context(""), "rill: setting 'spark.default.parallelism' must be an integer, got ''",
                       std::invalid_argument);
}

TEST_CASE("parallelize slices like Spark: slice i is [i*n/k, (i+1)*n/k)") {
  rill::SparkContext sc(rill_test::conf(2));
  CHECK(sc.parallelize(iota(1, 6), 2).glom().collect() == VVI{{1, 2}, {3, 4, 5}});
  CHECK(sc.parallelize(iota(1, 4), 5).glom().collect() == VVI{{}, {1}, {}, {2}, {3}});
  CHECK(sc.parallelize(iota(1, 4), 1).glom().collect() == VVI{{1, 2, 3}});
  CHECK(sc.parallelize(VI{}, 3).glom().collect() == VVI{{}, {}, {}});
  CHECK(sc.parallelize(iota(0, 10), 3).glom().collect() == VVI{{0, 1, 2}, {3, 4, 5}, {6, 7, 8, 9}});
  CHECK(sc.makeRDD(iota(0, 4), 2).collect() == VI{0, 1, 2, 3});
}

namespace {
struct Counted {  // counts how often parallelize copies or moves an element
  static inline int copies = 0, moves = 0;
  int v = 0;
  explicit Counted(int x) : v(x) {}
  Counted(const Counted& o) : v(o.v) { ++copies; }
  Counted(Counted&& o) noexcept : v(o.v) { ++moves; }
  Counted& operator=(const Counted&) = default;
  Counted& operator=(Counted&&) = default;
};
}  // namespace

TEST_CASE("parallelize of a vector handed over keeps its elements where they are: no copy, no move") {
  rill::SparkContext sc(rill_test::conf(2));
  std::vector<Counted> v;
  v.reserve(5);
  for (int i = 1; i <= 5; ++i) v.emplace_back(i);
  Counted::copies = Counted::moves = 0;
  auto rdd = sc.parallelize(std::move(v), 2);
  CHECK(Counted::copies == 0);
  CHECK(Counted::moves == 0);
  auto parts = rdd.map([](const Counted& c) { return c.v; }).glom().collect();
  CHECK(parts == VVI{{1, 2}, {3, 4, 5}});
}

TEST_CASE("fromSlices cuts a vector as parallelize does; fromPartitions keeps the partitions given") {
  rill::SparkContext sc(rill_test::conf(2));
  CHECK(sc.fromSlices(iota(0, 10), 3).glom().collect() == VVI{{0, 1, 2}, {3, 4, 5}, {6, 7, 8, 9}});
  CHECK(sc.fromSlices(VI{1, 2}, 4).glom().collect() == VVI{{}, {1}, {}, {2}});
  CHECK(sc.fromSlices(VI{}, 2).glom().collect() == VVI{{}, {}});
  CHECK(sc.fromSlices(VI{7}, 1).count() == 1);
  CHECK(sc.fromPartitions(VVI{{3}, {}, {1, 2}}).glom().collect() == VVI{{3}, {}, {1, 2}});
  CHECK_THROWS_WITH_AS(sc.fromSlices(VI{1}, 0), "rill: fromSlices needs at least one slice", std::invalid_argument);
}

TEST_CASE("parallelize accepts containers, initializer lists, views and generators") {
  rill::SparkContext sc(rill_test::conf(2));
  SUBCASE("std::vector (lvalue and rvalue)") {
    const VI v{3, 1, 2};
    CHECK(sc.parallelize(v, 2).collect() == v);
    CHECK(sc.parallelize(VI{9, 8}).collect() == VI{9, 8});
  }
  SUBCASE("std::list") {
    std::list<std::string> words{"a", "bb", "ccc"};
    auto rdd = sc.parallelize(words, 2);
    static_assert(std::is_same_v<decltype(rdd)::value_type, std::string>);
    CHECK(rdd.collect() == std::vector<std::string>{"a", "bb", "ccc"});
  }
  SUBCASE("initializer list") {
    CHECK(sc.parallelize({1.5, 2.5}).collect() == std::vector<double>{1.5, 2.5});
    CHECK(sc.parallelize({4, 5, 6}, 3).glom().collect() == VVI{{4}, {5}, {6}});
  }
  SUBCASE("range-v3 iota view") {
    CHECK(sc.parallelize(ranges::views::iota(0, 10), 4).collect() == iota(0, 10));
  }
  SUBCASE("range-v3 generate_n: an input range read once") {
    auto powers = ranges::views::generate_n([n = 1]() mutable { return n *= 2; }, 5);
    CHECK(sc.parallelize(powers, 2).collect() == VI{2, 4, 8, 16, 32});
  }
#if !defined(__clang__)
  SUBCASE("std::views::iota (g++ only)") {
    CHECK(sc.parallelize(std::views::iota(5, 9), 3).collect() == VI{5, 6, 7, 8});
  }
#endif
}

TEST_CASE("range: start, start+step, ... below end, generated lazily") {
  rill::SparkContext sc(rill_test::conf(2));
  CHECK(sc.range(0, 10, 3, 2).glom().collect() == std::vector<VL>{{0, 3}, {6, 9}});
  CHECK(sc.range(10, 0, -3, 1).collect() == VL{10, 7, 4, 1});
  CHECK(sc.range(0, 5).collect() == VL{0, 1, 2, 3, 4});
  CHECK(sc.range(-3, 2, 2).collect() == VL{-3, -1, 1});
  CHECK(sc.range(5, 5).count() == 0);
  CHECK(sc.range(5, 0).count() == 0);       // positive step, end below start
  CHECK(sc.range(0, 5, -1).count() == 0);   // negative step, end above start
  CHECK(sc.range(0, 3, 1, 5).glom().collect() == std::vector<VL>{{}, {0}, {}, {1}, {2}});
  CHECK(sc.range(0, 1000000, 1, 7).sum() == 499999500000LL);
  CHECK_THROWS_AS(sc.range(0, 10, 0), std::invalid_argument);
}

TEST_CASE("range: ranges wider than 2^63 and extreme steps do not overflow") {
  rill::SparkContext sc(rill_test::conf(2));
  constexpr auto lo = std::numeric_limits<std::int64_t>::min();
  constexpr auto hi = std::numeric_limits<std::int64_t>::max();
  CHECK(sc.range(lo, hi, hi, 2).collect() == VL{lo, -1, hi - 1});
  CHECK(sc.range(hi, lo, lo, 2).collect() == VL{hi, -1});
  CHECK(sc.range(lo, hi, 1, 4).take(2) == VL{lo, lo + 1});  // 2^64 - 1 elements, never materialised
  CHECK(sc.range(hi - 3, hi, 1, 2).collect() == VL{hi - 3, hi - 2, hi - 1});
}

TEST_CASE("emptyRDD has no partitions and no elements") {
  rill::SparkContext sc(rill_test::conf(2));
  auto e = sc.emptyRDD<std::string>();
  CHECK(e.getNumPartitions() == 0);
  CHECK(e.collect().empty());
  CHECK(e.count() == 0);
  CHECK(e.isEmpty());
  CHECK(e.map([](const auto& s) { return s.size(); }).collect().empty());
}

namespace {
std::vector<std::string> sampleLines() {
  std::vector<std::string> lines;
  for (int i = 0; i < 60; ++i) lines.push_back(i % 7 == 3 ? "" : "line " + std::to_string(i) + std::string(i % 11, 'x'));
  return lines;
}
std::string joinLines(const std::vector<std::string>& lines, bool trailingNewline) {
  std::string s;
  for (std::size_t i = 0; i < lines.size(); ++i) s += lines[i] + (i + 1 < lines.size() || trailingNewline ? "\n" : "");
  return s;
}
}  // namespace

TEST_CASE("textFile: every line once, in order, for minPartitions 1..7") {
  const auto lines = sampleLines();
  const auto path = rill_test::tmpPath("lines.txt");
  rill_test::writeFile(path, joinLines(lines, true));
  rill_test::withWorkers([&](rill::SparkContext& sc) {
    for (std::size_t minPartitions = 1; minPartitions <= 7; ++minPartitions) {
      CAPTURE(minPartitions);
      auto rdd = sc.textFile(path, minPartitions);
      CHECK(rdd.getNumPartitions() == minPartitions);
      CHECK(rdd.collect() == lines);
      CHECK(rdd.count() == 60);
    }
  });
}

TEST_CASE("textFile: no trailing newline, CRLF, empty file") {
  rill::SparkContext sc(rill_test::conf(2));
  const auto noNl = rill_test::tmpPath("no_newline.txt");
  rill_test::writeFile(noNl, "a\nbb\nccc");
  for (std::size_t k = 1; k <= 4; ++k) CHECK(sc.textFile(noNl, k).collect() == std::vector<std::string>{"a", "bb", "ccc"});
  const auto crlf = rill_test::tmpPath("crlf.txt");
  rill_test::writeFile(crlf, "x\r\ny\r\n");
  CHECK(sc.textFile(crlf, 2).collect() == std::vector<std::string>{"x", "y"});
  const auto empty = rill_test::tmpPath("empty.txt");
  rill_test::writeFile(empty, "");
  CHECK(sc.textFile(empty, 3).getNumPartitions() == 1);
  CHECK(sc.textFile(empty).count() == 0);
}

TEST_CASE("textFile: take stops early without repeating a line (more than one chunk of lines)") {
  rill::SparkContext sc(rill_test::conf(2));
  std::vector<std::string> lines;
  for (int i = 0; i < 3000; ++i) lines.push_back(std::to_string(i));
  const auto path = rill_test::tmpPath("many.txt");
  rill_test::writeFile(path, joinLines(lines, true));
  auto rdd = sc.textFile(path, 1);
  CHECK(rdd.take(3) == std::vector<std::string>{"0", "1", "2"});
  CHECK(rdd.take(1025).size() == 1025);
  CHECK(rdd.take(1025).back() == "1024");
  CHECK(rdd.first() == "0");
  CHECK(rdd.count() == 3000);
}
