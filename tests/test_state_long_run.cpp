// A long run whose keys turn over: 10,000 one-record batches (1 partition each,
// a fresh key every batch plus one that never goes away) must keep the state,
// and every stream's remembered batches, bounded. Also: a long outage of the
// updateStateByKey function costs linear work and no deep stack.
#include "window_state_support.hpp"

#include <rill/stream/streaming_context.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
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

namespace {
/// Counts the batches that failed.
class Failures final : public rill::StreamingListener {
 public:
  void onBatchCompleted(const rill::BatchInfo& b) override {
    if (b.failureReason) ++count;
  }
  std::atomic<std::int64_t> count{0};
};
}  // namespace

TEST_CASE("20,000 failed batches in a row, then recovery: every record counted once, each batch read once") {
  // The update function fails while its dependency is down: each of the 20,000
  // batches of the outage fails alone, and the first batch after it applies all
  // their records. Each batch's input is read once and the function is called
  // once per batch (failed calls included): no batch is computed again, so the
  // work is linear and the stack does not grow with the outage (CTest also runs
  // this case with a 1 MiB stack).
  constexpr std::int64_t kGood = 5, kDown = 20000;
  rill::SparkContext sc(conf(2));
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto failures = std::make_shared<Failures>();
  ssc.addStreamingListener(failures);
  auto reads = std::make_shared<std::atomic<std::int64_t>>(0);
  auto calls = std::make_shared<std::atomic<std::int64_t>>(0);
  auto down = std::make_shared<std::atomic<bool>>(false);
  auto input = functionStream<std::string>(
      ssc,
      [reads](rill::Time) {
        ++*reads;
        return std::optional(std::vector<std::string>{"k"});
      },
      1);
  auto counts = input.map([](const std::string& w) { return SI(w, 1); })
                    .updateStateByKey([calls, down](const std::vector<int>& values, std::optional<std::int64_t> state) {
                      ++*calls;
                      if (*down) throw std::runtime_error("the dependency is down");
                      return std::optional<std::int64_t>(state.value_or(0) + static_cast<std::int64_t>(values.size()));
                    });
  auto out = collect(asDStream(counts));

  ssc.start();
  clock->advance(std::chrono::seconds(kGood));
  *down = true;
  clock->advance(std::chrono::seconds(kDown));
  *down = false;
  clock->advance(std::chrono::seconds(kGood));
  ssc.stop(false);

  CHECK(failures->count == kDown);
  CHECK_THROWS_WITH(ssc.awaitTermination(), "the dependency is down");
  REQUIRE(out->batches.size() == 2 * kGood);
  CHECK(out->times[kGood - 1] == kGood * 1000);
  CHECK(out->times[kGood] == (kGood + kDown + 1) * 1000);  // the first batch after the outage
  CHECK(out->batches[kGood] == std::vector<std::pair<std::string, std::int64_t>>{{"k", kGood + kDown + 1}});
  CHECK(out->batches.back() == std::vector<std::pair<std::string, std::int64_t>>{{"k", 2 * kGood + kDown}});
  CHECK(*reads == 2 * kGood + kDown);
  CHECK(*calls == 2 * kGood + kDown);
}
