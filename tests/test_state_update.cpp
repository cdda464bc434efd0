// updateStateByKey, batch by batch, with the inputs and expected outputs of
// Spark's BasicOperationsSuite (1 s batches, 2 partitions per input batch).
#include "window_state_support.hpp"

#include <rill/stream/streaming_context.hpp>

#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
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
  checkSets(out.batches, Batches<SI>{{{"a", 1}},
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
  checkSets(out.batches, Batches<SI>{{{"a", 2}, {"c", 2}},
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
  checkSets(out.batches, Batches<SL>{{{"a", 1000}, {"c", 0}},
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
  checkSets(out.batches, Batches<SI>{{{"a", 1}, {"b", 1}},
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
  checkSets(out.batches, Batches<SI>{{{"i", 10}, {"x", 1}}, {{"i", 10}, {"x", 1}}});
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

TEST_CASE("updateStateByKey: every partition's state is updated by its own task on the pool") {
  // Partitions by key with HashPartitioner(4): each partition's keys land in one task.
  std::vector<std::string> words;
  for (int i = 0; i < 200; ++i) words.push_back("w" + std::to_string(i % 50));
  auto out = runOperation(
      Batches<std::string>{words, words},
      [](auto s) { return s.map(ones()).updateStateByKey(runningSum, rill::HashPartitioner<>(4)).count(); }, 2);
  checkSorted(out.batches, Batches<std::int64_t>{{50}, {50}});
  auto sums = runOperation(
      Batches<std::string>{words, words},
      [](auto s) {
        return s.map(ones()).updateStateByKey(runningSum, 4).map([](const SI& kv) { return kv.second; }).reduce(
            [](int a, int b) { return a + b; });
      },
      2);
  checkSorted(sums.batches, Batches<int>{{200}, {400}});
}
