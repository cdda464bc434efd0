// A long run whose keys turn over: 10,000 one-record batches (1 partition each,
// a fresh key every batch plus one that never goes away) must keep the state,
// and every stream's remembered batches, bounded.
#include "window_state_support.hpp"

#include <rill/stream/streaming_context.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace ws_test;
using SI = std::pair<std::string, int>;

namespace {
struct Stats {
  std::int64_t batches = 0;
  std::int64_t maxUpdateState = 0;
  std::int64_t maxMapState = 0;
  std::int64_t timedOut = 0;
  std::int64_t hotCount = 0;
};
}  // namespace

TEST_CASE("10,000 batches with keys turning over: state and remembered RDDs stay bounded") {
  constexpr std::int64_t kBatches = 10000;
  rill::SparkContext sc(conf(1));
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto input = functionStream<std::string>(
      ssc,
      [](rill::Time t) { return std::optional(std::vector<std::string>{"k" + std::to_string(batchIndex(t)), "hot"}); },
      1);
  auto pairs = input.map([](const std::string& w) { return SI(w, 1); });

  // updateStateByKey: a key without values for 3 batches in a row is dropped.
  using Counted = std::pair<int, int>;  // (count, batches without values)
  auto counts = pairs.updateStateByKey([](const std::vector<int>& values, std::optional<Counted> state) {
    Counted c = state.value_or(Counted{0, 0});
    c.first += static_cast<int>(values.size());
    c.second = values.empty() ? c.second + 1 : 0;
    return c.second >= 3 ? std::nullopt : std::optional<Counted>(c);
  });
  // mapWithState: a key idle for more than 3 s times out.
  auto mapped = pairs.mapWithState(rill::StateSpec::function([](rill::Time, const std::string& key,
                                                                std::optional<int> value, rill::State<int>& state) {
                                     if (value) state.update(state.getOption().value_or(0) + *value);
                                     return state.isTimingOut() ? std::optional<std::string>(key) : std::nullopt;
                                   }).timeout(rill::Seconds(3)));

  auto stats = std::make_shared<Stats>();
  counts.foreachRDD([stats](const auto& rdd) {
    ++stats->batches;
    stats->maxUpdateState = std::max(stats->maxUpdateState, rdd.count());
  });
  mapped.stateSnapshots().foreachRDD([stats](const auto& rdd) {
    stats->maxMapState = std::max(stats->maxMapState, rdd.count());
    for (const auto& [key, n] : rdd.collect())
      if (key == "hot") stats->hotCount = n;
  });
  mapped.foreachRDD([stats](const auto& rdd) { stats->timedOut += rdd.count(); });

  ssc.start();
  clock->advance(std::chrono::seconds(kBatches));  // every batch runs before advance returns
  CHECK(stats->batches == kBatches);
  // Keys of the last 3 batches plus "hot" / of the last 4 s plus "hot".
  CHECK(stats->maxUpdateState == 4);
  CHECK(stats->maxMapState == 5);
  CHECK(stats->timedOut == kBatches - 4);
  CHECK(stats->hotCount == kBatches);
  // Streams remember only what the next batch can still read.
  CHECK(counts.node()->generatedRDDs().size() <= 2);
  CHECK(input.node()->generatedRDDs().size() <= 2);
  CHECK(mapped.node()->generatedRDDs().size() <= 2);
  ssc.stop(false);
}
