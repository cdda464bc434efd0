// DStream operations on key/value streams, batch by batch: each applies the
// RDD operation of the same name to every batch (Spark's PairDStreamFunctions).
// Keyed results come out in hash order, so each batch is compared sorted.
#include "stream_test_support.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace rill_stream_test;
using KV = std::pair<std::string, int>;
using Opt = std::optional<int>;

namespace {

template <class T>
std::vector<std::vector<T>> sortedBatches(std::vector<std::vector<T>> batches) {
  for (auto& b : batches) std::sort(b.begin(), b.end());
  return batches;
}

/// Runs op(left[, right]) over the batches and returns each result batch, sorted.
template <class Op>
auto run(const std::vector<std::vector<KV>>& left, Op op, const std::vector<std::vector<KV>>& right = {}) {
  ManualContext m;
  auto a = m.ssc.queueStream(queueOf(m.sc, left));
  auto b = m.ssc.queueStream(queueOf(m.sc, right));
  auto out = collectBatches(op(a, b));
  m.ssc.start();
  for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i) m.clock->advance(1s);
  m.ssc.stop(false);
  return sortedBatches(out->values());
}

const std::vector<std::vector<KV>> kInput{{{"a", 1}, {"b", 2}, {"a", 3}}, {}, {{"c", 5}, {"c", 5}, {"a", 1}}};

}  // namespace

TEST_CASE("reduceByKey, and countByValue, per batch") {
  CHECK(run(kInput, [](auto s, auto) { return s.reduceByKey([](int x, int y) { return x + y; }); }) ==
        std::vector<std::vector<KV>>{{{"a", 4}, {"b", 2}}, {}, {{"a", 1}, {"c", 10}}});
  CHECK(run(kInput, [](auto s, auto) { return s.reduceByKey([](int x, int y) { return x * y; }, 3); }) ==
        std::vector<std::vector<KV>>{{{"a", 3}, {"b", 2}}, {}, {{"a", 1}, {"c", 25}}});
  using Count = std::pair<std::string, std::int64_t>;
  CHECK(run(kInput, [](auto s, auto) { return s.map([](const KV& kv) { return kv.first; }).countByValue(); }) ==
        std::vector<std::vector<Count>>{{{"a", 2}, {"b", 1}}, {}, {{"a", 1}, {"c", 2}}});
}

TEST_CASE("the word count: flatMap, map to pairs, reduceByKey") {
  ManualContext m;
  auto q = queueOf(m.sc, std::vector<std::vector<std::string>>{{"to be or", "not to be"}, {"be"}});
  auto counts = m.ssc.queueStream(q)
                    .flatMap([](const std::string& line) {
                      std::vector<std::string> w;
                      std::size_t start = 0;
                      for (std::size_t sp; (sp = line.find(' ', start)) != std::string::npos; start = sp + 1)
                        w.push_back(line.substr(start, sp - start));
                      w.push_back(line.substr(start));
                      return w;
                    })
                    .map([](const auto& word) { return std::pair(word, 1); })
                    .reduceByKey([](int a, int b) { return a + b; });
  auto out = collectBatches(counts);
  m.ssc.start();
  m.clock->advance(2s);
  m.ssc.stop(false);
  CHECK(sortedBatches(out->values()) ==
        std::vector<std::vector<KV>>{{{"be", 2}, {"not", 1}, {"or", 1}, {"to", 2}}, {{"be", 1}}});
}

TEST_CASE("groupByKey and combineByKey") {
  auto groups = run(kInput, [](auto s, auto) {
    return s.groupByKey().mapValues([](std::vector<int> v) {
      std::sort(v.begin(), v.end());
      return v;
    });
  });
  using G = std::pair<std::string, std::vector<int>>;
  CHECK(groups == std::vector<std::vector<G>>{{{"a", {1, 3}}, {"b", {2}}}, {}, {{"a", {1}}, {"c", {5, 5}}}});
  // (sum, count) per key
  auto averages = run(kInput, [](auto s, auto) {
    return s.combineByKey([](int v) { return std::pair<int, int>(v, 1); },
                          [](std::pair<int, int> c, int v) { return std::pair<int, int>(c.first + v, c.second + 1); },
                          [](std::pair<int, int> x, std::pair<int, int> y) {
                            return std::pair<int, int>(x.first + y.first, x.second + y.second);
                          });
  });
  using C = std::pair<std::string, std::pair<int, int>>;
  CHECK(averages == std::vector<std::vector<C>>{{{"a", {4, 2}}, {"b", {2, 1}}}, {}, {{"a", {1, 1}}, {"c", {10, 2}}}});
}

TEST_CASE("mapValues and flatMapValues") {
  CHECK(run(kInput, [](auto s, auto) { return s.mapValues([](int v) { return v * 100; }); }) ==
        std::vector<std::vector<KV>>{{{"a", 100}, {"a", 300}, {"b", 200}}, {}, {{"a", 100}, {"c", 500}, {"c", 500}}});
  CHECK(run(std::vector<std::vector<KV>>{{{"x", 2}, {"y", 0}}},
            [](auto s, auto) { return s.flatMapValues([](int v) { return std::vector<int>(v, v); }); }) ==
        std::vector<std::vector<KV>>{{{"x", 2}, {"x", 2}}});
}

TEST_CASE("join, leftOuterJoin, rightOuterJoin, fullOuterJoin and cogroup of two streams") {
  const std::vector<std::vector<KV>> left{{{"a", 1}, {"b", 2}}, {{"c", 3}}};
  const std::vector<std::vector<KV>> right{{{"a", 10}, {"a", 11}, {"z", 9}}, {}};
  using J = std::pair<std::string, std::pair<int, int>>;
  CHECK(run(left, [](auto a, auto b) { return a.join(b); }, right) ==
        std::vector<std::vector<J>>{{{"a", {1, 10}}, {"a", {1, 11}}}, {}});
  using L = std::pair<std::string, std::pair<int, Opt>>;
  CHECK(run(left, [](auto a, auto b) { return a.leftOuterJoin(b); }, right) ==
        std::vector<std::vector<L>>{{{"a", {1, 10}}, {"a", {1, 11}}, {"b", {2, std::nullopt}}}, {{"c", {3, std::nullopt}}}});
  using R = std::pair<std::string, std::pair<Opt, int>>;
  CHECK(run(left, [](auto a, auto b) { return a.rightOuterJoin(b); }, right) ==
        std::vector<std::vector<R>>{{{"a", {1, 10}}, {"a", {1, 11}}, {"z", {std::nullopt, 9}}}, {}});
  using F = std::pair<std::string, std::pair<Opt, Opt>>;
  CHECK(run(left, [](auto a, auto b) { return a.fullOuterJoin(b); }, right) ==
        std::vector<std::vector<F>>{{{"a", {1, 10}}, {"a", {1, 11}}, {"b", {2, std::nullopt}}, {"z", {std::nullopt, 9}}},
                                    {{"c", {3, std::nullopt}}}});
  using Cg = std::pair<std::string, std::pair<std::vector<int>, std::vector<int>>>;
  auto groups = run(left, [](auto a, auto b) {
    return a.cogroup(b).mapValues([](auto vw) {
      std::sort(vw.second.begin(), vw.second.end());
      return vw;
    });
  }, right);
  CHECK(groups == std::vector<std::vector<Cg>>{{{"a", {{1}, {10, 11}}}, {"b", {{2}, {}}}, {"z", {{}, {9}}}},
                                               {{"c", {{3}, {}}}}});
}
