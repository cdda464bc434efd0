// Joins, cogroup, subtractByKey, intersection, subtract and cartesian against
// sequential references, with keys missing on either side and empty sides.
#include <doctest/doctest.h>

#include "test_keyed_support.hpp"

#include <rill/rdd.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using keyed_test::KV;
using keyed_test::sorted;

namespace {

using Opt = std::optional<long>;
template <class A, class B>
using Joined = std::vector<std::pair<int, std::pair<A, B>>>;

/// The four joins by nested loops: the reference. keepLeft/keepRight: outer sides.
template <class A, class B>
Joined<A, B> referenceJoin(const std::vector<KV>& left, const std::vector<KV>& right, bool keepLeft, bool keepRight) {
  Joined<A, B> out;
  for (auto& [k, v] : left) {
    bool matched = false;
    for (auto& [k2, w] : right)
      if (k == k2) {
        out.push_back({k, {A(v), B(w)}});
        matched = true;
      }
    if (!matched && keepLeft) out.push_back({k, {A(v), B()}});
  }
  if (keepRight)
    for (auto& [k2, w] : right) {
      bool matched = false;
      for (auto& [k, v] : left) matched = matched || k == k2;
      if (!matched) out.push_back({k2, {A(), B(w)}});
    }
  return sorted(out);
}

}  // namespace

TEST_CASE("the four joins match nested loops, keys missing on either side") {
  for (unsigned seed : {1u, 2u})
    for (double skew : {0.0, 0.9}) {
      // Keys 0..19 on the left, 10..39 on the right (shifted): both sides have keys the other lacks.
      auto left = keyed_test::randomPairs(seed, 120, 20, skew);
      auto right = keyed_test::randomPairs(seed + 100, 90, 30, skew);
      for (auto& kv : right) kv.first += 10;
      right.push_back({0, 777});  // the hot key exists on both sides
      const auto inner = referenceJoin<long, long>(left, right, false, false);
      const auto leftOuter = referenceJoin<long, Opt>(left, right, true, false);
      const auto rightOuter = referenceJoin<Opt, long>(left, right, false, true);
      const auto fullOuter = referenceJoin<Opt, Opt>(left, right, true, true);
      for (auto* sc : keyed_test::contexts())
        for (std::size_t parts = 1; parts <= 16; parts += 5) {
          CAPTURE(parts);
          auto a = sc->parallelize(left, parts);
          auto b = sc->parallelize(right, parts % 3 + 1);
          CHECK(sorted(a.join(b).collect()) == inner);
          CHECK(sorted(a.join(b, 4).collect()) == inner);
          CHECK(sorted(a.leftOuterJoin(b).collect()) == leftOuter);
          CHECK(sorted(a.rightOuterJoin(b, 3).collect()) == rightOuter);
          CHECK(sorted(a.fullOuterJoin(b, rill::HashPartitioner(5)).collect()) == fullOuter);
        }
    }
}

TEST_CASE("join result shapes and an empty side") {
  auto* sc = keyed_test::contexts()[1];
  auto names = sc->parallelize(std::vector<std::pair<int, std::string>>{{1, "ann"}, {2, "bob"}}, 2);
  auto ages = sc->parallelize(std::vector<std::tuple<int, int>>{{1, 30}, {3, 40}}, 2);
  auto j = names.join(ages);
  static_assert(std::is_same_v<decltype(j)::value_type, std::pair<int, std::pair<std::string, int>>>);
  CHECK(j.collect() == std::vector<std::pair<int, std::pair<std::string, int>>>{{1, {"ann", 30}}});
  auto full = names.fullOuterJoin(ages);
  static_assert(std::is_same_v<decltype(full)::value_type,
                               std::pair<int, std::pair<std::optional<std::string>, std::optional<int>>>>);
  CHECK(sorted(full.collect()).size() == 3);
  CHECK(rill::toString(sorted(full.collect())) ==
        "[(1,(Some(ann),Some(30))), (2,(Some(bob),None)), (3,(None,Some(40)))]");

  auto none = sc->emptyRDD<std::pair<int, int>>();
  CHECK(names.join(none).collect().empty());
  CHECK(names.leftOuterJoin(none).count() == 2);
  CHECK(names.rightOuterJoin(none).collect().empty());
  CHECK(none.rightOuterJoin(names).count() == 2);
  CHECK(none.fullOuterJoin(none).collect().empty());
}

TEST_CASE("a join with a side already partitioned keeps the partitioner") {
  auto* sc = keyed_test::contexts()[1];
  const auto left = keyed_test::randomPairs(3, 100, 10), right = keyed_test::randomPairs(4, 100, 10);
  auto a = sc->parallelize(left, 3).partitionBy(rill::HashPartitioner(4));
  auto b = sc->parallelize(right, 2);
  auto j = a.join(b);  // the default picks a's HashPartitioner(4)
  CHECK(j.getNumPartitions() == 4);
  REQUIRE(static_cast<bool>(j.partitioner()));
  CHECK(j.partitioner()->target<rill::HashPartitioner<>>()->numPartitions() == 4);
  const auto inner = referenceJoin<long, long>(left, right, false, false);
  REQUIRE_FALSE(inner.empty());
  CHECK(sorted(j.collect()) == inner);
  CHECK(sorted(a.join(b, 7).collect()) == inner);
}

TEST_CASE("cogroup with one and with two others") {
  for (auto* sc : keyed_test::contexts()) {
    auto a = sc->parallelize(std::vector<KV>{{1, 1}, {2, 2}, {1, 3}}, 2);
    auto b = sc->parallelize(std::vector<std::pair<int, std::string>>{{1, "x"}, {3, "y"}}, 3);
    auto c = sc->parallelize(std::vector<std::pair<int, char>>{{3, 'z'}, {4, 'w'}}, 1);
    auto two = a.cogroup(b).collect();
    for (auto& g : two) std::sort(g.second.first.begin(), g.second.first.end());
    using G2 = std::pair<int, std::pair<std::vector<long>, std::vector<std::string>>>;
    CHECK(sorted(two) == std::vector<G2>{{1, {{1, 3}, {"x"}}}, {2, {{2}, {}}}, {3, {{}, {"y"}}}});
    auto three = a.cogroup(b, c, 2);
    CHECK(three.getNumPartitions() == 2);
    using G3 = std::pair<int, std::tuple<std::vector<long>, std::vector<std::string>, std::vector<char>>>;
    auto got = three.collect();
    for (auto& g : got) std::sort(std::get<0>(g.second).begin(), std::get<0>(g.second).end());
    CHECK(sorted(got) == std::vector<G3>{{1, {{1, 3}, {"x"}, {}}},
                                         {2, {{2}, {}, {}}},
                                         {3, {{}, {"y"}, {'z'}}},
                                         {4, {{}, {}, {'w'}}}});
    CHECK(a.cogroup(sc->emptyRDD<KV>()).count() == 2);
  }
}

TEST_CASE("subtractByKey, subtract, intersection") {
  const auto left = keyed_test::randomPairs(21, 200, 30, 0.5);
  const auto right = keyed_test::randomPairs(22, 50, 60);
  std::set<int> rightKeys;
  for (auto& kv : right) rightKeys.insert(kv.first);
  std::vector<KV> withoutKeys;
  for (auto& kv : left)
    if (!rightKeys.count(kv.first)) withoutKeys.push_back(kv);
  std::vector<int> xs, ys;
  for (auto& kv : left) xs.push_back(kv.first);
  for (auto& kv : right) ys.push_back(kv.first);
  std::vector<int> notInYs, common;
  for (int x : xs)
    if (!rightKeys.count(x)) notInYs.push_back(x);
  for (int x : std::set<int>(xs.begin(), xs.end()))
    if (rightKeys.count(x)) common.push_back(x);
  for (auto* sc : keyed_test::contexts())
    for (std::size_t parts : {1, 4, 16}) {
      auto a = sc->parallelize(left, parts);
      auto b = sc->parallelize(right, 3);
      CHECK(sorted(a.subtractByKey(b).collect()) == sorted(withoutKeys));
      CHECK(a.subtractByKey(sc->emptyRDD<KV>()).count() == static_cast<std::int64_t>(left.size()));
      auto ax = sc->parallelize(xs, parts);
      auto by = sc->parallelize(ys, 2);
      CHECK(sorted(ax.subtract(by).collect()) == sorted(notInYs));  // duplicates kept
      CHECK(ax.subtract(by).getNumPartitions() == parts);
      CHECK(sorted(ax.intersection(by).collect()) == common);       // distinct
      CHECK(ax.intersection(sc->emptyRDD<int>()).collect().empty());
    }
}

TEST_CASE("cartesian pairs every element, partition (i, j) = left i x right j") {
  auto* sc = keyed_test::contexts()[2];
  auto a = sc->parallelize(std::vector<int>{1, 2, 3}, 2);
  auto b = sc->parallelize(std::vector<std::string>{"x", "y"}, 2);
  auto product = a.cartesian(b);
  CHECK(product.getNumPartitions() == 4);
  CHECK(product.glom().collect() == std::vector<std::vector<std::pair<int, std::string>>>{
                                        {{1, "x"}}, {{1, "y"}}, {{2, "x"}, {3, "x"}}, {{2, "y"}, {3, "y"}}});
  CHECK(a.cartesian(sc->emptyRDD<int>()).collect().empty());
  auto big = sc->range(0, 100, 1, 3).cartesian(sc->range(0, 50, 1, 2));
  CHECK(big.count() == 5000);
  CHECK(big.take(3).size() == 3);
}

namespace {

using Named = std::pair<int, std::string>;
using G3 = std::tuple<std::vector<long>, std::vector<std::string>, std::vector<long>>;
using Cogrouped3 = std::vector<std::pair<int, G3>>;

/// Every side's values sorted, the groups sorted by key: cogroup output as a multiset.
Cogrouped3 normalized3(Cogrouped3 groups) {
  for (auto& g : groups) std::apply([](auto&... side) { (std::sort(side.begin(), side.end()), ...); }, g.second);
  return sorted(std::move(groups));
}

/// cogroup of three sides through a std::map: the reference.
Cogrouped3 referenceCogroup(const std::vector<KV>& a, const std::vector<Named>& b, const std::vector<KV>& c) {
  std::map<int, G3> groups;
  for (auto& [k, v] : a) std::get<0>(groups[k]).push_back(v);
  for (auto& [k, v] : b) std::get<1>(groups[k]).push_back(v);
  for (auto& [k, v] : c) std::get<2>(groups[k]).push_back(v);
  return normalized3(Cogrouped3(groups.begin(), groups.end()));
}

/// Places an int by its value mod n: a user partitioner without == or a hasher.
struct ModPartitioner {
  std::size_t n;
  std::size_t numPartitions() const { return n; }
  std::size_t getPartition(int x) const { return static_cast<std::size_t>(x) % n; }
};

/// Every element of partition p is one the partitioner places in p.
template <class P>
bool placedBy(const std::vector<std::vector<int>>& parts, const P& p) {
  for (std::size_t i = 0; i < parts.size(); ++i)
    for (int x : parts[i])
      if (p.getPartition(x) != i) return false;
  return true;
}

}  // namespace

TEST_CASE("cogroup of three RDDs: every key once, a missing side an empty vector") {
  // Keys 0..19 in a, 10..29 in b, 20..39 in c: keys on one, two or all three sides.
  auto a = keyed_test::randomPairs(31, 60, 20, 0.5);
  std::vector<Named> b;
  for (auto& [k, v] : keyed_test::randomPairs(32, 40, 20)) b.emplace_back(k + 10, "s" + std::to_string(v));
  auto c = keyed_test::randomPairs(33, 30, 20);
  for (auto& kv : c) kv.first += 20;
  const std::vector<KV> none;
  const std::vector<Named> noNames;
  for (auto* sc : keyed_test::contexts())
    for (std::size_t parts : {1, 3, 8}) {
      CAPTURE(parts);
      auto ra = sc->parallelize(a, parts);
      auto rb = sc->parallelize(b, parts % 3 + 1);
      auto rc = sc->parallelize(c, 2);
      auto grouped = ra.cogroup(rb, rc);
      static_assert(std::is_same_v<decltype(grouped)::value_type, std::pair<int, G3>>);
      CHECK(grouped.getNumPartitions() == std::max<std::size_t>(parts, 2));  // the most of any input
      CHECK(normalized3(grouped.collect()) == referenceCogroup(a, b, c));
      CHECK(normalized3(ra.cogroup(rb, rc, 4).collect()) == referenceCogroup(a, b, c));
      CHECK(ra.cogroup(rb, rc, 4).getNumPartitions() == 4);
      auto byPartitioner = ra.cogroup(rb, rc, rill::HashPartitioner(5));
      CHECK(byPartitioner.getNumPartitions() == 5);
      CHECK(byPartitioner.partitioner()->target<rill::HashPartitioner<>>()->numPartitions() == 5);
      CHECK(normalized3(byPartitioner.collect()) == referenceCogroup(a, b, c));
      // Empty sides: the keys of the others, with empty vectors where a side is empty.
      auto ea = sc->parallelize(none, parts);
      auto eb = sc->parallelize(noNames, 2);
      auto ec = sc->emptyRDD<KV>();
      CHECK(normalized3(ea.cogroup(rb, rc, 3).collect()) == referenceCogroup(none, b, c));
      CHECK(normalized3(ra.cogroup(eb, rc).collect()) == referenceCogroup(a, noNames, c));
      CHECK(normalized3(ra.cogroup(eb, ec, 2).collect()) == referenceCogroup(a, noNames, none));
      CHECK(ea.cogroup(eb, ec, rill::HashPartitioner(3)).collect().empty());
      CHECK(ea.cogroup(eb, ec, rill::HashPartitioner(3)).getNumPartitions() == 3);
    }
}

TEST_CASE("cogroup of three RDDs partitioned alike keeps their partitioner") {
  auto* sc = keyed_test::contexts()[2];
  const rill::HashPartitioner p(4);
  auto a = sc->parallelize(std::vector<KV>{{1, 10}, {2, 20}, {1, 11}}, 2).partitionBy(p);
  auto b = sc->parallelize(std::vector<Named>{{2, "x"}, {3, "y"}}, 3).partitionBy(p);
  auto c = sc->parallelize(std::vector<KV>{{3, 30}, {5, 50}}, 1);
  auto grouped = a.cogroup(b, c);  // the default picks a's HashPartitioner(4)
  CHECK(grouped.getNumPartitions() == 4);
  CHECK(grouped.partitioner()->target<rill::HashPartitioner<>>()->numPartitions() == 4);
  CHECK(normalized3(grouped.collect()) == Cogrouped3{{1, {{10, 11}, {}, {}}},
                                                     {2, {{20}, {"x"}, {}}},
                                                     {3, {{}, {"y"}, {30}}},
                                                     {5, {{}, {}, {50}}}});
  // Each key sits in the partition p gives it.
  auto placed = grouped.glom().collect();
  for (std::size_t i = 0; i < placed.size(); ++i)
    for (auto& g : placed[i]) CHECK(p.getPartition(g.first) == i);
}

TEST_CASE("subtractByKey with a number of partitions or a partitioner") {
  const auto left = keyed_test::randomPairs(41, 150, 30, 0.3);
  auto right = keyed_test::randomPairs(42, 40, 30);
  for (auto& kv : right) kv.first += 15;  // keys 15..44: left keys 0..14 survive
  std::set<int> rightKeys;
  for (auto& kv : right) rightKeys.insert(kv.first);
  std::vector<KV> kept;
  for (auto& kv : left)
    if (!rightKeys.count(kv.first)) kept.push_back(kv);
  for (auto* sc : keyed_test::contexts())
    for (std::size_t parts : {1, 4, 9}) {
      CAPTURE(parts);
      auto a = sc->parallelize(left, parts);
      auto b = sc->parallelize(right, 2);
      auto byCount = a.subtractByKey(b, 3);
      CHECK(byCount.getNumPartitions() == 3);
      CHECK(sorted(byCount.collect()) == sorted(kept));
      auto byHash = a.subtractByKey(b, rill::HashPartitioner(6));
      CHECK(byHash.partitioner()->target<rill::HashPartitioner<>>()->numPartitions() == 6);
      CHECK(sorted(byHash.collect()) == sorted(kept));
      auto byMod = a.subtractByKey(b, ModPartitioner{5});
      CHECK(byMod.getNumPartitions() == 5);
      CHECK(sorted(byMod.collect()) == sorted(kept));
      CHECK(placedBy(byMod.keys().glom().collect(), ModPartitioner{5}));
      CHECK(sc->emptyRDD<KV>().subtractByKey(b, 4).collect().empty());
      CHECK(sorted(a.subtractByKey(sc->emptyRDD<KV>(), ModPartitioner{2}).collect()) == sorted(left));
      CHECK(a.subtractByKey(a, rill::HashPartitioner(2)).collect().empty());
    }
}

TEST_CASE("intersection and subtract with a number of partitions or a partitioner") {
  std::vector<int> xs, ys;
  for (auto& kv : keyed_test::randomPairs(51, 200, 40, 0.4)) xs.push_back(kv.first);       // 0..39, 0 hot
  for (auto& kv : keyed_test::randomPairs(52, 60, 40)) ys.push_back(kv.first + 25);         // 25..64
  const std::set<int> inYs(ys.begin(), ys.end());
  std::vector<int> notInYs, common;
  for (int x : xs)
    if (!inYs.count(x)) notInYs.push_back(x);
  for (int x : std::set<int>(xs.begin(), xs.end()))
    if (inYs.count(x)) common.push_back(x);
  notInYs = sorted(notInYs);
  for (auto* sc : keyed_test::contexts())
    for (std::size_t parts : {1, 4})
      for (std::size_t n : {1, 3, 8}) {
        CAPTURE(parts);
        CAPTURE(n);
        auto ax = sc->parallelize(xs, parts);
        auto by = sc->parallelize(ys, 3);
        auto both = ax.intersection(by, n);
        CHECK(both.getNumPartitions() == n);
        CHECK(sorted(both.collect()) == common);
        CHECK(sorted(ax.intersection(by, rill::HashPartitioner(n)).collect()) == common);
        auto bothMod = ax.intersection(by, ModPartitioner{n});
        CHECK(sorted(bothMod.collect()) == common);
        CHECK(placedBy(bothMod.glom().collect(), ModPartitioner{n}));
        auto rest = ax.subtract(by, n);
        CHECK(rest.getNumPartitions() == n);
        CHECK(sorted(rest.collect()) == notInYs);  // duplicates kept
        CHECK(sorted(ax.subtract(by, rill::HashPartitioner(n)).collect()) == notInYs);
        auto restMod = ax.subtract(by, ModPartitioner{n});
        CHECK(sorted(restMod.collect()) == notInYs);
        CHECK(placedBy(restMod.glom().collect(), ModPartitioner{n}));
        CHECK_FALSE(static_cast<bool>(restMod.partitioner()));  // as Spark: the results are not keyed
        // Empty sides.
        auto empty = sc->emptyRDD<int>();
        CHECK(ax.intersection(empty, n).collect().empty());
        CHECK(empty.intersection(by, ModPartitioner{n}).getNumPartitions() == n);
        CHECK(sorted(ax.subtract(empty, rill::HashPartitioner(n)).collect()) == sorted(xs));
        CHECK(empty.subtract(by, n).collect().empty());
      }
  auto* sc = keyed_test::contexts()[1];
  CHECK_THROWS_AS(sc->parallelize(xs, 2).intersection(sc->parallelize(ys, 2), -1), std::invalid_argument);
}

namespace {
/// std::pair has no std::hash: the partitioner's hasher is the only one the tables can use.
struct PairHash {
  std::size_t operator()(const std::pair<int, int>& p) const { return std::hash<int>{}(p.first * 31 + p.second); }
};
}  // namespace

TEST_CASE("intersection and subtract hash with the partitioner's hasher") {
  using Cell = std::pair<int, int>;
  auto* sc = keyed_test::contexts()[1];
  auto a = sc->parallelize(std::vector<Cell>{{1, 1}, {1, 2}, {2, 2}, {1, 2}, {3, 3}}, 2);
  auto b = sc->parallelize(std::vector<Cell>{{1, 2}, {3, 3}, {4, 4}}, 3);
  const rill::HashPartitioner p(3, PairHash{});
  CHECK(sorted(a.intersection(b, p).collect()) == std::vector<Cell>{{1, 2}, {3, 3}});
  CHECK(sorted(a.subtract(b, p).collect()) == std::vector<Cell>{{1, 1}, {2, 2}});
}

namespace {

/// A string key that counts its copies. Moves are free and copy-assignment is
/// deleted, so every copy a keyed op makes passes the counter.
struct CopiedKey {
  static inline std::atomic<long> copies{0};
  std::string name;
  explicit CopiedKey(std::string s) : name(std::move(s)) {}
  CopiedKey(const CopiedKey& o) : name(o.name) { ++copies; }
  CopiedKey(CopiedKey&&) noexcept = default;
  CopiedKey& operator=(const CopiedKey&) = delete;
  CopiedKey& operator=(CopiedKey&&) noexcept = default;
  bool operator==(const CopiedKey& o) const { return name == o.name; }
};

}  // namespace

template <>
struct std::hash<CopiedKey> {
  std::size_t operator()(const CopiedKey& k) const { return std::hash<std::string>{}(k.name); }
};

namespace {

/// copies made by `op()` (a keyed op: they run their shuffle when called).
template <class Op>
long copiesOf(Op&& op) {
  CopiedKey::copies = 0;
  op();
  return CopiedKey::copies;
}

}  // namespace

TEST_CASE("join and cogroup copy a string key only for a second match or a row read from storage") {
  // Left: keys k0..k29, each 3 times. Right: k0..k14 twice each, then 10 keys only it has.
  constexpr long leftRows = 90, rightRows = 40, matchedLeftRows = 15 * 3;
  auto key = [](std::int64_t i) { return CopiedKey("key" + std::to_string(i)); };
  for (auto* sc : keyed_test::contexts())
    for (std::size_t parts : {1, 4, 7}) {
      CAPTURE(parts);
      auto left = sc->range(0, leftRows, 1, parts).map([&](std::int64_t i) { return std::pair(key(i % 30), i); });
      auto right = sc->range(0, rightRows, 1, 3).map([&](std::int64_t i) {
        return std::pair(key(i < 30 ? i % 15 : 100 + i), i);
      });
      // Computed rows arrive as rvalues and are moved through the shuffle. A left row with
      // m matches makes m output rows, each owning its key: the last takes the row's key,
      // the m - 1 before it copy it (here m = 2). Unmatched rows are moved out.
      CHECK(copiesOf([&] { return left.join(right, 5); }) == matchedLeftRows * (2 - 1));
      CHECK(copiesOf([&] { return left.leftOuterJoin(right); }) == matchedLeftRows);
      CHECK(copiesOf([&] { return left.fullOuterJoin(right, rill::HashPartitioner(2)); }) == matchedLeftRows);
      CHECK(copiesOf([&] { return left.cogroup(right, 3); }) == 0);  // keys move into the groups
      CHECK(copiesOf([&] { return left.cogroup(right, left, 3); }) == 0);
      CHECK(copiesOf([&] { return left.subtractByKey(right); }) == 0);
      // A stored RDD must stay intact, so its shuffle copies each row it reads, once.
      auto storedLeft = sc->parallelize(left.collect(), parts);
      auto storedRight = sc->parallelize(right.collect(), 2);
      const long stored = leftRows + rightRows;
      CHECK(copiesOf([&] { return storedLeft.join(storedRight); }) == stored + matchedLeftRows);
      CHECK(copiesOf([&] { return storedLeft.cogroup(storedRight, 4); }) == stored);
      CHECK(copiesOf([&] { return storedLeft.cogroup(storedRight, left, 4); }) == stored);
      // The results are right, too.
      CHECK(storedLeft.join(storedRight).count() == matchedLeftRows * 2);
      CHECK(left.cogroup(right, left, 3).count() == 30 + 10);
    }
}
