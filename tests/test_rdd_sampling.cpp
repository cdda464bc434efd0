// takeSample, randomSplit and sampleByKey: exact results (each partition draws
// from SplitMix64(seed, partition), recomputed here), the same for a seed
// whatever the worker count, and Spark's argument checks.
#include "rdd_test_support.hpp"

#include <rill/rdd.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

using rill_test::iota;
using rill_test::sorted;
using VI = std::vector<int>;

namespace {

/// What randomSplit(weights, seed) must give: one uniform per element, split i
/// taking [cumulative(i), cumulative(i+1)).
std::vector<VI> expectedSplits(const std::vector<VI>& partitions, const std::vector<double>& weights, std::uint64_t seed) {
  double sum = 0;
  for (double w : weights) sum += w;
  std::vector<VI> out(weights.size());
  for (std::size_t p = 0; p < partitions.size(); ++p) {
    rill::SplitMix64 rng(seed, p);
    for (int x : partitions[p]) {
      const double u = rng.uniform();
      double upper = 0;
      for (std::size_t i = 0; i < weights.size(); ++i) {
        upper += weights[i] / sum;
        if (u < upper || i + 1 == weights.size()) {
          out[i].push_back(x);
          break;
        }
      }
    }
  }
  return out;
}

std::vector<VI> partitionsOf(const VI& data, std::size_t slices) {
  std::vector<VI> out(slices);
  for (std::size_t i = 0; i < slices; ++i)
    out[i] = VI(data.begin() + static_cast<std::ptrdiff_t>(rill::sliceBegin(i, data.size(), slices)),
                data.begin() + static_cast<std::ptrdiff_t>(rill::sliceBegin(i + 1, data.size(), slices)));
  return out;
}

}  // namespace

TEST_CASE("takeSample without replacement: num distinct elements of the RDD, the same for a seed") {
  std::optional<VI> first;
  rill_test::withWorkers([&](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      auto rdd = sc.parallelize(shape.data, shape.slices);
      for (std::size_t num : {0u, 1u, 3u, 50u, 1000u}) {
        const auto got = rdd.takeSample(false, num, 7);
        CHECK(got.size() == std::min(num, shape.data.size()));
        for (int x : got)  // distinct positions: no element more often than in the RDD
          CHECK(std::count(got.begin(), got.end(), x) <= std::count(shape.data.begin(), shape.data.end(), x));
        if (num >= shape.data.size()) CHECK(sorted(got) == sorted(shape.data));  // all of them, shuffled
        CHECK(rdd.takeSample(false, num, 7) == got);                            // deterministic
      }
    }
    const auto big = sc.parallelize(iota(0, 10000), 7).takeSample(false, 20, 3);
    if (first) CHECK(big == *first);  // whatever the worker count
    first = big;
    CHECK(big != sc.parallelize(iota(0, 10000), 7).takeSample(false, 20, 4));
    CHECK(big != sorted(big));  // in random order
  });
}

TEST_CASE("takeSample with replacement: exactly num elements, repeats allowed, more than the RDD holds too") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto rdd = sc.parallelize(iota(0, 10), 3);
    for (std::size_t num : {1u, 10u, 25u}) {
      const auto got = rdd.takeSample(true, num, 11);
      CHECK(got.size() == num);
      for (int x : got) CHECK((x >= 0 && x < 10));
      CHECK(rdd.takeSample(true, num, 11) == got);
    }
    CHECK(sc.emptyRDD<int>().takeSample(true, 5).empty());
    CHECK(sc.parallelize(VI{}, 4).takeSample(false, 5).empty());
  });
}

TEST_CASE("randomSplit: disjoint splits holding every element once, exactly as the seed draws") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    for (const auto& shape : rill_test::shapes()) {
      CAPTURE(shape.name);
      auto rdd = sc.parallelize(shape.data, shape.slices).map([](int x) { return x; });
      for (const std::vector<double>& weights :
           {std::vector<double>{1}, {1, 1}, {0.2, 0.3, 0.5}, {0, 3}, {3, 0}, {1, 2, 0, 7}}) {
        const auto splits = rdd.randomSplit(weights, 5);
        REQUIRE(splits.size() == weights.size());
        const auto expected = expectedSplits(partitionsOf(shape.data, shape.slices), weights, 5);
        VI all;
        for (std::size_t i = 0; i < splits.size(); ++i) {
          CHECK(splits[i].collect() == expected[i]);
          CHECK(splits[i].getNumPartitions() == shape.slices);
          for (int x : splits[i].collect()) all.push_back(x);
          if (weights[i] == 0) CHECK(splits[i].isEmpty());
        }
        CHECK(sorted(all) == sorted(shape.data));
      }
    }
    auto big = sc.parallelize(iota(0, 10000), 4).randomSplit({1, 3}, 9);
    CHECK(big[0].count() > 2300);  // about 2500
    CHECK(big[0].count() < 2700);
  });
}

TEST_CASE("randomSplit rejects negative or non-finite weights and a zero sum") {
  rill::SparkContext sc(rill_test::conf(2));
  auto rdd = sc.parallelize(iota(0, 10), 2);
  CHECK_THROWS_WITH_AS(rdd.randomSplit({1, -1}),
                       "rill: randomSplit: weights must be finite and nonnegative, got [1.0, -1.0]",
                       std::invalid_argument);
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(rdd.randomSplit({inf, 1}), std::invalid_argument);
  CHECK_THROWS_AS(rdd.randomSplit({1, std::nan("")}), std::invalid_argument);
  // Finite weights whose sum overflows split as their ratio: half and half, each element once.
  const double big = std::numeric_limits<double>::max();
  const auto halves = rdd.randomSplit({big, big}, 3);
  const auto expected = rdd.randomSplit({1, 1}, 3);
  CHECK(halves[0].collect() == expected[0].collect());
  CHECK(halves[1].collect() == expected[1].collect());
  CHECK_THROWS_WITH_AS(rdd.randomSplit({0, 0}), "rill: randomSplit: sum of weights must be positive, got [0.0, 0.0]",
                       std::invalid_argument);
  CHECK_THROWS_AS(rdd.randomSplit({}), std::invalid_argument);
}

TEST_CASE("sampleByKey: each key with its own fraction, exactly as the seed draws") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    std::vector<std::pair<std::string, int>> data;
    for (int i = 0; i < 300; ++i) data.emplace_back(i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c", i);
    auto rdd = sc.parallelize(data, 5);
    const std::map<std::string, double> fractions{{"a", 1.0}, {"b", 0.0}, {"c", 0.5}};
    const auto got = rdd.sampleByKey(false, fractions, 3).collect();
    std::vector<std::pair<std::string, int>> expected;
    for (std::size_t p = 0; p < 5; ++p) {
      rill::SplitMix64 rng(3, p);
      for (std::size_t i = rill::sliceBegin(p, 300, 5); i < rill::sliceBegin(p + 1, 300, 5); ++i)
        if (rng.uniform() < fractions.at(data[i].first)) expected.push_back(data[i]);
    }
    CHECK(got == expected);
    std::map<std::string, int> perKey;
    for (const auto& [k, v] : got) ++perKey[k];
    CHECK(perKey["a"] == 100);
    CHECK(perKey.count("b") == 0);
    CHECK(perKey["c"] > 30);
    CHECK(perKey["c"] < 70);

    // With replacement: Poisson copies; a fraction above 1 is allowed.
    const std::unordered_map<std::string, double> twice{{"a", 2.0}, {"b", 0.0}, {"c", 0.0}};
    const auto copies = rdd.sampleByKey(true, twice, 4).collect();
    CHECK(copies.size() > 150);
    CHECK(copies.size() < 250);
    for (const auto& [k, v] : copies) CHECK(k == "a");
    CHECK(rdd.sampleByKey(true, twice, 4).collect() == copies);

    CHECK(sc.parallelize(std::vector<std::pair<int, int>>{}, 3).sampleByKey(false, std::map<int, double>{}).count() == 0);
  });
}

TEST_CASE("sampleByKey checks the fractions at the call and a missing key when computed") {
  rill::SparkContext sc(rill_test::conf(2));
  auto rdd = sc.parallelize(std::vector<std::pair<int, int>>{{1, 1}, {2, 2}}, 2);
  CHECK_THROWS_WITH_AS(rdd.sampleByKey(false, std::map<int, double>{{1, -0.5}}),
                       "rill: sampleByKey: a fraction must be >= 0, and finite with replacement, got -0.500000",
                       std::invalid_argument);
  CHECK_THROWS_AS(rdd.sampleByKey(false, std::map<int, double>{{1, std::nan("")}}), std::invalid_argument);
  CHECK_NOTHROW(rdd.sampleByKey(true, std::map<int, double>{{1, 1.5}, {2, 0}}));
  auto missing = rdd.sampleByKey(false, std::map<int, double>{{1, 1.0}});
  CHECK_THROWS_WITH_AS(missing.collect(), "rill: sampleByKey: no fraction for key 2 (key not found)", rill::SparkException);
}

TEST_CASE("sampleByKey without replacement keeps every element of a key whose fraction is 1 or more, as Spark's") {
  // Spark requires only fractions >= 0 and keeps an element when its uniform draw is below
  // the key's fraction: always above 1, infinity too. Sampling with replacement still needs
  // a finite fraction (a Poisson mean).
  const double inf = std::numeric_limits<double>::infinity();
  rill_test::withWorkers([&](rill::SparkContext& sc) {
    std::vector<std::pair<int, int>> data;
    for (int i = 0; i < 60; ++i) data.emplace_back(i % 4, i);
    auto rdd = sc.parallelize(data, 4);
    const std::map<int, double> fractions{{0, 1.5}, {1, inf}, {2, 0.0}, {3, 1.0}};
    std::vector<std::pair<int, int>> expected;
    for (const auto& kv : data)
      if (kv.first != 2) expected.push_back(kv);
    CHECK(rdd.sampleByKey(false, fractions, 5).collect() == expected);
    CHECK(rdd.sampleByKey(false, std::map<int, double>{{0, 2.0}, {1, 2.0}, {2, 2.0}, {3, 2.0}}).collect() == data);
    CHECK_THROWS_WITH_AS(rdd.sampleByKey(true, fractions),
                         "rill: sampleByKey: a fraction must be >= 0, and finite with replacement, got inf",
                         std::invalid_argument);
  });
}

TEST_CASE("sample rejects a bad fraction with its own name") {
  rill::SparkContext sc(rill_test::conf(1));
  CHECK_THROWS_WITH_AS(sc.parallelize(iota(0, 3), 1).sample(false, 2.0),
                       "rill: sample: fraction must be in [0, 1] without replacement and finite and >= 0 with "
                       "replacement, got 2.000000",
                       std::invalid_argument);
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(sc.parallelize(iota(0, 3), 1).sample(true, inf), std::invalid_argument);
  CHECK_THROWS_AS(sc.parallelize(iota(0, 3), 1).sample(true, std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(sc.parallelize(std::vector<std::pair<int, int>>{{1, 1}}, 1)
                      .sampleByKey(true, std::map<int, double>{{1, inf}}),
                  std::invalid_argument);
}

TEST_CASE("takeSample refuses Spark's too-large sample sizes at the call") {
  rill::SparkContext sc(rill_test::conf(1));
  auto rdd = sc.parallelize(iota(0, 3), 1);
  for (const bool withReplacement : {true, false}) {
    CHECK_THROWS_AS(rdd.takeSample(withReplacement, std::numeric_limits<std::size_t>::max()), std::invalid_argument);
    CHECK_THROWS_AS(rdd.takeSample(withReplacement, 2147100000), std::invalid_argument);  // > INT_MAX - 10 * sqrt(INT_MAX)
  }
  CHECK_THROWS_WITH_AS(rdd.takeSample(true, 2147100000),
                       "rill: takeSample: Cannot support a sample size > Int.MaxValue - 10.0 * "
                       "math.sqrt(Int.MaxValue), got 2147100000",
                       std::invalid_argument);
  CHECK(rdd.takeSample(false, 2147000000).size() == 3);  // below the bound: all of them
  // The bound itself, Int.MaxValue - 463409 (Spark truncates the margin 463409.5 first), is allowed.
  CHECK(rdd.takeSample(false, 2147020238).size() == 3);
  CHECK_THROWS_AS(rdd.takeSample(false, 2147020239), std::invalid_argument);
}

TEST_CASE("poisson counts in 64 bits: a mean above INT_MAX does not overflow") {
  static_assert(std::is_same_v<decltype(std::declval<rill::SplitMix64&>().poisson(1.0)), std::int64_t>);
  rill::SplitMix64 rng(1);
  const std::int64_t k = rng.poisson(1e5);
  CHECK(k > 1e5 - 2000);  // 6 standard deviations
  CHECK(k < 1e5 + 2000);
}

TEST_CASE("sample, sampleByKey and randomSplit draw alike: exact copies for a seed, with and without replacement") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const VI data = iota(0, 500);
    auto rdd = sc.parallelize(data, 3);
    auto pairs = rdd.map([](int x) { return std::pair<int, int>(x % 4, x); });
    const std::map<int, double> all{{0, 0.3}, {1, 0.3}, {2, 0.3}, {3, 0.3}};
    const std::map<int, double> allTwice{{0, 2.5}, {1, 2.5}, {2, 2.5}, {3, 2.5}};
    for (const bool withReplacement : {false, true}) {
      CAPTURE(withReplacement);
      const double fraction = withReplacement ? 2.5 : 0.3;
      // Each element kept Poisson(fraction) times with replacement, else when its uniform is below fraction.
      VI expected;
      for (std::size_t p = 0; p < 3; ++p) {
        rill::SplitMix64 rng(11, p);
        for (std::size_t i = rill::sliceBegin(p, data.size(), 3); i < rill::sliceBegin(p + 1, data.size(), 3); ++i) {
          const int copies = withReplacement ? rng.poisson(fraction) : rng.uniform() < fraction ? 1 : 0;
          expected.insert(expected.end(), static_cast<std::size_t>(copies), data[i]);
        }
      }
      CHECK(rdd.sample(withReplacement, fraction, 11).collect() == expected);
      VI byKey;
      for (const auto& [k, v] : pairs.sampleByKey(withReplacement, withReplacement ? allTwice : all, 11).collect())
        byKey.push_back(v);
      CHECK(byKey == expected);
      if (!withReplacement) CHECK(rdd.randomSplit({0.3, 0.7}, 11)[0].collect() == expected);
      // Elements made on the way (moved into the sample) arrive whole in every copy.
      auto text = [](int x) { return std::string(40, static_cast<char>('a' + x % 26)); };
      std::vector<std::string> expectedText;
      for (const int x : expected) expectedText.push_back(text(x));
      CHECK(rdd.map(text).sample(withReplacement, fraction, 11).collect() == expectedText);
    }
  });
}
