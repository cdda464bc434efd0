// Per-key value operations: mapValues, flatMapValues (fused, keep the
// partitioner), keys, values, lookup, collectAsMap.
#include <doctest/doctest.h>

#include "test_keyed_support.hpp"

#include <rill/rdd.hpp>

#include <atomic>
#include <string>
#include <type_traits>
#include <vector>

using keyed_test::KV;
using keyed_test::sorted;

TEST_CASE("mapValues and flatMapValues are fused stages that keep the key") {
  auto* sc = keyed_test::contexts()[1];
  auto rdd = sc->parallelize(std::vector<KV>{{1, 10}, {2, 20}, {1, 30}}, 2);
  auto halves = rdd.mapValues([](long v) { return std::to_string(v / 2); });
  static_assert(!std::is_same_v<decltype(halves), rill::RDD<std::pair<int, std::string>>>, "a chain, not stored");
  CHECK(halves.collect() == std::vector<std::pair<int, std::string>>{{1, "5"}, {2, "10"}, {1, "15"}});
  auto spread = rdd.flatMapValues([](long v) { return std::vector<long>{v, v + 1}; });
  CHECK(spread.collect() == std::vector<KV>{{1, 10}, {1, 11}, {2, 20}, {2, 21}, {1, 30}, {1, 31}});
  auto none = rdd.flatMapValues([](long) { return std::vector<int>{}; });
  CHECK(none.collect().empty());
}

TEST_CASE("keys and values") {
  auto* sc = keyed_test::contexts()[0];
  auto rdd = sc->parallelize(std::vector<std::tuple<std::string, int>>{{"a", 1}, {"b", 2}}, 2);
  CHECK(rdd.keys().collect() == std::vector<std::string>{"a", "b"});
  CHECK(rdd.values().collect() == std::vector<int>{1, 2});
}

TEST_CASE("mapValues, flatMapValues and filter keep the partitioner; map and keys drop it") {
  auto* sc = keyed_test::contexts()[1];
  auto parted = sc->parallelize(keyed_test::randomPairs(5, 100, 10), 3).partitionBy(rill::HashPartitioner(4));
  REQUIRE(static_cast<bool>(parted.partitioner()));
  CHECK(parted.partitioner()->numPartitions() == 4);
  CHECK((parted.partitioner()->target<rill::HashPartitioner<>>() != nullptr));
  auto kept = parted.mapValues([](long v) { return v * 2; }).filter([](const auto& kv) { return kv.second > 0; });
  CHECK((kept.partitioner() == parted.partitioner()));
  rill::RDD<KV> stored = kept;
  CHECK((stored.partitioner() == parted.partitioner()));
  CHECK(static_cast<bool>(parted.flatMapValues([](long v) { return std::vector<long>{v}; }).partitioner()));
  CHECK_FALSE(static_cast<bool>(parted.map([](const KV& kv) { return kv; }).partitioner()));
  CHECK_FALSE(static_cast<bool>(parted.keys().partitioner()));
}

TEST_CASE("lookup finds every value of a key, on partitioned and unpartitioned RDDs") {
  const auto data = keyed_test::randomPairs(9, 300, 20, 0.5);
  for (auto* sc : keyed_test::contexts())
    for (std::size_t parts : {1, 3, 16}) {
      auto rdd = sc->parallelize(data, parts);
      for (int key : {0, 7, 19, 99}) {
        std::vector<long> expected;
        for (auto& [k, v] : data)
          if (k == key) expected.push_back(v);
        CHECK(sorted(rdd.lookup(key)) == sorted(expected));
        CHECK(sorted(rdd.partitionBy(rill::HashPartitioner(parts)).lookup(key)) == sorted(expected));
      }
    }
}

TEST_CASE("lookup on a partitioned RDD reads only the key's partition") {
  auto* sc = keyed_test::contexts()[1];
  auto parted = sc->parallelize(keyed_test::randomPairs(3, 400, 40), 4).partitionBy(rill::HashPartitioner(8));
  std::atomic<int> calls{0};
  auto counted = parted.mapValues([&calls](long v) {
    ++calls;
    return v;
  });
  const auto found = counted.lookup(5);
  int inPartition = 0;
  for (auto& kv : parted.collect()) inPartition += rill::HashPartitioner(8).getPartition(kv.first) == 5 % 8;
  CHECK(calls == inPartition);
  CHECK(sorted(found) == sorted(parted.lookup(5)));
}

TEST_CASE("lookup with a string_view for std::string keys") {
  auto* sc = keyed_test::contexts()[1];
  auto rdd = sc->parallelize(std::vector<std::pair<std::string, int>>{{"a", 1}, {"b", 2}, {"a", 3}}, 2);
  CHECK(sorted(rdd.lookup(std::string_view("a"))) == std::vector<int>{1, 3});
  CHECK(rdd.reduceByKey([](int a, int b) { return a + b; }).lookup(std::string_view("a")) == std::vector<int>{4});
  CHECK(rdd.lookup(std::string("zz")).empty());
}

TEST_CASE("collectAsMap: the last value of a repeated key wins") {
  auto* sc = keyed_test::contexts()[2];
  auto rdd = sc->parallelize(std::vector<KV>{{1, 1}, {2, 2}, {1, 3}}, 3);
  auto map = rdd.collectAsMap();
  static_assert(std::is_same_v<decltype(map), std::unordered_map<int, long>>);
  CHECK(map.size() == 2);
  CHECK(map.at(1) == 3);
  CHECK(map.at(2) == 2);
  CHECK(sc->emptyRDD<KV>().collectAsMap().empty());
}
