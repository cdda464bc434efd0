// Actions: exact results on every partition shape (empty, one partition, more
// partitions than elements, more partitions than workers) with 1, 2 and 8
// workers, checked against the same computation done on a std::vector.
#include "rdd_test_support.hpp"

#include <atomic>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

using rill_test::iota;
using rill_test::sorted;
using VI = std::vector<int>;
using VS = std::vector<std::string>;

namespace {

template <class Check>
void forEveryShape(Check&& check) {
  rill_test::withWorkers([&](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      // Through a fused chain, so the action consumes a PipedRDD as well as a stored one.
      auto stored = sc.parallelize(shape.data, shape.slices);
      REQUIRE(stored.getNumPartitions() == shape.slices);
      check(stored, shape.data);
      check(stored.map([](const auto& x) { return x; }), shape.data);
    }
  });
}

VI prefix(const VI& v, std::size_t n) { return VI(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(n, v.size()))); }

}  // namespace

TEST_CASE("collect, count, isEmpty, take and first on every shape") {
  forEveryShape([](const auto& rdd, const VI& data) {
    CHECK(rdd.collect() == data);
    CHECK(rdd.count() == static_cast<std::int64_t>(data.size()));
    CHECK(rdd.isEmpty() == data.empty());
    for (std::size_t n : {0u, 1u, 2u, 5u, 1000u}) CHECK(rdd.take(n) == prefix(data, n));
    if (data.empty())
      CHECK_THROWS_AS(rdd.first(), rill::UnsupportedOperationException);
    else
      CHECK(rdd.first() == data.front());
  });
}

TEST_CASE("takeOrdered and top on every shape") {
  forEveryShape([](const auto& rdd, const VI& data) {
    const auto asc = sorted(data);
    auto desc = asc;
    std::reverse(desc.begin(), desc.end());
    for (std::size_t n : {0u, 1u, 3u, 200u}) {
      CAPTURE(n);
      CHECK(rdd.takeOrdered(n) == prefix(asc, n));
      CHECK(rdd.top(n) == prefix(desc, n));
      CHECK(rdd.takeOrdered(n, std::greater<>()) == prefix(desc, n));
      CHECK(rdd.top(n, std::greater<>()) == prefix(asc, n));
    }
  });
}

TEST_CASE("reduce, fold, aggregate, sum, min, max on every shape") {
  forEveryShape([](const auto& rdd, const VI& data) {
    const long long total = std::accumulate(data.begin(), data.end(), 0LL);
    CHECK(rdd.sum() == total);
    static_assert(std::is_same_v<decltype(rdd.sum()), std::int64_t>);
    CHECK(rdd.fold(0, [](const auto& a, const auto& b) { return a + b; }) == total);
    // aggregate into (count, sum): U differs from T.
    auto cs = rdd.aggregate(
        std::pair<long long, long long>{0, 0},
        [](auto acc, const auto& x) { return std::pair{acc.first + 1, acc.second + x}; },
        [](auto a, const auto& b) { return std::pair{a.first + b.first, a.second + b.second}; });
    CHECK(cs == std::pair<long long, long long>{static_cast<long long>(data.size()), total});
    if (data.empty()) {
      CHECK_THROWS_AS(rdd.reduce([](int a, int b) { return a + b; }), rill::UnsupportedOperationException);
      CHECK_THROWS_AS(rdd.min(), rill::UnsupportedOperationException);
      CHECK_THROWS_AS(rdd.max(), rill::UnsupportedOperationException);
    } else {
      CHECK(rdd.reduce([](const auto& a, const auto& b) { return a + b; }) == total);
      CHECK(rdd.min() == *std::min_element(data.begin(), data.end()));
      CHECK(rdd.max() == *std::max_element(data.begin(), data.end()));
      CHECK(rdd.max(std::greater<>()) == *std::min_element(data.begin(), data.end()));
    }
  });
}

TEST_CASE("foreach, foreachPartition and countByValue on every shape") {
  forEveryShape([](const auto& rdd, const VI& data) {
    std::atomic<long long> sum{0};
    std::atomic<int> seen{0};
    rdd.foreach([&](const auto& x) {
      sum += x;
      ++seen;
    });
    CHECK(seen == static_cast<int>(data.size()));
    CHECK(sum == std::accumulate(data.begin(), data.end(), 0LL));

    std::atomic<std::size_t> partitions{0}, elements{0};
    rdd.foreachPartition([&](auto& part) {
      ++partitions;
      elements += part.size();
    });
    CHECK(partitions == rdd.getNumPartitions());
    CHECK(elements == data.size());

    std::unordered_map<int, std::int64_t> expected;
    for (int x : data) ++expected[x];
    CHECK(rdd.countByValue() == expected);
  });
}

TEST_CASE("mean and stats on every shape") {
  forEveryShape([](const auto& rdd, const VI& data) {
    const auto st = rdd.stats();
    CHECK(st.count() == static_cast<std::int64_t>(data.size()));
    if (data.empty()) {
      CHECK(rdd.mean() == 0.0);  // Spark's StatCounter starts at mean 0
      CHECK(std::isnan(st.stdev()));
      return;
    }
    const double mean = std::accumulate(data.begin(), data.end(), 0.0) / static_cast<double>(data.size());
    double m2 = 0;
    for (int x : data) m2 += (x - mean) * (x - mean);
    CHECK(rdd.mean() == doctest::Approx(mean));
    CHECK(st.stdev() == doctest::Approx(std::sqrt(m2 / static_cast<double>(data.size()))));
    CHECK(st.min() == *std::min_element(data.begin(), data.end()));
    CHECK(st.max() == *std::max_element(data.begin(), data.end()));
  });
}

TEST_CASE("stats: exact count, mean, stdev, min and max for a small input") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (std::size_t slices : {1u, 3u, 8u, 11u}) {
      CAPTURE(slices);
      auto rdd = sc.parallelize(VI{2, 4, 4, 4, 5, 5, 7, 9}, slices);
      const rill::StatCounter st = rdd.stats();
      CHECK(st.count() == 8);
      CHECK(st.mean() == 5.0);
      CHECK(st.stdev() == 2.0);  // population stdev, as Spark's
      CHECK(st.variance() == 4.0);
      CHECK(st.sampleVariance() == doctest::Approx(32.0 / 7));
      CHECK(st.min() == 2.0);
      CHECK(st.max() == 9.0);
      CHECK(st.sum() == 40.0);
      CHECK(st.toString() == "(count: 8, mean: 5.000000, stdev: 2.000000, max: 9.000000, min: 2.000000)");
      CHECK(rdd.mean() == 5.0);
      CHECK(rdd.stdev() == 2.0);
      CHECK(rdd.variance() == 4.0);
    }
  });
}

TEST_CASE("stats merges partitions with Spark's arithmetic: the same bits as Spark's for the same partitions") {
  rill::SparkContext sc(rill_test::conf(2));
  using VD = std::vector<double>;
  // {0.1} then {0.2, 0.3}: sizes within ten times of each other, Spark's weighted mean.
  auto three = sc.parallelize(VD{0.1, 0.2, 0.3}, 2);
  REQUIRE(three.glom().collect() == std::vector<VD>{{0.1}, {0.2, 0.3}});
  CHECK(three.mean() == 0.19999999999999998);
  CHECK(three.variance() == 0.006666666666666665);
  // {0.1, 0.2} then {0.3}
  CHECK(sc.parallelize(VD{0.1, 0.2}, 1).union_(sc.parallelize(VD{0.3}, 1)).mean() == 0.20000000000000004);
  // One element, then eleven: the larger side's mean minus the smaller side's share.
  const VD eleven{0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2};
  const rill::StatCounter small = sc.parallelize(VD{0.1}, 1).union_(sc.parallelize(eleven, 1)).stats();
  CHECK(small.mean() == 0.65);
  CHECK(small.variance() == 0.11916666666666668);
  // Eleven, then one: the larger side's mean plus the smaller side's share.
  VD twelve{0.1};
  twelve.insert(twelve.end(), eleven.begin(), eleven.end() - 1);
  const rill::StatCounter large = sc.parallelize(twelve, 1).union_(sc.parallelize(VD{1.2}, 1)).stats();
  CHECK(large.mean() == 0.65);
  CHECK(large.variance() == 0.1191666666666667);
}

TEST_CASE("stats of an empty RDD: Spark's empty StatCounter; an RDD without partitions throws") {
  rill::SparkContext sc(rill_test::conf(2));
  const double inf = std::numeric_limits<double>::infinity();
  for (const auto& rdd : {sc.parallelize(std::vector<double>{}, 3),
                          sc.parallelize(std::vector<double>{1, 2}, 2).filter([](double) { return false; }).toRDD()}) {
    const rill::StatCounter st = rdd.stats();
    CHECK(st.count() == 0);
    CHECK(st.mean() == 0.0);
    CHECK(st.sum() == 0.0);
    CHECK(std::isnan(st.variance()));
    CHECK(std::isnan(st.stdev()));
    CHECK(std::isnan(st.sampleVariance()));
    CHECK(std::isnan(st.sampleStdev()));
    CHECK(st.max() == -inf);
    CHECK(st.min() == inf);
    CHECK(st.toString() == "(count: 0, mean: 0.000000, stdev: NaN, max: -Infinity, min: Infinity)");
    CHECK(rdd.mean() == 0.0);
    CHECK(std::isnan(rdd.variance()));
  }
  // Spark reduces the partitions' counters, and there are none to reduce.
  const auto none = sc.emptyRDD<double>();
  CHECK_THROWS_WITH_AS(none.stats(), "rill: stats() on an RDD without partitions: empty collection",
                       rill::UnsupportedOperationException);
  CHECK_THROWS_AS(none.mean(), rill::UnsupportedOperationException);
  CHECK(none.sum() == 0.0);
}

TEST_CASE("stats with NaN, infinities and signed zeros: Java's Math.max/min, printed as Java's %f") {
  rill::SparkContext sc(rill_test::conf(2));
  using VD = std::vector<double>;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t slices : {1u, 2u, 3u}) {
    CAPTURE(slices);
    const rill::StatCounter st = sc.parallelize(VD{1.0, nan, 3.0}, slices).stats();
    CHECK(std::isnan(st.max()));
    CHECK(std::isnan(st.min()));
    CHECK(st.toString() == "(count: 3, mean: NaN, stdev: NaN, max: NaN, min: NaN)");
    for (const VD& zeros : {VD{-0.0, 0.0}, VD{0.0, -0.0}}) {
      const rill::StatCounter z = sc.parallelize(zeros, slices).stats();
      CHECK(!std::signbit(z.max()));
      CHECK(std::signbit(z.min()));
    }
  }
  CHECK(sc.parallelize(VD{1.0, inf}, 1).stats().toString() ==
        "(count: 2, mean: Infinity, stdev: NaN, max: Infinity, min: 1.000000)");
  CHECK(sc.parallelize(VD{-inf}, 1).stats().toString() ==
        "(count: 1, mean: -Infinity, stdev: NaN, max: -Infinity, min: -Infinity)");
  // Java rounds the shortest decimal digits half up: 0.0078125 -> 0.007813 (printf: 0.007812),
  // 5e-7 -> 0.000001 (printf: 0.000000, the double being a little below 5e-7).
  CHECK(sc.parallelize(VD{0.0078125}, 1).stats().toString() ==
        "(count: 1, mean: 0.007813, stdev: 0.000000, max: 0.007813, min: 0.007813)");
  CHECK(sc.parallelize(VD{5e-7, 2.5e-7}, 1).stats().toString() ==
        "(count: 2, mean: 0.000000, stdev: 0.000000, max: 0.000001, min: 0.000000)");
  CHECK(sc.parallelize(VD{9.9999995, 1e20}, 2).stats().toString() ==
        "(count: 2, mean: 50000000000000000000.000000, stdev: 50000000000000000000.000000, "
        "max: 100000000000000000000.000000, min: 10.000000)");
  CHECK(sc.parallelize(VD{-0.0}, 1).stats().toString() ==
        "(count: 1, mean: 0.000000, stdev: 0.000000, max: -0.000000, min: -0.000000)");
}

TEST_CASE("sum of doubles, unsigned and 64-bit overflow-free ints") {
  rill::SparkContext sc(rill_test::conf(2));
  auto d = sc.parallelize(std::vector<double>{0.5, 1.25, 2.0}, 2);
  static_assert(std::is_same_v<decltype(d.sum()), double>);
  CHECK(d.sum() == 3.75);
  CHECK(d.mean() == 1.25);
  auto u = sc.parallelize(std::vector<unsigned>{4000000000u, 4000000000u}, 2);
  static_assert(std::is_same_v<decltype(u.sum()), std::uint64_t>);
  CHECK(u.sum() == 8000000000ULL);
  CHECK(sc.parallelize(std::vector<int>(3, 2000000000), 3).sum() == 6000000000LL);
  CHECK(sc.emptyRDD<double>().sum() == 0.0);
}

TEST_CASE("actions on strings and pairs, with generic lambdas") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto words = sc.parallelize(VS{"pear", "fig", "apple", "fig", "kiwi"}, 3);
    CHECK(words.takeOrdered(2) == VS{"apple", "fig"});
    CHECK(words.top(2) == VS{"pear", "kiwi"});
    auto longestFirst = [](const auto& a, const auto& b) { return a.size() != b.size() ? a.size() > b.size() : a < b; };
    CHECK(words.takeOrdered(3, longestFirst) == VS{"apple", "kiwi", "pear"});
    CHECK(words.reduce([](const auto& a, const auto& b) { return a.size() >= b.size() ? a : b; }) == "apple");
    CHECK(words.fold(std::string(), [](const auto& a, const auto& b) { return a + b; }) == "pearfigapplefigkiwi");
    CHECK(words.fold("", [](const auto& a, const auto& b) { return a + b; }) == "pearfigapplefigkiwi");
    CHECK(words.min() == "apple");
    CHECK(words.max() == "pear");
    CHECK(words.countByValue() == std::unordered_map<std::string, std::int64_t>{{"pear", 1}, {"fig", 2}, {"apple", 1}, {"kiwi", 1}});
    auto lengths = words.aggregate(std::size_t{0}, [](auto acc, const auto& w) { return acc + w.size(); },
                                   [](auto a, auto b) { return a + b; });
    CHECK(lengths == 19u);
    auto pairs = words.keyBy([](const auto& w) { return w.size(); });
    CHECK(pairs.first() == std::pair<std::size_t, std::string>{4, "pear"});
    CHECK(pairs.top(1) == std::vector<std::pair<std::size_t, std::string>>{{5, "apple"}});
  });
}

TEST_CASE("fold uses zero once per partition and once for the merge, as Spark") {
  rill::SparkContext sc(rill_test::conf(2));
  // 3 partitions: zero = 1 counted 3 + 1 times.
  CHECK(sc.parallelize(VI{1, 2, 3, 4}, 3).fold(1, [](int a, int b) { return a + b; }) == 14);
  CHECK(sc.parallelize(VI{}, 2).fold(1, [](int a, int b) { return a + b; }) == 3);
  CHECK(sc.parallelize(VI{1, 2}, 2).aggregate(10, [](int a, int x) { return a + x; }, [](int a, int b) { return a + b; }) ==
        33);  // partitions 10+1 and 10+2, merged onto 10
}

TEST_CASE("max, min, top and takeOrdered on doubles order as Spark's Ordering.Double: NaN largest, -0.0 below 0.0") {
  rill::SparkContext sc(rill_test::conf(2));
  using VD = std::vector<double>;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t slices : {1u, 2u, 3u}) {
    CAPTURE(slices);
    const auto d = sc.parallelize(VD{1.0, nan, 3.0, -0.0, 0.0}, slices);
    CHECK(std::isnan(d.max()));
    CHECK(d.min() == 0.0);
    CHECK(std::signbit(d.min()));
    const VD top = d.top(2);
    REQUIRE(top.size() == 2);
    CHECK(std::isnan(top[0]));
    CHECK(top[1] == 3.0);
    const VD least = d.takeOrdered(2);
    REQUIRE(least.size() == 2);
    CHECK((std::signbit(least[0]) && least[0] == 0.0));
    CHECK((!std::signbit(least[1]) && least[1] == 0.0));
  }
}

TEST_CASE("max, min, top and takeOrdered on pairs and tuples order their doubles as Spark's Ordering.Tuple2") {
  rill::SparkContext sc(rill_test::conf(2));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  using P = std::pair<double, int>;
  const std::vector<P> pairs{{3.0, 1}, {nan, 2}, {1.0, 3}, {nan, 0}, {-0.0, 5}, {0.0, 4}, {2.0, 6}, {1.0, 0}};
  for (std::size_t slices : {1u, 3u}) {
    CAPTURE(slices);
    const auto d = sc.parallelize(pairs, slices);
    CHECK(rill::toString(d.takeOrdered(8)) ==
          "[(-0.0,5), (0.0,4), (1.0,0), (1.0,3), (2.0,6), (3.0,1), (NaN,0), (NaN,2)]");
    CHECK(rill::toString(d.top(3)) == "[(NaN,2), (NaN,0), (3.0,1)]");
    CHECK(rill::toString(d.max()) == "(NaN,2)");
    CHECK(rill::toString(d.min()) == "(-0.0,5)");
    const std::vector<std::tuple<int, double>> tuples{{1, nan}, {1, 2.0}, {0, nan}, {1, -0.0}};
    CHECK(rill::toString(sc.parallelize(tuples, slices).takeOrdered(4)) == "[(0,NaN), (1,-0.0), (1,2.0), (1,NaN)]");
  }
}

namespace {
struct Unordered {
  int v;
};
}  // namespace

// The default order is constrained, so top, takeOrdered, min and max can say "needs
// operator<" themselves (tests/compile_fail/*_unordered.cpp) instead of failing inside it.
TEST_CASE("the default order requires operator< (or floating point)") {
  static_assert(!rill::detail::OrdersBy<rill::detail::NaturalLess, Unordered>);
  static_assert(!std::strict_weak_order<rill::detail::NaturalLess, const Unordered&, const Unordered&>);
  static_assert(rill::detail::OrdersBy<rill::detail::NaturalLess, double>);
  static_assert(rill::detail::OrdersBy<rill::detail::NaturalLess, std::pair<int, std::string>>);
  CHECK(rill::detail::NaturalLess{}(1, 2));
}
