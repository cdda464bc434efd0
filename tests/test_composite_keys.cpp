// Composite keys as users write them — std::pair, std::tuple, std::optional,
// std::array, std::vector of hashable elements, nested — work in every keyed
// operation without a hash of the user's: rill::Hash combines the elements'
// hashes (core/hash.hpp). Checked: the hash itself (what it accepts, that it
// mixes), every RDD keyed operation per key kind against a hand computation,
// and the Yahoo streaming benchmark's count per (campaign, 10 s window) over an
// RDD, per batch over a DStream, in state and in windows.
#include "distributed_test_support.hpp"
#include "function_input.hpp"
#include "window_state_support.hpp"

#include <rill/core/hash.hpp>
#include <rill/rdd.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

/// A user type with == and no hash: not a key, alone or inside a composite.
struct Point {
  int x, y;
  bool operator==(const Point&) const = default;
};
/// A user type with its own std::hash: a key, and an element of composite keys.
struct UserId {
  int id;
  bool operator==(const UserId&) const = default;
  auto operator<=>(const UserId&) const = default;
};

}  // namespace

template <>
struct std::hash<UserId> {
  std::size_t operator()(const UserId& u) const { return std::hash<int>()(u.id); }
};

namespace {

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}
template <class Map>
auto entries(const Map& m) {
  std::vector<std::pair<typename Map::key_type, typename Map::mapped_type>> out(m.begin(), m.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// --- the hash ---------------------------------------------------------------------------

static_assert(rill::HashableKey<std::pair<std::string, std::int64_t>>);
static_assert(rill::HashableKey<std::tuple<int, std::string, double>>);
static_assert(rill::HashableKey<std::optional<std::string>>);
static_assert(rill::HashableKey<std::array<long, 4>>);
static_assert(rill::HashableKey<std::vector<std::string>>);
static_assert(rill::HashableKey<std::vector<std::pair<std::optional<int>, std::array<std::string, 2>>>>);
static_assert(rill::HashableKey<std::tuple<>>);
static_assert(rill::HashableKey<std::pair<UserId, std::string>>);  // a user's std::hash is used inside
static_assert(!rill::HashableKey<Point>);
static_assert(!rill::HashableKey<std::pair<Point, int>>);
static_assert(!rill::HashableKey<std::tuple<int, std::vector<Point>>>);
static_assert(!rill::HashableKey<std::optional<Point>>);
static_assert(!rill::HashableKey<std::vector<std::array<Point, 2>>>);
// The maps actions return stay plain std::unordered_map where std::hash exists.
static_assert(std::is_same_v<rill::MapHash<int>, std::hash<int>>);
static_assert(std::is_same_v<rill::MapHash<std::string>, std::hash<std::string>>);
static_assert(std::is_same_v<rill::MapHash<std::pair<int, int>>, rill::Hash<std::pair<int, int>>>);

TEST_CASE("rill::Hash: std::hash for what std hashes, one byte hash for strings and views, composites combined") {
  CHECK(rill::Hash<int>{}(42) == std::hash<int>{}(42));
  CHECK(rill::Hash<UserId>{}(UserId{7}) == std::hash<UserId>{}(UserId{7}));
  CHECK(rill::Hash<std::string>{}("campaign-3") == rill::Hash<std::string_view>{}("campaign-3"));
  CHECK(rill::Hash<>{}(std::string("campaign-3")) == rill::Hash<>{}(std::string_view("campaign-3")));
  // A composite of views hashes as one of strings: a table of owned keys is probed with views.
  using Owned = std::pair<std::string, long>;
  using View = std::pair<std::string_view, long>;
  CHECK(rill::Hash<Owned>{}(Owned("ad", 10000)) == rill::Hash<View>{}(View("ad", 10000)));
  CHECK(rill::Hash<>{}(Owned("ad", 10000)) == rill::Hash<>{}(View("ad", 10000)));
  // Order, arity and presence count.
  CHECK(rill::Hash<std::pair<int, int>>{}({1, 2}) != rill::Hash<std::pair<int, int>>{}({2, 1}));
  CHECK(rill::Hash<std::vector<int>>{}({}) != rill::Hash<std::vector<int>>{}({0}));
  CHECK(rill::Hash<std::vector<int>>{}({0}) != rill::Hash<std::vector<int>>{}({0, 0}));
  CHECK(rill::Hash<std::optional<int>>{}(std::nullopt) != rill::Hash<std::optional<int>>{}(0));
  CHECK(rill::Hash<std::vector<std::string>>{}({"ab", "c"}) != rill::Hash<std::vector<std::string>>{}({"a", "bc"}));
  // Fixed values: the hash is part of the partitioning (and so of checkpoints); a
  // change to it must be deliberate, with the checkpoint format version.
  CHECK(rill::Hash<std::pair<int, int>>{}({1, 2}) == 0x30b3fc98529bf99eull);
  CHECK(rill::Hash<std::optional<int>>{}(std::nullopt) == 0);
}

TEST_CASE("rill::Hash mixes: small integer pairs and (campaign, window) keys spread evenly over partitions") {
  const rill::HashPartitioner<> part(16);
  std::vector<int> perPartition(16);
  std::unordered_set<std::size_t> hashes;
  for (int a = 0; a < 100; ++a)
    for (int b = 0; b < 100; ++b) {
      ++perPartition[part.getPartition(std::pair(a, b))];
      hashes.insert(rill::Hash<std::pair<int, int>>{}({a, b}));
    }
  CHECK(hashes.size() == 10000);  // no two of these keys collide in 64 bits
  for (int n : perPartition) CHECK((n > 625 * 85 / 100 && n < 625 * 115 / 100));

  // Windows are multiples of 10 000 ms: identity-hashed, their low bits are alike.
  std::vector<int> perWindowPartition(8);
  for (int c = 0; c < 100; ++c)
    for (std::int64_t w = 0; w < 100; ++w)
      ++perWindowPartition[rill::HashPartitioner<>(8).getPartition(std::tuple(c, w * 10000))];
  for (int n : perWindowPartition) CHECK((n > 1250 * 85 / 100 && n < 1250 * 115 / 100));
}

// --- every keyed RDD operation, per key kind ---------------------------------------------

namespace {

/// The keyed operations over (keys[i % m], i), each against the same computed by hand.
template <class K>
void checkKeyedOperations(rill::SparkContext& sc, const std::vector<K>& keys) {
  const std::size_t m = keys.size();
  std::vector<std::pair<K, int>> data;
  std::map<K, int> sums;
  std::map<K, std::vector<int>> groups;
  std::map<K, std::int64_t> counts;
  for (int i = 0; i < 60; ++i) {
    const K& k = keys[static_cast<std::size_t>(i) % m];
    data.emplace_back(k, i);
    sums[k] += i;
    groups[k].push_back(i);
    ++counts[k];
  }
  const auto rdd = sc.parallelize(data, 4);
  const auto plus = std::plus<int>();

  CHECK(sorted(rdd.reduceByKey(plus).collect()) == entries(sums));
  CHECK(sorted(rdd.reduceByKey(plus, 3).collect()) == entries(sums));
  CHECK(sorted(rdd.foldByKey(0, plus).collect()) == entries(sums));
  CHECK(sorted(rdd.aggregateByKey(0, plus, plus).collect()) == entries(sums));
  CHECK(sorted(rdd.groupByKey(5).mapValues([](std::vector<int> v) { return sorted(std::move(v)); }).collect()) ==
        entries(groups));
  CHECK(entries(rdd.countByKey()) == entries(counts));
  CHECK(entries(rdd.reduceByKey(plus).collectAsMap()) == entries(sums));
  CHECK(entries(rdd.keys().countByValue()) == entries(counts));

  std::vector<K> unique;
  for (const auto& [k, c] : counts) unique.push_back(k);
  CHECK(sorted(rdd.keys().distinct().collect()) == unique);
  CHECK(sorted(rdd.keys().distinct(7).collect()) == unique);

  // Two-RDD operations against a table of the first half of the keys.
  std::vector<std::pair<K, std::string>> names;
  std::set<K> named;
  for (std::size_t j = 0; j < m / 2; ++j) {
    names.emplace_back(keys[j], "n" + std::to_string(j));
    named.insert(keys[j]);
  }
  const auto table = sc.parallelize(names, 2);
  std::vector<std::pair<K, std::pair<int, std::string>>> joined;
  std::vector<std::pair<K, int>> unnamed;
  for (const auto& [k, v] : data) {
    for (const auto& [nk, name] : names)
      if (nk == k) joined.emplace_back(k, std::pair(v, name));
    if (!named.count(k)) unnamed.emplace_back(k, v);
  }
  CHECK(sorted(rdd.join(table).collect()) == sorted(joined));
  CHECK(sorted(rdd.subtractByKey(table, 3).collect()) == sorted(unnamed));
  CHECK(rdd.leftOuterJoin(table).count() == data.size());
  CHECK(rdd.cogroup(table).count() == unique.size());
  CHECK(sorted(rdd.keys().intersection(table.keys()).collect()) == std::vector<K>(named.begin(), named.end()));

  // The keyed operations place keys where rill::Hash says, and lookup reads that partition.
  const auto placed = rdd.partitionBy(rill::HashPartitioner<>(5));
  const auto parts = placed.glom().collect();
  REQUIRE(parts.size() == 5);
  for (std::size_t p = 0; p < parts.size(); ++p)
    for (const auto& [k, v] : parts[p]) CHECK(rill::Hash<K>{}(k) % 5 == p);
  CHECK(sorted(placed.lookup(keys[0])) == groups[keys[0]]);
  const auto reducedParts = rdd.reduceByKey(plus, 4).glom().collect();
  for (std::size_t p = 0; p < reducedParts.size(); ++p)
    for (const auto& [k, v] : reducedParts[p]) CHECK(rill::Hash<K>{}(k) % 4 == p);
}

/// checkKeyedOperations on contexts of 1 and 3 workers.
template <class K>
void checkKeyedOperations(const std::vector<K>& keys) {
  for (std::size_t workers : {1u, 3u}) {
    CAPTURE(workers);
    rill::SparkContext sc(ws_test::conf(workers));
    checkKeyedOperations(sc, keys);
  }
}

}  // namespace

TEST_CASE("every keyed RDD operation takes std::pair keys: (campaign, window)") {
  checkKeyedOperations<std::pair<std::string, std::int64_t>>(
      {{"c1", 0}, {"c1", 10000}, {"c2", 0}, {"c3", 20000}, {"c2", 10000}, {"", 0}, {"c1", -10000}});
}

TEST_CASE("every keyed RDD operation takes std::tuple keys, with a user type hashed by its std::hash") {
  checkKeyedOperations<std::tuple<int, std::string, UserId>>(
      {{1, "a", {1}}, {1, "a", {2}}, {1, "b", {1}}, {2, "a", {1}}, {0, "", {0}}});
}

TEST_CASE("every keyed RDD operation takes std::optional keys, no value being a key of its own") {
  checkKeyedOperations<std::optional<std::string>>({std::nullopt, "x", "", "y"});
}

TEST_CASE("every keyed RDD operation takes std::array keys") {
  checkKeyedOperations<std::array<int, 3>>({{{0, 0, 0}}, {{0, 0, 1}}, {{1, 0, 0}}, {{-1, 2, 3}}, {{3, 2, 1}}});
}

TEST_CASE("every keyed RDD operation takes std::vector keys, empty and of different lengths") {
  checkKeyedOperations<std::vector<std::string>>({{}, {""}, {"a"}, {"a", "b"}, {"ab"}, {"b", "a"}});
}

TEST_CASE("every keyed RDD operation takes nested composite keys") {
  using N = std::pair<std::vector<int>, std::optional<std::tuple<std::string, long>>>;
  const auto t = [](const char* s, long n) { return std::tuple<std::string, long>(s, n); };
  checkKeyedOperations<N>({N{{}, std::nullopt}, N{{1}, t("a", 1)}, N{{1}, std::nullopt}, N{{1, 2}, t("b", 2)},
                           N{{}, t("a", 1)}});
}

// --- the Yahoo streaming benchmark: views per (campaign, 10 s window) ---------------------

namespace {

/// An ad event: (ad id, event type, event time in ms), as the benchmark's JSON holds them.
using Event = std::tuple<std::string, std::string, std::int64_t>;
using CampaignWindow = std::pair<std::string, std::int64_t>;

const std::int64_t kWindowMs = 10000;

/// The ads' campaigns (the benchmark's Redis table): ad-i belongs to campaign-(i % 7).
std::unordered_map<std::string, std::string> campaignsOfAds() {
  std::unordered_map<std::string, std::string> campaigns;
  for (int i = 0; i < 30; ++i) campaigns["ad-" + std::to_string(i)] = "campaign-" + std::to_string(i % 7);
  return campaigns;
}

/// Batch b's events (1 s batches): 40 a batch, times inside the batch's second.
std::vector<Event> eventsOfBatch(int b) {
  static const char* const kTypes[] = {"view", "click", "purchase", "view"};
  std::vector<Event> out;
  for (int i = 0; i < 40; ++i) {
    const int n = b * 40 + i;
    out.emplace_back("ad-" + std::to_string(n * 13 % 30), kTypes[n % 4], std::int64_t{b} * 1000 + i * 25);
  }
  return out;
}

/// The benchmark's pipeline from an event: keep views, (campaign, window start) -> 1.
struct ToCampaignWindow {
  std::unordered_map<std::string, std::string> campaigns = campaignsOfAds();
  std::pair<CampaignWindow, std::int64_t> operator()(const Event& e) const {
    const std::int64_t t = std::get<2>(e);
    return {{campaigns.at(std::get<0>(e)), t - t % kWindowMs}, 1};
  }
};
bool isView(const Event& e) { return std::get<1>(e) == "view"; }

/// The count by hand: a loop over the events into a std::map.
std::map<CampaignWindow, std::int64_t> countByHand(const std::vector<Event>& events) {
  std::map<CampaignWindow, std::int64_t> counts;
  const ToCampaignWindow key;
  for (const auto& e : events)
    if (isView(e)) ++counts[key(e).first];
  return counts;
}

std::vector<Event> eventsOfBatches(int from, int to) {  // batches [from, to)
  std::vector<Event> all;
  for (int b = from; b < to; ++b)
    for (auto& e : eventsOfBatch(b)) all.push_back(std::move(e));
  return all;
}

const int kBatches = 24;

ws_test::Batches<Event> eventBatches() {
  ws_test::Batches<Event> batches;
  for (int b = 0; b < kBatches; ++b) batches.push_back(eventsOfBatch(b));
  return batches;
}

}  // namespace

TEST_CASE("Yahoo benchmark over an RDD: reduceByKey of (campaign, 10 s window) with no user hash, exact counts") {
  const auto events = eventsOfBatches(0, 25);
  const auto expected = countByHand(events);
  REQUIRE(expected.size() == 21);  // 7 campaigns x 3 windows
  for (std::size_t workers : {1u, 2u, 8u}) {
    CAPTURE(workers);
    rill::SparkContext sc(ws_test::conf(workers));
    const auto pairs = sc.parallelize(events, 6).filter(isView).map(ToCampaignWindow());
    const auto plus = std::plus<std::int64_t>();
    CHECK(sorted(pairs.reduceByKey(plus).collect()) == entries(expected));
    CHECK(sorted(pairs.reduceByKey(plus, 5).collect()) == entries(expected));
    CHECK(entries(pairs.reduceByKey(plus).collectAsMap()) == entries(expected));
    CHECK(entries(pairs.countByKey()) == entries(expected));
    // The same as a 2-tuple key and as the element of countByValue.
    const auto tuples = pairs.map([](const auto& kv) { return std::pair(std::tuple(kv.first.first, kv.first.second), kv.second); });
    CHECK(tuples.reduceByKey(plus).count() == expected.size());
    CHECK(entries(pairs.keys().countByValue()) == entries(expected));
  }
}

TEST_CASE("Yahoo benchmark on ranks of a cluster: the same counts on every rank as in one process") {
  distributed_test::sameAsOneProcess([](rill::SparkContext& sc) {
    const auto pairs = sc.parallelize(eventsOfBatches(0, 25), 7).filter(isView).map(ToCampaignWindow());
    return std::tuple(pairs.reduceByKey(std::plus<std::int64_t>(), 4).glom().collect(),
                      distributed_test::sortedEntries(pairs.countByKey()),
                      sorted(pairs.keys().distinct().collect()));
  });
  distributed_test::sameAsOneProcess([](rill::SparkContext& sc) {
    return sorted(sc.parallelize(eventsOfBatches(0, 25), 7).filter(isView).map(ToCampaignWindow()).reduceByKey(std::plus<std::int64_t>()).collect());
  });
}

TEST_CASE("Yahoo benchmark over a DStream: per-batch reduceByKey and the running count in updateStateByKey") {
  const auto input = eventBatches();
  const auto perBatch = ws_test::runOperation(
      input, [](auto s) { return s.filter(isView).map(ToCampaignWindow()).reduceByKey(std::plus<std::int64_t>()); },
      kBatches);
  REQUIRE(perBatch.batches.size() == static_cast<std::size_t>(kBatches));
  for (int b = 0; b < kBatches; ++b) {
    CAPTURE(b);
    CHECK(sorted(perBatch.batches[static_cast<std::size_t>(b)]) == entries(countByHand(input[static_cast<std::size_t>(b)])));
  }

  auto running = [](const std::vector<std::int64_t>& values, std::optional<std::int64_t> state) {
    return std::optional<std::int64_t>(std::accumulate(values.begin(), values.end(), state.value_or(0)));
  };
  const auto state = ws_test::runOperation(
      input, [&](auto s) { return s.filter(isView).map(ToCampaignWindow()).updateStateByKey(running, 3); }, kBatches);
  REQUIRE(state.batches.size() == static_cast<std::size_t>(kBatches));
  for (int b = 0; b < kBatches; ++b) {
    CAPTURE(b);
    CHECK(sorted(state.batches[static_cast<std::size_t>(b)]) == entries(countByHand(eventsOfBatches(0, b + 1))));
  }
}

TEST_CASE("Yahoo benchmark over a DStream: windowed counts, naive and incremental, and countByValueAndWindow") {
  const auto input = eventBatches();
  const auto plus = std::plus<std::int64_t>();
  const auto minus = std::minus<std::int64_t>();
  const auto keyed = [](auto s) { return s.filter(isView).map(ToCampaignWindow()); };
  const auto naive = ws_test::runOperation(
      input, [&](auto s) { return keyed(s).reduceByKeyAndWindow(plus, rill::Seconds(3), rill::Seconds(1)); },
      kBatches);
  const auto incremental = ws_test::runOperation(
      input,
      [&](auto s) {
        return keyed(s).reduceByKeyAndWindow(plus, minus, rill::Seconds(3), rill::Seconds(1), 2,
                                             [](const auto& kv) { return kv.second != 0; });
      },
      kBatches);
  const auto byValue = ws_test::runOperation(
      input,
      [&](auto s) { return keyed(s).map([](const auto& kv) { return kv.first; }).countByValueAndWindow(rill::Seconds(3), rill::Seconds(1)); }, kBatches);
  REQUIRE(naive.batches.size() == static_cast<std::size_t>(kBatches));
  REQUIRE(incremental.batches.size() == static_cast<std::size_t>(kBatches));
  REQUIRE(byValue.batches.size() == static_cast<std::size_t>(kBatches));
  for (int b = 0; b < kBatches; ++b) {
    CAPTURE(b);
    const auto expected = entries(countByHand(eventsOfBatches(std::max(0, b - 2), b + 1)));
    const auto i = static_cast<std::size_t>(b);
    CHECK(sorted(naive.batches[i]) == expected);
    CHECK(sorted(incremental.batches[i]) == expected);
    CHECK(sorted(byValue.batches[i]) == expected);
  }
}

namespace {

/// The benchmark as a checkpointed streaming program: running counts per
/// (campaign, window) in updateStateByKey and an incremental 3 s window, each
/// batch's results as one line. Returns the lines of a run (getOrCreate on dir)
/// until the clock reads untilMs, and the batch it restored from.
std::pair<std::map<std::int64_t, std::string>, std::optional<rill::Time>> runCheckpointed(const std::string& dir,
                                                                                           std::int64_t untilMs) {
  rill::SparkContext sc(ws_test::conf());
  auto clock = std::make_shared<rill::ManualClock>();
  auto lines = std::make_shared<std::map<std::int64_t, std::string>>();
  auto mutex = std::make_shared<std::mutex>();
  auto ssc = rill::StreamingContext::getOrCreate(dir, [&] {
    auto made = std::make_unique<rill::StreamingContext>(sc, std::chrono::seconds(1), clock);
    made->checkpoint(dir);
    auto events = ws_test::functionStream<Event>(
        *made, [](rill::Time t) { return std::optional(eventsOfBatch(static_cast<int>(ws_test::batchIndex(t)))); });
    auto keyed = events.filter(isView).map(ToCampaignWindow());
    auto totals = keyed.updateStateByKey([](const std::vector<std::int64_t>& values, std::optional<std::int64_t> state) {
      return std::optional<std::int64_t>(std::accumulate(values.begin(), values.end(), state.value_or(0)));
    });
    auto recent = keyed.reduceByKeyAndWindow(std::plus<std::int64_t>(), std::minus<std::int64_t>(), rill::Seconds(3),
                                             rill::Seconds(1), 0, [](const auto& kv) { return kv.second != 0; });
    auto record = [lines, mutex](const char* name) {
      return [lines, mutex, name](const auto& rdd, rill::Time t) {
        const std::string text = std::string(name) + "=" + rill::toString(sorted(rdd.collect())) + " ";
        std::lock_guard lock(*mutex);
        (*lines)[t.milliseconds()] += text;
      };
    };
    totals.foreachRDD(record("totals"));
    recent.foreachRDD(record("recent"));
    return made;
  });
  ssc->start();
  clock->setTime(untilMs);
  ssc->stop(false);
  std::lock_guard lock(*mutex);
  return {*lines, ssc->restoredBatchTime()};
}

}  // namespace

TEST_CASE("Yahoo benchmark: state and windows keyed by (campaign, window) restart from a checkpoint exactly") {
  const auto [reference, notRestored] = runCheckpointed(ws_test::freshDir("composite-reference"), 16000);
  CHECK_FALSE(notRestored.has_value());
  REQUIRE(reference.size() == 16);
  CHECK(reference.at(16000).find("totals=[((campaign-0,0),") != std::string::npos);

  const std::string dir = ws_test::freshDir("composite-restart");
  const auto [before, none] = runCheckpointed(dir, 8000);
  CHECK_FALSE(none.has_value());
  const auto [after, restored] = runCheckpointed(dir, 16000);
  REQUIRE(restored.has_value());
  CHECK(restored->milliseconds() == 8000);
  for (std::int64_t t = 1000; t <= 16000; t += 1000) {
    CAPTURE(t);
    CHECK((t <= 8000 ? before : after).at(t) == reference.at(t));
  }
}
