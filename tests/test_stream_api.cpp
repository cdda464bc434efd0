// Spark's remaining DStream API: keyed per-batch operations with a partitioner,
// transformWith with the batch time, ssc.transform over several streams, and
// slice(from, to). Every batch runs on a ManualClock.
#include "stream_test_support.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace rill_stream_test;
using KV = std::pair<std::string, int>;
using Ints = std::vector<std::vector<int>>;
using Keys = std::vector<std::vector<std::string>>;

namespace {

/// Places a key by its length: "a" in 1, "bb" in 2, "ccc" in 0 (of 3).
struct ByLength {
  std::size_t n = 3;
  std::size_t numPartitions() const { return n; }
  std::size_t getPartition(const std::string& key) const { return key.size() % n; }
};

const std::vector<KV> kLeft{{"a", 1}, {"bb", 2}, {"a", 3}, {"ccc", 4}};
const std::vector<KV> kRight{{"a", 10}, {"ccc", 30}, {"dd", 40}};

/// What a keyed operation's one batch RDD looks like.
struct Placed {
  std::size_t numPartitions = 0;
  bool byLength = false;                  // its partitioner is the ByLength given
  std::optional<std::size_t> hashed;      // its partitioner is a HashPartitioner of this many partitions
  Keys keys;                              // the keys in each partition, sorted
  std::string contents;                   // all records, sorted, printed
};

template <class Op>
Placed place(Op op) {
  ManualContext m;
  auto a = m.ssc.queueStream(queueOf(m.sc, std::vector<std::vector<KV>>{kLeft}));
  auto b = m.ssc.queueStream(queueOf(m.sc, std::vector<std::vector<KV>>{kRight}));
  auto seen = std::make_shared<std::vector<Placed>>();
  op(a, b).foreachRDD([seen](const auto& rdd) {
    Placed p;
    p.numPartitions = rdd.numPartitions();
    const auto& info = rdd.partitioner();
    p.byLength = info && info->template target<ByLength>() != nullptr;
    if (const auto* h = info ? info->template target<rill::HashPartitioner<>>() : nullptr)
      p.hashed = h->numPartitions();
    for (const auto& part : rdd.glom().collect()) {
      std::vector<std::string> keys;
      for (const auto& kv : part) keys.push_back(kv.first);
      std::sort(keys.begin(), keys.end());
      p.keys.push_back(keys);
    }
    auto all = rdd.collect();
    std::sort(all.begin(), all.end());
    p.contents = rill::toString(all);
    seen->push_back(p);
  });
  m.ssc.start();
  m.clock->advance(1s);
  m.ssc.stop(false);
  REQUIRE(seen->size() == 1);
  return seen->front();
}

const auto kAdd = [](int x, int y) { return x + y; };

}  // namespace

TEST_CASE("keyed per-batch operations take a partitioner: the batch RDD keeps it and places keys by it") {
  const ByLength byLength;
  const auto check = [](const Placed& p, const Keys& keys, const std::string& contents) {
    CHECK(p.numPartitions == 3);
    CHECK(p.byLength);
    CHECK(p.keys == keys);
    CHECK(p.contents == contents);
  };
  check(place([&](auto a, auto) { return a.reduceByKey(kAdd, byLength); }), Keys{{"ccc"}, {"a"}, {"bb"}},
        "[(a,4), (bb,2), (ccc,4)]");
  check(place([&](auto a, auto) { return a.groupByKey(byLength); }), Keys{{"ccc"}, {"a"}, {"bb"}},
        "[(a,[1, 3]), (bb,[2]), (ccc,[4])]");
  // a's 1 and 3 arrive in different input partitions: combined apart, then merged.
  check(place([&](auto a, auto) {
          return a.combineByKey([](int v) { return v * 10; }, kAdd, kAdd, byLength);
        }),
        Keys{{"ccc"}, {"a"}, {"bb"}}, "[(a,40), (bb,20), (ccc,40)]");
  check(place([&](auto a, auto b) { return a.join(b, byLength); }), Keys{{"ccc"}, {"a", "a"}, {}},
        "[(a,(1,10)), (a,(3,10)), (ccc,(4,30))]");
  check(place([&](auto a, auto b) { return a.leftOuterJoin(b, byLength); }), Keys{{"ccc"}, {"a", "a"}, {"bb"}},
        "[(a,(1,Some(10))), (a,(3,Some(10))), (bb,(2,None)), (ccc,(4,Some(30)))]");
  check(place([&](auto a, auto b) { return a.rightOuterJoin(b, byLength); }), Keys{{"ccc"}, {"a", "a"}, {"dd"}},
        "[(a,(Some(1),10)), (a,(Some(3),10)), (ccc,(Some(4),30)), (dd,(None,40))]");
  check(place([&](auto a, auto b) { return a.fullOuterJoin(b, byLength); }),
        Keys{{"ccc"}, {"a", "a"}, {"bb", "dd"}},
        "[(a,(Some(1),Some(10))), (a,(Some(3),Some(10))), (bb,(Some(2),None)), (ccc,(Some(4),Some(30))), "
        "(dd,(None,Some(40)))]");
  check(place([&](auto a, auto b) { return a.cogroup(b, byLength); }), Keys{{"ccc"}, {"a"}, {"bb", "dd"}},
        "[(a,([1, 3],[10])), (bb,([2],[])), (ccc,([4],[30])), (dd,([],[40]))]");
}

TEST_CASE("keyed per-batch operations: a number gives a HashPartitioner of that many, 0 the default parallelism") {
  const auto four = place([](auto a, auto) { return a.reduceByKey(kAdd, 4); });
  CHECK(four.numPartitions == 4);
  CHECK(four.hashed == std::optional<std::size_t>(4));
  CHECK(four.contents == "[(a,4), (bb,2), (ccc,4)]");
  const auto byDefault = place([](auto a, auto b) { return a.cogroup(b); });
  CHECK(byDefault.numPartitions == 2);  // local[2]
  CHECK(byDefault.hashed == std::optional<std::size_t>(2));
  const auto explicitHash = place([](auto a, auto b) { return a.join(b, rill::HashPartitioner<>(5)); });
  CHECK(explicitHash.numPartitions == 5);
  CHECK(explicitHash.hashed == std::optional<std::size_t>(5));
  CHECK(explicitHash.contents == "[(a,(1,10)), (a,(3,10)), (ccc,(4,30))]");
  ManualContext m;
  auto a = m.ssc.queueStream(queueOf(m.sc, std::vector<std::vector<KV>>{}));
  CHECK_THROWS_WITH_AS(a.groupByKey(-1), "rill: groupByKey: the number of partitions must not be negative, got -1",
                       std::invalid_argument);
}

namespace {

/// Runs make(ssc, a, b, c) over the batches of three int streams and returns its output batches.
template <class Make>
auto runThree(const Ints& a, const Ints& b, const Ints& c, Make make) {
  ManualContext m;
  auto sa = m.ssc.queueStream(queueOf(m.sc, a));
  auto sb = m.ssc.queueStream(queueOf(m.sc, b));
  auto sc = m.ssc.queueStream(queueOf(m.sc, c));
  auto out = collectBatches(make(m.ssc, sa, sb, sc));
  m.ssc.start();
  for (std::size_t i = 0; i < a.size(); ++i) m.clock->advance(1s);
  m.ssc.stop(false);
  return out->values();
}

}  // namespace

TEST_CASE("transformWith(other, f(rdd, otherRdd, time)) gets the batch time") {
  CHECK(runThree(Ints{{1, 2}, {3}}, Ints{{5}, {6}}, Ints{{}, {}}, [](auto&, auto a, auto b, auto) {
          return a.transformWith(b, [](const auto& x, const auto& y, rill::Time t) {
            const auto ms = static_cast<int>(t.milliseconds());
            return x.union_(y).map([ms](int v) { return ms + v; });
          });
        }) == Ints{{1001, 1002, 1005}, {2003, 2006}});
}

TEST_CASE("ssc.transform(vector of DStreams, f(rdds, time)): every stream's batch, in order") {
  CHECK(runThree(Ints{{1}, {2}}, Ints{{10, 11}, {}}, Ints{{100}, {200}}, [](auto& ssc, auto a, auto b, auto c) {
          return ssc.transform(std::vector<rill::DStream<int>>{a, b.map([](int x) { return -x; }), c},
                               [](const std::vector<rill::RDD<int>>& rdds, rill::Time t) {
                                 rill::RDD<int> all = rdds[0];
                                 for (std::size_t i = 1; i < rdds.size(); ++i) all = all.union_(rdds[i]);
                                 const auto ms = static_cast<int>(t.milliseconds());
                                 return all.map([ms](int x) { return x + ms * 1000; });
                               });
        }) == Ints{{1000001, 999990, 999989, 1000100}, {2000002, 2000200}});
  // f may leave out the time.
  CHECK(runThree(Ints{{1}, {2}}, Ints{{10}, {20}}, Ints{{}, {}}, [](auto& ssc, auto a, auto b, auto) {
          return ssc.transform(std::vector{a, b}, [](const auto& rdds) { return rdds.at(1); });
        }) == Ints{{10}, {20}});
}

TEST_CASE("ssc.transform(std::tuple(a, b, c), f(aRdd, bRdd, cRdd, time)): streams of different types") {
  ManualContext m;
  auto ints = m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2}, {3}}));
  auto words = m.ssc.queueStream(queueOf(m.sc, std::vector<std::vector<std::string>>{{"x"}, {"y", "z"}}));
  auto pairs = m.ssc.queueStream(queueOf(m.sc, std::vector<std::vector<KV>>{{{"k", 7}}, {}}));
  auto doubled = words.map([](const std::string& w) { return w + w; });
  auto joined = m.ssc.transform(std::tuple(ints, doubled, pairs),
                                [](const auto& i, const auto& w, const auto& p, rill::Time t) {
                                  const std::string at = "@" + std::to_string(t.milliseconds());
                                  auto show = [](const KV& kv) { return kv.first + "=" + std::to_string(kv.second); };
                                  auto stamped = i.map([at](int x) { return std::to_string(x) + at; });
                                  return stamped.union_(w).union_(p.map(show));
                                });
  auto out = collectBatches(joined);
  m.ssc.start();
  m.clock->advance(2s);
  m.ssc.stop(false);
  CHECK(out->values() ==
        std::vector<std::vector<std::string>>{{"1@1000", "2@1000", "xx", "k=7"}, {"3@2000", "yy", "zz"}});
}

TEST_CASE("ssc.transform refuses no streams, other slides and other contexts, at the call") {
  ManualContext m;
  ManualContext other;
  auto a = m.ssc.queueStream(queueOf(m.sc, Ints{}));
  auto w = a.window(2s, 2s);
  auto elsewhere = other.ssc.queueStream(queueOf(other.sc, Ints{}));
  auto first = [](const auto& rdds) { return rdds.front(); };
  CHECK_THROWS_WITH_AS(m.ssc.transform(std::vector<rill::DStream<int>>{}, first),
                       "rill: transform needs at least one DStream", std::invalid_argument);
  CHECK_THROWS_WITH_AS(m.ssc.transform(std::vector{a, w}, first),
                       "rill: transform of DStreams with different slide durations (1000 ms and 2000 ms)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(m.ssc.transform(std::vector{elsewhere}, first),
                       "rill: transform of DStreams from different StreamingContexts", std::invalid_argument);
  CHECK_THROWS_WITH_AS(m.ssc.transform(std::tuple(a, w), [](const auto& x, const auto&) { return x; }),
                       "rill: transform of DStreams with different slide durations (1000 ms and 2000 ms)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(m.ssc.transform(std::tuple(elsewhere), [](const auto& x) { return x; }),
                       "rill: transform of DStreams from different StreamingContexts", std::invalid_argument);
}

TEST_CASE("slice(from, to): the batches at valid times in [from, to], computing those not generated yet") {
  ManualContext m;
  m.ssc.remember(10s);
  auto computed = std::make_shared<std::vector<std::int64_t>>();  // the batch times `counted` computed, in order
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}, {3}, {4}}));
  auto counted = input.transform([computed](const auto& rdd, rill::Time t) {
    computed->push_back(t.milliseconds());
    return rdd;
  });
  auto slices = std::make_shared<std::vector<Ints>>();
  // A window sliding by 2 s computes `counted` only at 2000 and 4000.
  counted.window(1s, 2s).foreachRDD([counted, slices](const auto&, rill::Time t) {
    if (t.milliseconds() != 4000) return;
    for (auto [from, to] : {std::pair(1000, 4000), std::pair(1500, 3500), std::pair(-3000, 1000),
                            std::pair(0, 999), std::pair(3000, 2000), std::pair(4000, 4000)}) {
      Ints batches;
      for (const auto& rdd : counted.slice(rill::Time(from), rill::Time(to))) batches.push_back(rdd.collect());
      slices->push_back(batches);
    }
  });
  CHECK_THROWS_WITH_AS(counted.slice(rill::Time(0), rill::Time(1000)),
                       "rill: slice() on a DStream that has not been initialized", rill::SparkException);
  m.ssc.start();
  for (int i = 0; i < 4; ++i) m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(*computed == std::vector<std::int64_t>{2000, 4000, 1000, 3000});
  CHECK(*slices == std::vector<Ints>{
                       Ints{{1}, {2}, {3}, {4}},  // both ends included
                       Ints{{1}, {2}, {3}},       // unaligned ends are floored onto the grid, as Spark's
                       Ints{{1}},                 // nothing before the first batch
                       Ints{},                    // the zero time has no batch
                       Ints{},                    // from after to
                       Ints{{4}},                 // one batch
                   });
}

TEST_CASE("ssc.transform fails the batch where a stream has no RDD, naming the time") {
  ManualContext m;
  auto a = m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}, {3}}));
  // `a`, without an RDD at 2000 (as a Spark test input whose batch is null).
  auto gappy = rill::DStream<int>(std::make_shared<rill::FunctionNode<int>>(
      a.graph(), a.slideDuration(), std::vector<std::shared_ptr<rill::DStreamBase>>{a.baseNode()},
      [a](rill::Time t) { return t.milliseconds() == 2000 ? std::nullopt : a.rddAt(t); }));
  auto both = [](const auto& x, const auto& y) { return x.union_(y); };
  auto out = collectBatches(m.ssc.transform(std::tuple(a, gappy), both));
  m.ssc.start();
  m.clock->advance(2s);
  CHECK_THROWS_WITH_AS(m.ssc.awaitTerminationOrTimeout(0ms),
                       "rill: could not generate RDD from a parent for transform at time 2000 ms",
                       rill::SparkException);
  m.clock->advance(1s);  // the context runs on after a failed batch
  m.ssc.stop(false);
  CHECK(out->values() == Ints{{1, 1}, {3, 3}});
}
