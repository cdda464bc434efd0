// updateStateByKey, batch by batch, with the inputs and expected outputs of
// Spark's BasicOperationsSuite (1 s batches, 2 partitions per input batch);
// then what happens when the update function throws.
#include "stream_test_support.hpp"
#include "window_state_support.hpp"

#include <rill/stream/streaming_context.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace ws_test;
using SI = std::pair<std::string, int>;
using SL = std::pair<std::string, std::int64_t>;

namespace {

const Batches<std::string> kInput = {{"a"}, {"a", "b"}, {"a", "b", "c"}, {"a", "b"}, {"a"}, {}};

auto ones() {
  return [](const std::string& w) { return std::pair<std::string, int>(w, 1); };
}

std::optional<int> runningSum(const std::vector<int>& values, std::optional<int> state) {
  return std::accumulate(values.begin(), values.end(), state.value_or(0));
}

}  // namespace

TEST_CASE("updateStateByKey: every key with data or state, every batch; the output is the whole state") {
  auto out = runOperation(kInput, [](auto s) { return s.map(ones()).updateStateByKey(runningSum); }, 6);
  checkSorted(out.batches, Batches<SI>{{{"a", 1}},
                                     {{"a", 2}, {"b", 1}},
                                     {{"a", 3}, {"b", 2}, {"c", 1}},
                                     {{"a", 4}, {"b", 3}, {"c", 1}},
                                     {{"a", 5}, {"b", 3}, {"c", 1}},
                                     {{"a", 5}, {"b", 3}, {"c", 1}}});
}

TEST_CASE("updateStateByKey: an initial state RDD, with a partitioner") {
  auto out = runOperation(
      kInput,
      [](auto s) {
        auto& sc = s.sparkContext();
        auto initial = sc.parallelize(std::vector<SI>{{"a", 1}, {"c", 2}});
        return s.map(ones()).updateStateByKey(runningSum, rill::HashPartitioner<>(2), initial);
      },
      6);
  checkSorted(out.batches, Batches<SI>{{{"a", 2}, {"c", 2}},
                                     {{"a", 3}, {"b", 1}, {"c", 2}},
                                     {{"a", 4}, {"b", 2}, {"c", 3}},
                                     {{"a", 5}, {"b", 3}, {"c", 3}},
                                     {{"a", 6}, {"b", 3}, {"c", 3}},
                                     {{"a", 6}, {"b", 3}, {"c", 3}}});
}

TEST_CASE("updateStateByKey: the form with batch time and key (Spark's time stamps test)") {
  auto out = runOperation(
      kInput,
      [](auto s) {
        auto initial = s.sparkContext().parallelize(std::vector<SL>{{"a", 0}, {"c", 0}});
        auto update = [](rill::Time time, const std::string&, const std::vector<int>& values,
                         std::optional<std::int64_t> state) -> std::optional<std::int64_t> {
          // Add the batch time when the key has values in the batch.
          return values.empty() ? state.value_or(0) : time.milliseconds() + state.value_or(0);
        };
        return s.map(ones()).updateStateByKey(update, 2, initial);
      },
      6);
  // a: 1000, 3000, 6000, 10000, 15000, 15000; b: -, 2000, 5000, 9000, ...; c: 0 until 3000.
  checkSorted(out.batches, Batches<SL>{{{"a", 1000}, {"c", 0}},
                                     {{"a", 3000}, {"b", 2000}, {"c", 0}},
                                     {{"a", 6000}, {"b", 5000}, {"c", 3000}},
                                     {{"a", 10000}, {"b", 9000}, {"c", 3000}},
                                     {{"a", 15000}, {"b", 9000}, {"c", 3000}},
                                     {{"a", 15000}, {"b", 9000}, {"c", 3000}}});
}

namespace {
struct StateObject {
  int counter = 0;
  int expireCounter = 0;
};
}  // namespace

TEST_CASE("updateStateByKey: returning nullopt removes a key; batches without an RDD still update (object lifecycle)") {
  using Input = std::optional<std::vector<std::string>>;
  std::vector<Input> input = {std::vector<std::string>{"a", "b"}, std::nullopt,
                              std::vector<std::string>{"a", "c", "a"}, std::vector<std::string>{"c"},
                              std::nullopt, std::nullopt};
  auto out = runScripted(
      input,
      [](auto s) {
        // A state is dropped when it is seen twice in a row without new values.
        auto update = [](const std::vector<int>& values, std::optional<StateObject> state) -> std::optional<StateObject> {
          StateObject obj = state.value_or(StateObject{});
          const int sum = std::accumulate(values.begin(), values.end(), 0);
          if (sum == 0) {
            ++obj.expireCounter;
          } else {
            obj.counter += sum;
            obj.expireCounter = 0;
          }
          if (obj.expireCounter == 2) return std::nullopt;
          return obj;
        };
        return s.map(ones()).updateStateByKey(update).mapValues([](const StateObject& o) { return o.counter; });
      },
      6);
  checkSorted(out.batches, Batches<SI>{{{"a", 1}, {"b", 1}},
                                     {{"a", 1}, {"b", 1}},
                                     {{"a", 3}, {"c", 1}},
                                     {{"a", 3}, {"c", 2}},
                                     {{"c", 2}},
                                     {}});
}

TEST_CASE("updateStateByKey: no RDD and no state gives no output; the initial state alone gives none either") {
  using Input = std::optional<std::vector<std::string>>;
  auto out = runScripted(
      std::vector<Input>{std::nullopt, std::vector<std::string>{"x"}, std::nullopt},
      [](auto s) {
        auto initial = s.sparkContext().parallelize(std::vector<SI>{{"i", 10}});
        return s.map(ones()).updateStateByKey(runningSum, 0, initial);
      },
      3);
  CHECK(out.times == times({2000, 3000}));
  checkSorted(out.batches, Batches<SI>{{{"i", 10}, {"x", 1}}, {{"i", 10}, {"x", 1}}});
}

TEST_CASE("updateStateByKey: a generic lambda names its state type; the state has the partitions asked for") {
  auto out = runOperation(
      kInput,
      [](auto s) {
        return s.map(ones())
            .template updateStateByKey<std::string>(
                [](const auto& values, auto state) -> std::optional<std::string> {
                  return state.value_or("") + std::string(values.size(), '+');
                },
                3)
            .transform([](const auto& rdd) { return rdd.glom(); });
      },
      2);
  REQUIRE(out.batches.size() == 2);
  CHECK(out.batches[1].size() == 3);  // 3 partitions
  std::vector<std::pair<std::string, std::string>> all;
  for (auto& part : out.batches[1]) all.insert(all.end(), part.begin(), part.end());
  CHECK(rill::toString(sorted(all)) == "[(a,++), (b,+)]");
}

namespace {

/// The layouts of a state stream's RDDs, batch by batch.
template <class Op>
std::vector<Layout> stateLayouts(Op op) {
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto layouts = std::make_shared<std::vector<Layout>>();
  op(scriptedStream<std::string>(ssc, present(kInput)).map(ones()))
      .foreachRDD([layouts](const auto& rdd) { layouts->push_back(layoutOf(rdd)); });
  ssc.start();
  clock->advance(std::chrono::seconds(kInput.size()));
  ssc.stop(false);
  return std::move(*layouts);
}

void checkLayouts(const std::vector<Layout>& layouts, std::size_t n) {
  REQUIRE(layouts.size() == kInput.size());
  // The state grows to a, b and c and keeps them (kInput), every batch in n partitions.
  const std::size_t rows[] = {1, 2, 3, 3, 3, 3};
  for (std::size_t i = 0; i < layouts.size(); ++i) {
    CAPTURE(i);
    CHECK(layouts[i].partitions == n);
    CHECK(layouts[i].glommed == n);
    CHECK(layouts[i].rows == rows[i]);
    CHECK(layouts[i].misplaced == 0);
  }
}

}  // namespace

TEST_CASE("updateStateByKey: numPartitions or a partitioner decides the state's partitions and where keys live") {
  for (std::size_t n : {1u, 3u, 5u}) {
    CAPTURE(n);
    checkLayouts(stateLayouts([n](auto s) { return s.updateStateByKey(runningSum, n); }), n);
    checkLayouts(stateLayouts([n](auto s) { return s.updateStateByKey(runningSum, rill::HashPartitioner<>(n)); }), n);
    checkLayouts(stateLayouts([n](auto s) {
                   auto initial = s.sparkContext().parallelize(std::vector<SI>{{"a", 1}}, 4);
                   return s.updateStateByKey(runningSum, rill::HashPartitioner<>(n), initial);
                 }),
                 n);
  }
  // 0: the context's default parallelism (local[2]).
  checkLayouts(stateLayouts([](auto s) { return s.updateStateByKey(runningSum); }), 2);
}

namespace {

/// Key k goes to partition k mod n: keys 0 and 1 are in different partitions of 2.
struct IdentityHash {
  std::size_t operator()(int k) const { return static_cast<std::size_t>(k); }
};

/// The threads that ran the update function, per batch; and a rendezvous: a
/// call waits until the other partition's call of the same batch has started.
struct UpdateThreads {
  std::mutex mutex;
  std::condition_variable arrived;
  std::map<std::int64_t, int> calls;  // guarded by mutex
  std::map<std::int64_t, std::set<std::thread::id>> threads;  // guarded by mutex
  int timeouts = 0;  // guarded by mutex

  void meet(std::int64_t t) {
    std::unique_lock lock(mutex);
    threads[t].insert(std::this_thread::get_id());
    ++calls[t];
    arrived.notify_all();
    // Only the other partition's task can release this one: if the two ran one
    // after the other, the first would wait here forever. The timeout fails the
    // test instead of hanging it; it is never reached when the updates run in parallel.
    if (!arrived.wait_for(lock, std::chrono::seconds(60), [&] { return calls[t] >= 2; })) ++timeouts;
  }
};

}  // namespace

TEST_CASE("updateStateByKey: the state partitions are updated in parallel, by tasks on different threads") {
  // 2 workers, the state in 2 partitions, one key in each (0 and 1), both keys in
  // every batch: each partition's task calls the update function once per batch.
  // Each call waits for the other partition's call of that batch to start, so
  // every batch passes only if its two partition updates ran at the same time.
  auto record = std::make_shared<UpdateThreads>();
  auto out = runOperation(
      Batches<int>{{0, 1}, {1, 0, 1}, {1, 0}},
      [record](auto s) {
        return s.map([](int k) { return std::pair<int, int>(k, 1); })
            .updateStateByKey(
                [record](rill::Time t, const int&, const std::vector<int>& values,
                         std::optional<int> state) -> std::optional<int> {
                  record->meet(t.milliseconds());
                  return state.value_or(0) + static_cast<int>(values.size());
                },
                rill::HashPartitioner<IdentityHash>(2));
      },
      3, 2, 2);
  checkSorted(out.batches, Batches<std::pair<int, int>>{{{0, 1}, {1, 1}}, {{0, 2}, {1, 3}}, {{0, 3}, {1, 4}}});
  std::lock_guard lock(record->mutex);
  CHECK(record->timeouts == 0);
  REQUIRE(record->threads.size() == 3);
  for (const auto& entry : record->threads) {  // not a structured binding: clang 14 cannot capture those
    const std::int64_t t = entry.first;
    CAPTURE(t);
    CHECK(record->calls.at(t) == 2);
    CHECK(entry.second.size() == 2);  // two partitions, two threads at once
  }
}

namespace {

/// (key, batch number) rows: batch i holds ("a", i) and its other keys.
using KB = std::pair<std::string, int>;
const Batches<KB> kNumbered = {{{"a", 1}}, {{"a", 2}, {"b", 2}}, {{"a", 3}, {"c", 3}}, {{"a", 4}}};

/// Every value a key was given, in the order given; a fixed list per batch, so
/// each result says which batch's values reached which update.
std::optional<std::vector<int>> appendAll(const std::vector<int>& values, std::optional<std::vector<int>> state) {
  std::vector<int> all = std::move(state).value_or(std::vector<int>{});
  all.insert(all.end(), values.begin(), values.end());
  return all;
}

}  // namespace

TEST_CASE("updateStateByKey: a batch whose update throws fails alone; the next batch applies its values first") {
  // The failure belongs to the batch at 2 s (its time is what the function
  // rejects): had the next batch computed it again at 2 s, it would fail too.
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto events = rill_stream_test::record(ssc);
  auto out = collect(asDStream(scriptedStream<KB>(ssc, present(kNumbered)).updateStateByKey(
      [](rill::Time t, const std::string& key, const std::vector<int>& values, std::optional<std::vector<int>> state) {
        if (t.milliseconds() == 2000) throw std::runtime_error("no update at 2 s (" + key + ")");
        return appendAll(values, std::move(state));
      })));
  ssc.start();
  clock->advance(4s);
  ssc.stop(false);
  const auto reasons = events->failureReasons();
  REQUIRE(reasons.size() == 4);
  CHECK(reasons[0].empty());
  CHECK(reasons[1].find("no update at 2 s") != std::string::npos);
  CHECK(reasons[2].empty());
  CHECK(reasons[3].empty());
  CHECK(out->times == times({1000, 3000, 4000}));
  using KV = std::pair<std::string, std::vector<int>>;
  checkSorted(out->batches, Batches<KV>{{{"a", {1}}},
                                        {{"a", {1, 2, 3}}, {"b", {2}}, {"c", {3}}},
                                        {{"a", {1, 2, 3, 4}}, {"b", {2}}, {"c", {3}}}});
}

TEST_CASE("updateStateByKey: more failed batches than rill.streaming.state.maxPendingBatches stop the stream") {
  rill::SparkContext sc(conf().set("rill.streaming.state.maxPendingBatches", "3"));
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto events = rill_stream_test::record(ssc);
  auto down = std::make_shared<std::atomic<bool>>(true);
  auto out = collect(asDStream(scriptedStream<KB>(ssc, present(kNumbered)).updateStateByKey(
      [down](const std::vector<int>& values, std::optional<std::vector<int>> state) {
        if (*down) throw std::runtime_error("the dependency is down");
        return appendAll(values, std::move(state));
      })));
  ssc.start();
  clock->advance(3s);  // 3 batches wait: as many as allowed
  CHECK_THROWS_WITH(ssc.awaitTerminationOrTimeout(rill_stream_test::kSafety),
                    doctest::Contains("the dependency is down"));
  clock->advance(1s);  // a 4th would be one too many: the stream stops
  *down = false;
  clock->advance(1s);  // and stays stopped, though the function would work again
  ssc.stop(false);
  const std::string stopped =
      "rill: updateStateByKey: the state could not be updated for 4 batches in a row (up to 4000 ms), more than "
      "rill.streaming.state.maxPendingBatches (3) lets wait: the stream stops, and every later batch fails with this "
      "error";
  // awaitTermination keeps the first failure; the stop shows in the later batches' reasons.
  CHECK_THROWS_WITH(ssc.awaitTermination(), doctest::Contains("the dependency is down"));
  const auto reasons = events->failureReasons();
  REQUIRE(reasons.size() == 5);
  for (std::size_t i = 0; i < 3; ++i) CHECK(reasons[i].find("the dependency is down") != std::string::npos);
  CHECK(reasons[3].find(stopped) != std::string::npos);
  CHECK(reasons[4].find(stopped) != std::string::npos);
  CHECK(out->batches.empty());
}

TEST_CASE("updateStateByKey: rill.streaming.state.maxPendingBatches must be a positive number, checked at definition") {
  for (const char* bad : {"0", "-2"}) {
    CAPTURE(bad);
    rill::SparkContext sc(conf().set("rill.streaming.state.maxPendingBatches", bad));
    rill::StreamingContext ssc(sc, 1s, std::make_shared<rill::ManualClock>());
    auto pairs = scriptedStream<KB>(ssc, present(kNumbered));
    auto count = [](const std::vector<int>& values, std::optional<std::size_t> state) {
      return std::optional<std::size_t>(state.value_or(0) + values.size());
    };
    CHECK_THROWS_WITH_AS(pairs.updateStateByKey(count),
                         ("rill: setting 'rill.streaming.state.maxPendingBatches' must be positive, got " +
                          std::string(bad)).c_str(),
                         std::invalid_argument);
  }
}
