// Window operations, batch by batch, with the inputs and expected outputs of
// Spark's WindowOperationsSuite (1 s batches, window 2 s / slide 1 s unless
// said) plus further cases (window 3 slide 1, window 3 slide 2,
// keys vanishing with and without filterFunc, empty batches in between).
#include "window_state_support.hpp"

#include <rill/stream/streaming_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace ws_test;
using rill::Duration;
using rill::Seconds;
using SI = std::pair<std::string, int>;
using SL = std::pair<std::string, std::int64_t>;

namespace {

/// filterFunc dropping keys whose window value is 0 (one type for all the tests: fewer instantiations).
struct NonZero {
  bool operator()(const SI& kv) const { return kv.second != 0; }
};

const Batches<int> kSixInts = {{0}, {1}, {2}, {3}, {4}, {5}};

Batches<int> window(const Batches<int>& in, Duration w, Duration s, std::size_t expectedOutputs) {
  const auto numBatches = expectedOutputs * static_cast<std::size_t>(s / Seconds(1));
  return runOperation(in, [&](auto stream) { return stream.window(w, s); }, numBatches).batches;
}

auto naive(Duration w = Seconds(2), Duration s = Seconds(1)) {
  return [=](auto stream) { return stream.reduceByKeyAndWindow(std::plus<int>(), w, s); };
}
auto withInverse(Duration w = Seconds(2), Duration s = Seconds(1)) {
  return [=](auto stream) {
    return stream.reduceByKeyAndWindow(std::plus<int>(), std::minus<int>(), w, s);
  };
}
auto withFilteredInverse(Duration w = Seconds(2), Duration s = Seconds(1)) {
  return [=](auto stream) {
    return stream.reduceByKeyAndWindow(std::plus<int>(), std::minus<int>(), w, s, 0, NonZero());
  };
}

template <class Op>
Batches<SI> reduceRun(const Batches<SI>& in, Op op, std::size_t outputs, Duration s = Seconds(1)) {
  return runOperation(in, op, outputs * static_cast<std::size_t>(s / Seconds(1))).batches;
}

const Batches<SI> kLargerSlideInput = {{{"a", 1}}, {{"a", 2}}, {{"a", 3}}, {{"a", 4}},
                                       {{"a", 5}}, {{"a", 6}}, {},         {}};
const Batches<SI> kLargerSlideReduceOutput = {{{"a", 3}}, {{"a", 10}}, {{"a", 18}}, {{"a", 11}}};

const Batches<SI> kBigInput = {
    {{"a", 1}},
    {{"a", 1}, {"b", 1}},
    {{"a", 1}, {"b", 1}, {"c", 1}},
    {{"a", 1}, {"b", 1}},
    {{"a", 1}},
    {},
    {{"a", 1}},
    {{"a", 1}, {"b", 1}},
    {{"a", 1}, {"b", 1}, {"c", 1}},
    {{"a", 1}, {"b", 1}},
    {{"a", 1}},
    {},
};
const Batches<SI> kBigReduceOutput = {
    {{"a", 1}},
    {{"a", 2}, {"b", 1}},
    {{"a", 2}, {"b", 2}, {"c", 1}},
    {{"a", 2}, {"b", 2}, {"c", 1}},
    {{"a", 2}, {"b", 1}},
    {{"a", 1}},
    {{"a", 1}},
    {{"a", 2}, {"b", 1}},
    {{"a", 2}, {"b", 2}, {"c", 1}},
    {{"a", 2}, {"b", 2}, {"c", 1}},
    {{"a", 2}, {"b", 1}},
    {{"a", 1}},
};
// No key leaves a ReducedWindowedDStream without a filter: values drop to 0 (Spark's comment).
const Batches<SI> kBigReduceInvOutput = {
    {{"a", 1}},
    {{"a", 2}, {"b", 1}},
    {{"a", 2}, {"b", 2}, {"c", 1}},
    {{"a", 2}, {"b", 2}, {"c", 1}},
    {{"a", 2}, {"b", 1}, {"c", 0}},
    {{"a", 1}, {"b", 0}, {"c", 0}},
    {{"a", 1}, {"b", 0}, {"c", 0}},
    {{"a", 2}, {"b", 1}, {"c", 0}},
    {{"a", 2}, {"b", 2}, {"c", 1}},
    {{"a", 2}, {"b", 2}, {"c", 1}},
    {{"a", 2}, {"b", 1}, {"c", 0}},
    {{"a", 1}, {"b", 0}, {"c", 0}},
};

}  // namespace

TEST_CASE("window: Spark's basic, tumbling, larger and non-overlapping windows") {
  checkSorted(window(kSixInts, Seconds(2), Seconds(1), 6), {{0}, {0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}});
  checkSorted(window(kSixInts, Seconds(2), Seconds(2), 3), {{0, 1}, {2, 3}, {4, 5}});
  checkSorted(window(kSixInts, Seconds(4), Seconds(2), 4), {{0, 1}, {0, 1, 2, 3}, {2, 3, 4, 5}, {4, 5}});
  checkSorted(window(kSixInts, Seconds(2), Seconds(3), 2), {{1, 2}, {4, 5}});
}

TEST_CASE("window: 3 batches sliding by 1 and by 2; windows before the start are partial") {
  // (t - 3 s, t]: at 1 s only batch 1 exists, at 2 s batches 1-2.
  checkSorted(window(kSixInts, Seconds(3), Seconds(1), 6), {{0}, {0, 1}, {0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}});
  // Output at 2, 4, 6 s only: (-1, 2], (1, 4], (3, 6].
  auto out = runOperation(kSixInts, [](auto s) { return s.window(Seconds(3), Seconds(2)); }, 6);
  CHECK(out.times == times({2000, 4000, 6000}));
  checkSorted(out.batches, {{0, 1}, {1, 2, 3}, {3, 4, 5}});
}

TEST_CASE("window: the slide defaults to the parent's; each window is the union of its batches' partitions") {
  auto out = runOperation(kSixInts, [](auto s) { return s.window(Seconds(2)); }, 3);
  CHECK(out.times == times({1000, 2000, 3000}));
  checkSorted(out.batches, {{0}, {0, 1}, {1, 2}});
  // Two partitions per batch (one of them empty for a one-element batch): a 2-batch window has 4.
  auto parts = runOperation(
      kSixInts, [](auto s) { return s.window(Seconds(2)).transform([](const auto& rdd) { return rdd.glom(); }); }, 2);
  CHECK(parts.batches[1].size() == 4);
}

TEST_CASE("window: durations that are not multiples of the parent's slide are refused when defined") {
  rill::SparkContext sc(conf());
  rill::StreamingContext ssc(sc, Seconds(1), std::make_shared<rill::ManualClock>());
  auto stream = ssc.queueStream(std::make_shared<rill::RDDQueue<int>>());
  auto message = [](auto&& define) {
    try {
      define();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  CHECK(message([&] { stream.window(rill::Milliseconds(1500)); }) ==
        "rill: window: the window duration (1500 ms) must be a multiple of the parent DStream's slide duration "
        "(1000 ms)");
  CHECK(message([&] { stream.window(Seconds(2), rill::Milliseconds(2500)); }) ==
        "rill: window: the slide duration (2500 ms) must be a multiple of the parent DStream's slide duration "
        "(1000 ms)");
  auto pairs = stream.map([](int x) { return std::pair<int, int>(x, 1); });
  CHECK(message([&] { pairs.reduceByKeyAndWindow(std::plus<int>(), rill::Milliseconds(500)); })
            .find("reduceByKeyAndWindow: the window duration (500 ms)") != std::string::npos);
  CHECK(message([&] {
          pairs.reduceByKeyAndWindow(std::plus<int>(), std::minus<int>(), Seconds(3), rill::Milliseconds(1200));
        }).find("the slide duration (1200 ms)") != std::string::npos);
  CHECK(message([&] { pairs.groupByKeyAndWindow(Seconds(0)); }).find("must be positive") != std::string::npos);
  // The window of a 2 s stream must be a multiple of 2 s.
  CHECK(message([&] { stream.window(Seconds(2), Seconds(2)).window(Seconds(3), Seconds(2)); })
            .find("(3000 ms) must be a multiple of the parent DStream's slide duration (2000 ms)") != std::string::npos);
}

TEST_CASE("reduceByKeyAndWindow, naive and with inverse: Spark's small cases") {
  const Batches<SI> basic = {{{"a", 1}, {"a", 3}}};
  const Batches<SI> twice = {{{"a", 1}}, {{"a", 1}}};
  const Batches<SI> newKey = {{{"a", 1}}, {{"a", 1}, {"b", 1}}};
  const Batches<SI> removed = {{{"a", 1}}, {{"a", 1}}, {}, {}};
  for (bool inverse : {false, true}) {
    CAPTURE(inverse);
    auto run = [&](const Batches<SI>& in, std::size_t outputs) {
      return inverse ? reduceRun(in, withInverse(), outputs) : reduceRun(in, naive(), outputs);
    };
    checkSorted(run(basic, 1), {{{"a", 4}}});
    checkSorted(run(twice, 2), {{{"a", 1}}, {{"a", 2}}});
    checkSorted(run(newKey, 2), {{{"a", 1}}, {{"a", 2}, {"b", 1}}});
    // The key removed from the window: gone in the naive form, kept with 0 with the inverse.
    checkSorted(run(removed, 4), {{{"a", 1}}, {{"a", 2}}, {{"a", 1}}, inverse ? std::vector<SI>{{"a", 0}} : std::vector<SI>{}});
  }
}

TEST_CASE("reduceByKeyAndWindow: window 4 slide 2 (larger slide), naive and with inverse") {
  checkSorted(reduceRun(kLargerSlideInput, naive(Seconds(4), Seconds(2)), 4, Seconds(2)), kLargerSlideReduceOutput);
  checkSorted(reduceRun(kLargerSlideInput, withInverse(Seconds(4), Seconds(2)), 4, Seconds(2)), kLargerSlideReduceOutput);
}

TEST_CASE("reduceByKeyAndWindow: Spark's big test; keys vanish with filterFunc, stay at 0 without") {
  checkSorted(reduceRun(kBigInput, naive(), 12), kBigReduceOutput);
  checkSorted(reduceRun(kBigInput, withInverse(), 12), kBigReduceInvOutput);
  checkSorted(reduceRun(kBigInput, withFilteredInverse(), 12), kBigReduceOutput);
}

TEST_CASE("reduceByKeyAndWindow: window 3 slide 1 with empty batches in between") {
  const Batches<SI> in = {{{"a", 1}}, {}, {{"a", 2}, {"b", 1}}, {}, {}, {{"b", 5}}, {}, {}, {}};
  const Batches<SI> naiveOut = {{{"a", 1}},           {{"a", 1}},           {{"a", 3}, {"b", 1}},
                                {{"a", 2}, {"b", 1}}, {{"a", 2}, {"b", 1}}, {{"b", 5}},
                                {{"b", 5}},           {{"b", 5}},           {}};
  checkSorted(reduceRun(in, naive(Seconds(3)), 9), naiveOut);
  checkSorted(reduceRun(in, withFilteredInverse(Seconds(3)), 9), naiveOut);
  checkSorted(reduceRun(in, withInverse(Seconds(3)), 9),
            {{{"a", 1}},
             {{"a", 1}},
             {{"a", 3}, {"b", 1}},
             {{"a", 2}, {"b", 1}},
             {{"a", 2}, {"b", 1}},
             {{"a", 0}, {"b", 5}},
             {{"a", 0}, {"b", 5}},
             {{"a", 0}, {"b", 5}},
             {{"a", 0}, {"b", 0}}});
}

TEST_CASE("reduceByKeyAndWindow: window 3 slide 2 with inverse equals the naive form") {
  const Batches<SI> in = {{{"a", 1}}, {{"b", 2}}, {{"a", 3}}, {}, {{"b", 4}, {"a", 1}}, {}, {}, {}};
  // Outputs at 2, 4, 6, 8 s over (t - 3 s, t].
  const Batches<SI> expected = {{{"a", 1}, {"b", 2}}, {{"a", 3}, {"b", 2}}, {{"a", 1}, {"b", 4}}, {}};
  checkSorted(reduceRun(in, naive(Seconds(3), Seconds(2)), 4, Seconds(2)), expected);
  checkSorted(reduceRun(in, withFilteredInverse(Seconds(3), Seconds(2)), 4, Seconds(2)), expected);
  checkSorted(reduceRun(in, withInverse(Seconds(3), Seconds(2)), 4, Seconds(2)),
            {{{"a", 1}, {"b", 2}}, {{"a", 3}, {"b", 2}}, {{"a", 1}, {"b", 4}}, {{"a", 0}, {"b", 0}}});
}

TEST_CASE("reduceByKeyAndWindow: the number of partitions or a partitioner decides the output's partitions") {
  const Batches<SI> in = {{{"a", 1}, {"b", 1}, {"c", 1}}};
  auto partitions = [&](auto op) {
    return runOperation(in, [&](auto s) { return op(s).transform([](const auto& rdd) { return rdd.glom(); }); }, 1)
        .batches[0]
        .size();
  };
  const std::plus<int> plus;
  const std::minus<int> minus;
  CHECK(partitions([&](auto s) { return s.reduceByKeyAndWindow(plus, Seconds(2), Seconds(1), 3); }) == 3);
  CHECK(partitions([&](auto s) { return s.reduceByKeyAndWindow(plus, minus, Seconds(2), Seconds(1), 5); }) == 5);
  CHECK(partitions([&](auto s) {
          return s.reduceByKeyAndWindow(plus, minus, Seconds(2), Seconds(1), rill::HashPartitioner<>(4));
        }) == 4);
  // Default: the context's parallelism (local[2]).
  CHECK(partitions([&](auto s) { return s.groupByKeyAndWindow(Seconds(2)); }) == 2);
}

TEST_CASE("groupByKeyAndWindow: Spark's big test, with every value of the window") {
  // Spark compares the grouped values as sets (Seq(1, 1).toSet); here every value
  // counts: a key's group holds one 1 per batch of the window it appears in, so
  // the group sizes are the naive reduce's sums (kBigReduceOutput).
  using G = std::pair<std::string, std::vector<int>>;
  auto out = runOperation(
      kBigInput, [](auto s) { return s.groupByKeyAndWindow(Seconds(2), Seconds(1)); }, 12);
  const std::vector<int> one{1}, two{1, 1};
  checkSorted(out.batches, Batches<G>{{{"a", one}},
                                      {{"a", two}, {"b", one}},
                                      {{"a", two}, {"b", two}, {"c", one}},
                                      {{"a", two}, {"b", two}, {"c", one}},
                                      {{"a", two}, {"b", one}},
                                      {{"a", one}},
                                      {{"a", one}},
                                      {{"a", two}, {"b", one}},
                                      {{"a", two}, {"b", two}, {"c", one}},
                                      {{"a", two}, {"b", two}, {"c", one}},
                                      {{"a", two}, {"b", one}},
                                      {{"a", one}}});
  // The values themselves, oldest batch first (window 3 s).
  auto raw = runOperation(
      Batches<SI>{{{"k", 1}}, {{"k", 2}, {"j", 7}}, {{"k", 3}}},
      [](auto s) { return s.groupByKeyAndWindow(Seconds(3), Seconds(1), 1); }, 3);
  checkSorted(raw.batches, Batches<std::pair<std::string, std::vector<int>>>{
                               {{"k", {1}}}, {{"j", {7}}, {"k", {1, 2}}}, {{"j", {7}}, {"k", {1, 2, 3}}}});
}

TEST_CASE("countByWindow and countByValueAndWindow: Spark's cases") {
  auto counts = runOperation(Batches<int>{{1}, {1}, {1, 2}, {0}, {}, {}},
                             [](auto s) { return s.countByWindow(Seconds(2), Seconds(1)); }, 6);
  checkSorted(counts.batches, Batches<std::int64_t>{{1}, {2}, {3}, {3}, {1}, {0}});
  // Before any data there is no count at all (the incremental form has no key yet).
  auto early = runOperation(Batches<int>{{}, {4}}, [](auto s) { return s.countByWindow(Seconds(2), Seconds(1)); }, 4);
  checkSorted(early.batches, Batches<std::int64_t>{{}, {1}, {1}, {0}});

  auto byValue = runOperation(Batches<std::string>{{"a"}, {"b", "b"}, {"a", "b"}},
                              [](auto s) { return s.countByValueAndWindow(Seconds(2), Seconds(1)); }, 3);
  checkSorted(byValue.batches, Batches<SL>{{{"a", 1}}, {{"a", 1}, {"b", 2}}, {{"a", 1}, {"b", 3}}});
  // Counts that drop to 0 are removed.
  auto drained = runOperation(Batches<std::string>{{"a"}, {}, {}},
                              [](auto s) { return s.countByValueAndWindow(Seconds(2), Seconds(1)); }, 3);
  checkSorted(drained.batches, Batches<SL>{{{"a", 1}}, {{"a", 1}}, {}});
}

TEST_CASE("reduceByWindow: naive (empty window: nothing) and incremental (empty window after data: invF's 0)") {
  const Batches<int> in = {{1}, {2, 3}, {}, {4}, {}, {}};
  const std::plus<int> plus;
  const std::minus<int> minus;
  auto naiveOut = runOperation(in, [&](auto s) { return s.reduceByWindow(plus, Seconds(2), Seconds(1)); }, 6);
  checkSorted(naiveOut.batches, Batches<int>{{1}, {6}, {5}, {4}, {4}, {}});
  auto incremental = runOperation(in, [&](auto s) { return s.reduceByWindow(plus, minus, Seconds(2), Seconds(1)); }, 6);
  checkSorted(incremental.batches, Batches<int>{{1}, {6}, {5}, {4}, {4}, {0}});
  // Slide 2: outputs at 2, 4, 6 s only.
  auto slid = runOperation(in, [&](auto s) { return s.reduceByWindow(plus, minus, Seconds(4), Seconds(2)); }, 6);
  CHECK(slid.times == times({2000, 4000, 6000}));
  checkSorted(slid.batches, Batches<int>{{6}, {10}, {4}});
}

TEST_CASE("window ops on string_view keys own their keys; generic lambdas work") {
  // A flatMap into string_views of the batch's lines: the windowed results must not point into them.
  auto out = runOperation(
      Batches<std::string>{{"x y x"}, {"y"}, {}},
      [](auto s) {
        return s
            .flatMap([](const std::string& line) {
              std::vector<std::string_view> words;
              std::string_view rest(line);
              for (std::size_t at; (at = rest.find(' ')) != std::string_view::npos; rest.remove_prefix(at + 1))
                words.push_back(rest.substr(0, at));
              words.push_back(rest);
              return words;
            })
            .map([](std::string_view w) { return std::pair<std::string_view, int>(w, 1); })
            .reduceByKeyAndWindow([](auto a, auto b) { return a + b; }, [](auto a, auto b) { return a - b; },
                                  Seconds(2), Seconds(1), 0, [](const auto& kv) { return kv.second > 0; });
      },
      3);
  checkSorted(out.batches, Batches<SI>{{{"x", 2}, {"y", 1}}, {{"x", 2}, {"y", 2}}, {{"y", 1}}});
}

TEST_CASE("keyed stream ops default to spark.default.parallelism partitions when it is set") {
  rill::SparkContext sc(conf(2).set("spark.default.parallelism", "5"));
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto queue = std::make_shared<rill::RDDQueue<SI>>();
  queue->push(sc.parallelize(std::vector<SI>{{"a", 1}, {"b", 1}, {"a", 2}}, 2));
  auto input = ssc.queueStream(queue);
  auto glommed = [](const auto& rdd) { return rdd.glom(); };
  auto reduced = collect(input.reduceByKey(std::plus<int>()).transform(glommed));
  auto grouped = collect(input.groupByKeyAndWindow(Seconds(2)).transform(glommed));
  ssc.start();
  clock->advance(1s);
  ssc.stop(false);
  REQUIRE(reduced->batches.size() == 1);
  REQUIRE(grouped->batches.size() == 1);
  CHECK(reduced->batches[0].size() == 5);
  CHECK(grouped->batches[0].size() == 5);
}

TEST_CASE("window of batches that share a partitioner keeps it, partition i holding partition i of each (Spark's sc.union)") {
  using Batch = std::vector<SI>;
  const Batches<SI> in = {Batch{{"a", 1}, {"b", 1}}, Batch{{"a", 2}, {"c", 1}}, Batch{{"b", 3}}};
  // Each batch reduced into 3 partitions by the same HashPartitioner: a window of two has 3, not 6.
  auto out = runOperation(
      in,
      [](auto s) {
        return s.reduceByKey(std::plus<int>(), 3).window(Seconds(2)).transform([](const auto& rdd) { return rdd.glom(); });
      },
      3);
  REQUIRE(out.batches.size() == 3);
  for (const auto& glommed : out.batches) CHECK(glommed.size() == 3);
  // The same window without the shared partitioner lists each batch's partitions in turn.
  auto plain = runOperation(
      in, [](auto s) { return s.window(Seconds(2)).transform([](const auto& rdd) { return rdd.glom(); }); }, 3);
  CHECK(plain.batches[1].size() == 4);
}
