// Keyed aggregation (reduceByKey, foldByKey, aggregateByKey, combineByKey,
// groupByKey, countByKey) against a sequential reference, for 1, 2 and 8
// workers, 1..16 partitions, uniform and skewed keys.
#include <doctest/doctest.h>

#include "test_keyed_support.hpp"

#include <rill/rdd.hpp>

#include <atomic>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

using keyed_test::KV;
using keyed_test::sorted;

namespace {

std::vector<KV> referenceSums(const std::vector<KV>& data) {
  std::map<int, long> sums;
  for (auto& [k, v] : data) sums[k] += v;
  return {sums.begin(), sums.end()};
}

std::vector<std::pair<int, std::vector<long>>> referenceGroups(const std::vector<KV>& data) {
  std::map<int, std::vector<long>> groups;
  for (auto& [k, v] : data) groups[k].push_back(v);
  return keyed_test::normalized(std::vector<std::pair<int, std::vector<long>>>(groups.begin(), groups.end()));
}

const auto plus = [](long a, long b) { return a + b; };

}  // namespace

TEST_CASE("keyed aggregations match the sequential reference on seeded random inputs") {
  for (unsigned seed : {1u, 2u, 3u})
    for (double skew : {0.0, 0.9}) {
      const auto data = keyed_test::randomPairs(seed, 400, 29, skew);
      const auto sums = referenceSums(data);
      const auto groups = referenceGroups(data);
      for (auto* sc : keyed_test::contexts())
        for (std::size_t parts = 1; parts <= 16; ++parts) {
          CAPTURE(seed);
          CAPTURE(skew);
          CAPTURE(sc->defaultParallelism());
          CAPTURE(parts);
          auto rdd = sc->parallelize(data, parts);
          const std::size_t targets = parts % 5 + 1;
          CHECK(sorted(rdd.reduceByKey(plus).collect()) == sums);
          CHECK(sorted(rdd.reduceByKey(plus, targets).collect()) == sums);
          CHECK(rdd.reduceByKey(plus, targets).getNumPartitions() == targets);
          CHECK(sorted(rdd.foldByKey(0L, plus, targets).collect()) == sums);
          auto seqOp = [](long acc, long v) { return acc + v; };
          CHECK(sorted(rdd.aggregateByKey(0L, seqOp, plus).collect()) == sums);
          auto create = [](long v) { return std::vector<long>{v}; };
          auto append = [](std::vector<long> c, long v) {
            c.push_back(v);
            return c;
          };
          auto merge = [](std::vector<long> a, const std::vector<long>& b) {
            a.insert(a.end(), b.begin(), b.end());
            return a;
          };
          CHECK(keyed_test::normalized(rdd.combineByKey(create, append, merge, targets).collect()) == groups);
          CHECK(keyed_test::normalized(rdd.groupByKey(targets).collect()) == groups);
          auto counts = rdd.countByKey();
          std::size_t total = 0;
          for (auto& [k, values] : groups) {
            CHECK(counts.at(k) == static_cast<std::int64_t>(values.size()));
            total += values.size();
          }
          CHECK(counts.size() == groups.size());
          CHECK(total == data.size());
        }
    }
}

TEST_CASE("foldByKey applies zero once per key per map partition, as Spark") {
  auto* sc = keyed_test::contexts()[1];
  auto rdd = sc->parallelize(std::vector<KV>{{1, 1}, {1, 2}, {2, 5}, {1, 3}}, 2);
  // partition 0: (1,1) (1,2); partition 1: (2,5) (1,3) -> key 1 sees zero twice
  CHECK(sorted(rdd.foldByKey(10L, plus).collect()) == std::vector<KV>{{1, 26}, {2, 15}});
}

TEST_CASE("aggregateByKey with a combiner type other than the value type") {
  auto* sc = keyed_test::contexts()[2];
  auto rdd = sc->parallelize(std::vector<std::pair<std::string, int>>{{"a", 3}, {"b", 4}, {"a", 5}}, 3);
  using SumCount = std::pair<long, int>;
  auto avg = rdd.aggregateByKey(
                    SumCount{0, 0}, [](SumCount acc, int v) { return SumCount{acc.first + v, acc.second + 1}; },
                    [](SumCount a, SumCount b) { return SumCount{a.first + b.first, a.second + b.second}; })
                 .mapValues([](const SumCount& s) { return static_cast<double>(s.first) / s.second; })
                 .collectAsMap();
  CHECK(avg.at("a") == 4.0);
  CHECK(avg.at("b") == 4.0);
}

TEST_CASE("empty inputs give empty results") {
  for (auto* sc : keyed_test::contexts()) {
    auto empty = sc->emptyRDD<KV>();
    CHECK(empty.reduceByKey(plus).collect().empty());
    CHECK(empty.groupByKey(3).collect().empty());
    CHECK(empty.groupByKey(3).getNumPartitions() == 3);
    CHECK(empty.countByKey().empty());
    auto emptyParts = sc->parallelize(std::vector<KV>{}, 4);
    CHECK(emptyParts.reduceByKey(plus).collect().empty());
    CHECK(emptyParts.foldByKey(0L, plus, 2).collect().empty());
  }
}

TEST_CASE("2-tuples and chains: the fused chain ends in the combine") {
  auto* sc = keyed_test::contexts()[1];
  auto words = sc->parallelize(std::vector<std::string>{"a b a", "c a b"}, 2)
                   .flatMap([](const std::string& line) {
                     std::vector<std::string> out;
                     for (std::size_t i = 0; i < line.size(); i += 2) out.push_back(line.substr(i, 1));
                     return out;
                   })
                   .map([](const std::string& w) { return std::tuple<std::string, int>(w, 1); });
  auto counts = words.reduceByKey([](int a, int b) { return a + b; });
  static_assert(std::is_same_v<decltype(counts)::value_type, std::pair<std::string, int>>);
  CHECK(sorted(counts.collect()) == std::vector<std::pair<std::string, int>>{{"a", 3}, {"b", 2}, {"c", 1}});
}

TEST_CASE("string_view keys are stored as std::string") {
  auto* sc = keyed_test::contexts()[1];
  std::vector<std::string> lines{"x y x", "y x z"};
  auto counts = sc->parallelize(lines, 2)
                    .flatMap([](const std::string& line) { return keyed_test::words(line); })
                    .map([](std::string_view w) { return std::pair<std::string_view, long>(w, 1); })
                    .reduceByKey(plus);
  static_assert(std::is_same_v<decltype(counts)::value_type, std::pair<std::string, long>>);
  CHECK(sorted(counts.collect()) == std::vector<std::pair<std::string, long>>{{"x", 3}, {"y", 2}, {"z", 1}});
}

namespace {
/// A key that counts its copies (moves are free).
struct CountedKey {
  static inline std::atomic<int> copies{0};
  int id = 0;
  explicit CountedKey(int i) : id(i) {}
  CountedKey(const CountedKey& o) : id(o.id) { ++copies; }
  CountedKey(CountedKey&& o) noexcept : id(o.id) {}
  CountedKey& operator=(const CountedKey& o) {
    id = o.id;
    ++copies;
    return *this;
  }
  CountedKey& operator=(CountedKey&& o) noexcept {
    id = o.id;
    return *this;
  }
  bool operator==(const CountedKey& o) const { return id == o.id; }
};
}  // namespace
template <>
struct std::hash<CountedKey> {
  std::size_t operator()(const CountedKey& k) const { return std::hash<int>{}(k.id); }
};

TEST_CASE("keys are copied only when a map task first sees them") {
  auto* sc = keyed_test::contexts()[1];
  const int keys = 50, perKey = 40;
  constexpr std::size_t parts = 4;
  auto rdd = sc->range(0, keys * perKey, 1, parts).map([](std::int64_t i) {
    return std::pair<CountedKey, long>(CountedKey(static_cast<int>(i % keys)), 1);
  });
  CountedKey::copies = 0;
  auto sums = rdd.reduceByKey(plus, 3);
  // The chain hands over rvalues: each key is moved into its table, never copied.
  CHECK(CountedKey::copies == 0);
  CHECK(sums.count() == keys);

  auto stored = sc->parallelize(rdd.collect(), parts);
  CountedKey::copies = 0;
  CHECK(stored.reduceByKey(plus, 3).count() == keys);
  // Stored elements are read as const: exactly one copy per (map partition, distinct key), made
  // when the key enters that partition's table; every map partition here holds all the keys.
  CHECK(CountedKey::copies == keys * static_cast<int>(parts));
  CountedKey::copies = 0;
  CHECK(stored.groupByKey(3).count() == keys);
  CHECK(CountedKey::copies == keys * perKey);  // one per row: groupByKey ships every record
}
