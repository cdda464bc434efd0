// mapWithState and State<S>, batch by batch, with the inputs, mapped outputs and
// state snapshots of Spark's MapWithStateSuite (1 s batches).
#include "stream_test_support.hpp"
#include "window_state_support.hpp"

#include <rill/stream/streaming_context.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace ws_test;
using SI = std::pair<std::string, int>;

namespace {

const Batches<std::string> kInput = {{}, {"a"}, {"a", "b"}, {"a", "b", "c"}, {"a", "b"}, {"a"}, {}};
const Batches<SI> kStates = {{},
                             {{"a", 1}},
                             {{"a", 2}, {"b", 1}},
                             {{"a", 3}, {"b", 2}, {"c", 1}},
                             {{"a", 4}, {"b", 3}, {"c", 1}},
                             {{"a", 5}, {"b", 3}, {"c", 1}},
                             {{"a", 5}, {"b", 3}, {"c", 1}}};

/// The mapped values and the state snapshots of every batch (Spark's
/// getOperationOutput); third: the layout of every batch's state snapshot.
template <class Spec>
auto mapWithState(const Batches<std::string>& input, Spec spec, std::size_t numBatches) {
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto stateful = scriptedStream<std::string>(ssc, present(input))
                      .map([](const std::string& w) { return SI(w, 1); })
                      .mapWithState(spec);
  auto outputs = collect(stateful);
  auto snapshots = collect(stateful.stateSnapshots());
  auto layouts = std::make_shared<std::vector<Layout>>();
  stateful.stateSnapshots().foreachRDD([layouts](const auto& rdd) { layouts->push_back(layoutOf(rdd)); });
  ssc.start();
  clock->advance(std::chrono::seconds(numBatches));
  ssc.stop(false);
  return std::tuple(std::move(*outputs), std::move(*snapshots), std::move(*layouts));
}

/// Every batch's state snapshot has n partitions, each key where HashPartitioner(n) puts it.
void checkLayouts(const std::vector<Layout>& layouts, std::size_t n, std::size_t numBatches) {
  REQUIRE(layouts.size() == numBatches);
  for (std::size_t i = 0; i < layouts.size(); ++i) {
    CAPTURE(i);
    CHECK(layouts[i].partitions == n);
    CHECK(layouts[i].glommed == n);
    CHECK(layouts[i].misplaced == 0);
  }
}

/// The running count of the simple API.
const auto runningCount = [](const std::string&, std::optional<int> value, rill::State<int>& state) {
  const int sum = value.value_or(0) + state.getOption().value_or(0);
  state.update(sum);
  return sum;
};

}  // namespace

TEST_CASE("State: get, exists, update, remove and timing out, as Spark's StateImpl") {
  rill::State<int> state;
  CHECK_FALSE(state.exists());
  CHECK_THROWS_AS(state.get(), rill::NoSuchElementException);
  CHECK(state.getOption() == std::nullopt);
  state.update(2);
  CHECK(state.exists());
  CHECK(state.get() == 2);
  CHECK(state.isUpdated());
  state.remove();
  CHECK_FALSE(state.exists());
  CHECK(state.isRemoved());
  CHECK_FALSE(state.isUpdated());
  CHECK_THROWS_AS(state.remove(), std::invalid_argument);
  CHECK_THROWS_AS(state.update(-1), std::invalid_argument);

  const int three = 3;
  rill::detail::StateAccess::wrapTimingOut(state, three);
  CHECK(state.isTimingOut());
  CHECK(state.get() == 3);
  CHECK_THROWS_AS(state.remove(), std::invalid_argument);
  CHECK_THROWS_AS(state.update(-1), std::invalid_argument);
}

TEST_CASE("mapWithState: the simple API, a running count returned for each record") {
  auto spec = rill::StateSpec::function(
      [](const std::string&, std::optional<int> value, rill::State<int>& state) {
        const int sum = value.value_or(0) + state.getOption().value_or(0);
        state.update(sum);
        return sum;
      });
  auto [outputs, snapshots, layouts] = mapWithState(kInput, spec, 7);
  checkSorted(outputs.batches, Batches<int>{{}, {1}, {2, 1}, {3, 2, 1}, {4, 3}, {5}, {}});
  checkSorted(snapshots.batches, kStates);
}

TEST_CASE("mapWithState: the advanced API (batch time first, only engaged results emitted)") {
  auto spec = rill::StateSpec::function([](rill::Time, const std::string& key, std::optional<int> value,
                                           rill::State<int>& state) -> std::optional<std::string> {
    state.update(value.value_or(0) + state.getOption().value_or(0));
    return key + key;
  });
  auto [outputs, snapshots, layouts] = mapWithState(kInput, spec, 7);
  checkSorted(outputs.batches, Batches<std::string>{{}, {"aa"}, {"aa", "bb"}, {"aa", "bb", "cc"}, {"aa", "bb"}, {"aa"}, {}});
  checkSorted(snapshots.batches, kStates);
}

TEST_CASE("mapWithState: states as mapped data") {
  auto spec = rill::StateSpec::function([](rill::Time, const std::string& key, std::optional<int> value,
                                           rill::State<int>& state) -> std::optional<SI> {
    const int sum = value.value_or(0) + state.getOption().value_or(0);
    state.update(sum);
    return SI(key, sum);
  });
  auto [outputs, snapshots, layouts] = mapWithState(kInput, spec, 7);
  checkSorted(outputs.batches, Batches<SI>{{},
                                         {{"a", 1}},
                                         {{"a", 2}, {"b", 1}},
                                         {{"a", 3}, {"b", 2}, {"c", 1}},
                                         {{"a", 4}, {"b", 3}},
                                         {{"a", 5}},
                                         {}});
  checkSorted(snapshots.batches, kStates);
}

TEST_CASE("mapWithState: initial states, nothing returned from the function") {
  rill::SparkContext sc(conf());
  auto initial = sc.parallelize(std::vector<SI>{{"a", 5}, {"b", 10}, {"c", -20}, {"d", 0}});
  auto spec = rill::StateSpec::function([](rill::Time, const std::string&, std::optional<int> value,
                                           rill::State<int>& state) -> std::optional<int> {
                state.update(value.value_or(0) + state.getOption().value_or(0));
                return std::nullopt;
              }).initialState(initial);
  auto [outputs, snapshots, layouts] = mapWithState(kInput, spec, 7);
  checkSorted(outputs.batches, Batches<int>(7));
  checkSorted(snapshots.batches, Batches<SI>{{{"a", 5}, {"b", 10}, {"c", -20}, {"d", 0}},
                                           {{"a", 6}, {"b", 10}, {"c", -20}, {"d", 0}},
                                           {{"a", 7}, {"b", 11}, {"c", -20}, {"d", 0}},
                                           {{"a", 8}, {"b", 12}, {"c", -19}, {"d", 0}},
                                           {{"a", 9}, {"b", 13}, {"c", -19}, {"d", 0}},
                                           {{"a", 10}, {"b", 13}, {"c", -19}, {"d", 0}},
                                           {{"a", 10}, {"b", 13}, {"c", -19}, {"d", 0}}});
}

TEST_CASE("mapWithState: state removing") {
  auto spec = rill::StateSpec::function([](rill::Time, const std::string& key, std::optional<int> value,
                                           rill::State<int>& state) -> std::optional<std::string> {
                if (state.exists()) {
                  state.remove();
                  return key;
                }
                state.update(*value);
                return std::nullopt;
              }).numPartitions(1);
  const Batches<std::string> input = {{}, {"a"}, {"a", "b"}, {"a", "b", "c"}, {"a", "b", "c"}, {"a", "b"}, {"a"}, {}};
  auto [outputs, snapshots, layouts] = mapWithState(input, spec, 8);
  checkSorted(outputs.batches, Batches<std::string>{{}, {}, {"a"}, {"b"}, {"a", "c"}, {"b"}, {"a"}, {}});
  checkSorted(snapshots.batches,
            Batches<SI>{{}, {{"a", 1}}, {{"b", 1}}, {{"a", 1}, {"c", 1}}, {{"b", 1}}, {{"a", 1}}, {}, {}});
  checkLayouts(layouts, 1, 8);  // numPartitions(1)
}

TEST_CASE("mapWithState: numPartitions(n) decides the state's partitions and where keys live") {
  for (std::size_t n : {1u, 3u, 4u}) {
    CAPTURE(n);
    auto [outputs, snapshots, layouts] = mapWithState(kInput, rill::StateSpec::function(runningCount).numPartitions(n), 7);
    checkSorted(outputs.batches, Batches<int>{{}, {1}, {2, 1}, {3, 2, 1}, {4, 3}, {5}, {}});
    checkSorted(snapshots.batches, kStates);
    checkLayouts(layouts, n, 7);
  }
  // Default: the context's parallelism (local[2]).
  auto [outputs, snapshots, layouts] = mapWithState(kInput, rill::StateSpec::function(runningCount), 7);
  checkSorted(snapshots.batches, kStates);
  checkLayouts(layouts, 2, 7);
}

TEST_CASE("mapWithState: timing out (rill checks every batch: a key idle longer than the timeout goes next batch)") {
  Batches<std::string> input = {{"a", "b", "c"}, {"a", "b"}, {"a"}, {}, {}, {"a"}};
  input.resize(26, {"a"});
  auto spec = rill::StateSpec::function([](rill::Time, const std::string& key, std::optional<int> value,
                                           rill::State<int>& state) -> std::optional<std::string> {
                if (value) state.update(1);
                if (state.isTimingOut()) return key;
                return std::nullopt;
              }).timeout(rill::Seconds(3));
  auto [outputs, snapshots, layouts] = mapWithState(input, spec, 20);
  // c was last updated at 1 s, b at 2 s: they time out once the batch time is more
  // than 3 s later (5 s and 6 s); a gets data at 6 s, before the timeouts are checked.
  Batches<std::string> expected(20);
  expected[4] = {"c"};
  expected[5] = {"b"};
  checkSorted(outputs.batches, expected);
  CHECK(rill::toString(sorted(snapshots.batches[0])) == "[(a,1), (b,1), (c,1)]");
  CHECK(rill::toString(sorted(snapshots.batches[4])) == "[(a,1), (b,1)]");
  CHECK(rill::toString(snapshots.batches.back()) == "[(a,1)]");
}

TEST_CASE("mapWithState: a generic lambda names its state type; a partitioner places the state") {
  auto spec = rill::StateSpec::function<long>([](const auto& key, auto value, auto& state) {
                state.update(state.getOption().value_or(0) + *value);
                return key;
              }).partitioner(rill::HashPartitioner<>(3));
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto stateful = scriptedStream<std::string>(ssc, present(Batches<std::string>{{"x", "y", "x"}}))
                      .map([](const std::string& w) { return SI(w, 2); })
                      .mapWithState(spec);
  auto snapshots = collect(stateful.stateSnapshots().transform([](const auto& rdd) { return rdd.glom(); }));
  auto outputs = collect(stateful);
  ssc.start();
  clock->advance(1s);
  ssc.stop(false);
  REQUIRE(snapshots->batches.size() == 1);
  CHECK(snapshots->batches[0].size() == 3);
  std::vector<std::pair<std::string, long>> all;
  for (auto& part : snapshots->batches[0]) all.insert(all.end(), part.begin(), part.end());
  CHECK(rill::toString(sorted(all)) == "[(x,4), (y,2)]");
  CHECK(rill::toString(sorted(outputs->batches[0])) == "[x, x, y]");
}

namespace {

/// (key, word) rows; the state is every word its key was given, in order.
using KW = std::pair<std::string, std::string>;

/// Appends the word to its key's state and returns the new state; throws for "!"
/// while `down` holds, after updating the state (what the function did before
/// throwing must not count).
auto appendWords(std::shared_ptr<std::atomic<bool>> down) {
  return rill::StateSpec::function([down](const std::string&, std::optional<std::string> word,
                                          rill::State<std::string>& state) {
    state.update(state.getOption().value_or("") + *word);
    if (*word == "!" && *down) throw std::runtime_error("no '!' while down");
    return state.get();
  });
}

}  // namespace

TEST_CASE("mapWithState: a batch whose function throws keeps its key's state, and the next batch applies the rest") {
  // The batch at 2 s applies "b", then the call for "!" throws: the state keeps
  // "ab", and "!" and "c" wait for the batch at 3 s, which applies them before
  // its own "d". Every word is applied once, in order.
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto events = rill_stream_test::record(ssc);
  auto down = std::make_shared<std::atomic<bool>>(true);
  const Batches<KW> input = {{{"k", "a"}}, {{"k", "b"}, {"k", "!"}, {"k", "c"}}, {{"k", "d"}}, {}};
  auto stateful = scriptedStream<KW>(ssc, present(input), 1).mapWithState(appendWords(down).numPartitions(1));
  auto outputs = collect(stateful);
  auto snapshots = collect(stateful.stateSnapshots());
  ssc.start();
  clock->advance(2s);
  *down = false;
  clock->advance(2s);
  ssc.stop(false);
  const auto reasons = events->failureReasons();
  REQUIRE(reasons.size() == 4);
  CHECK(reasons[1].find("no '!' while down") != std::string::npos);
  CHECK(outputs->times == times({1000, 3000, 4000}));
  CHECK(outputs->batches == Batches<std::string>{{"a"}, {"ab!", "ab!c", "ab!cd"}, {}});
  CHECK(snapshots->batches == Batches<KW>{{{"k", "a"}}, {{"k", "ab!cd"}}, {{"k", "ab!cd"}}});
}

TEST_CASE("mapWithState: more failed batches than rill.streaming.state.maxPendingBatches stop the stream") {
  rill::SparkContext sc(conf().set("rill.streaming.state.maxPendingBatches", "2"));
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto events = rill_stream_test::record(ssc);
  auto down = std::make_shared<std::atomic<bool>>(true);
  const Batches<KW> input = {{{"k", "!"}}, {{"k", "a"}}, {{"k", "b"}}, {{"k", "c"}}};
  auto outputs = collect(scriptedStream<KW>(ssc, present(input), 1).mapWithState(appendWords(down)));
  ssc.start();
  clock->advance(2s);  // 2 batches wait: as many as allowed
  clock->advance(1s);  // a 3rd is one too many: the stream stops
  *down = false;
  clock->advance(1s);  // and stays stopped, though the function would work again
  ssc.stop(false);
  const std::string stopped =
      "rill: mapWithState: the state could not be updated for 3 batches in a row (up to 3000 ms), more than "
      "rill.streaming.state.maxPendingBatches (2) lets wait: the stream stops, and every later batch fails with this "
      "error";
  const auto reasons = events->failureReasons();
  REQUIRE(reasons.size() == 4);
  for (std::size_t i = 0; i < 2; ++i) CHECK(reasons[i].find("no '!' while down") != std::string::npos);
  CHECK(reasons[2].find(stopped) != std::string::npos);
  CHECK(reasons[3].find(stopped) != std::string::npos);
  CHECK(outputs->batches.empty());
}

TEST_CASE("mapWithState: a timing-out call that throws keeps the key, which times out at the next batch") {
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto events = rill_stream_test::record(ssc);
  auto down = std::make_shared<std::atomic<bool>>(true);
  auto spec = rill::StateSpec::function([down](rill::Time, const std::string& key, std::optional<int> value,
                                               rill::State<int>& state) -> std::optional<std::string> {
                if (value) state.update(*value);
                if (!state.isTimingOut()) return std::nullopt;
                if (*down) throw std::runtime_error("no timeout while down");
                return key + "=" + std::to_string(state.get());
              }).timeout(rill::Seconds(2));
  const Batches<SI> input = {{{"a", 7}}, {}, {}, {}, {}};
  auto stateful = scriptedStream<SI>(ssc, present(input), 1).mapWithState(spec);
  auto outputs = collect(stateful);
  auto snapshots = collect(stateful.stateSnapshots());
  ssc.start();
  clock->advance(4s);  // a, updated at 1 s, times out at 4 s: that call throws
  *down = false;
  clock->advance(1s);
  ssc.stop(false);
  const auto reasons = events->failureReasons();
  REQUIRE(reasons.size() == 5);
  CHECK(reasons[3].find("no timeout while down") != std::string::npos);
  CHECK(outputs->times == times({1000, 2000, 3000, 5000}));
  CHECK(outputs->batches == Batches<std::string>{{}, {}, {}, {"a=7"}});
  CHECK(snapshots->batches == Batches<SI>{{{"a", 7}}, {{"a", 7}}, {{"a", 7}}, {}});
}
