// Joins, cogroup, subtractByKey, intersection, subtract and cartesian against
// sequential references, with keys missing on either side and empty sides.
#include <doctest/doctest.h>

#include "test_keyed_support.hpp"

#include <rill/rdd/spark_context.hpp>

#include <optional>
#include <set>
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
  auto a = sc->parallelize(keyed_test::randomPairs(3, 100, 10), 3).partitionBy(rill::HashPartitioner(4));
  auto b = sc->parallelize(keyed_test::randomPairs(4, 100, 10), 2);
  auto j = a.join(b);  // the default picks a's HashPartitioner(4)
  CHECK(j.getNumPartitions() == 4);
  REQUIRE(static_cast<bool>(j.partitioner()));
  CHECK(j.partitioner()->target<rill::HashPartitioner<>>()->numPartitions() == 4);
  CHECK(j.count() == a.join(b, 7).count());
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
