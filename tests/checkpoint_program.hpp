#pragma once
// The stateful program the checkpoint tests restart: a word count whose input
// at batch i is a pure function of (seed, i), with running totals
// (updateStateByKey), an incremental 3 s window, a mapWithState count with a
// timeout, and a naive 2 s window over the totals. Every batch's results are
// summarised as one line, so an interrupted-and-restarted run can be compared
// batch by batch with an uninterrupted one.
#include "function_input.hpp"

#include <rill/core/show.hpp>
#include <rill/stream/streaming_context.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ws_test {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// The words of batch i: 0 to 6 of a 10-word vocabulary; some batches are empty.
inline std::vector<std::string> wordsOf(std::uint64_t seed, std::size_t i) {
  static const char* vocabulary[] = {"ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen", "ibis", "jay"};
  std::uint64_t r = splitmix64(seed * 1000003 + i);
  std::vector<std::string> words(r % 7);
  for (auto& w : words) {
    r = splitmix64(r);
    w = vocabulary[r % 10];
  }
  return words;
}

/// One line per batch time: what the program's outputs held.
class ProgramLog {
 public:
  void add(std::int64_t t, const std::string& what) {
    std::lock_guard lock(mutex_);
    lines_[t] += what;
  }
  std::map<std::int64_t, std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::string> lines_;
};

template <class R>
std::string sortedText(const R& rdd) {
  auto v = rdd.collect();
  std::sort(v.begin(), v.end());
  return rill::toString(v);
}

/// Builds the program on a new context with checkpointing into dir (the factory getOrCreate calls).
inline std::unique_ptr<rill::StreamingContext> buildProgram(rill::SparkContext& sc, std::shared_ptr<rill::Clock> clock,
                                                            const std::string& dir, std::uint64_t seed,
                                                            std::shared_ptr<ProgramLog> log) {
  using SI = std::pair<std::string, int>;
  auto ssc = std::make_unique<rill::StreamingContext>(sc, std::chrono::seconds(1), std::move(clock));
  ssc->checkpoint(dir);
  auto words = functionStream<std::string>(
      *ssc, [seed](rill::Time t) { return std::optional(wordsOf(seed, batchIndex(t))); }, 2);
  auto pairs = words.map([](const std::string& w) { return SI(w, 1); });
  auto plus = [](int a, int b) { return a + b; };

  auto totals = pairs.updateStateByKey([](const std::vector<int>& values, std::optional<int> state) {
    return std::optional<int>(state.value_or(0) + static_cast<int>(values.size()));
  });
  auto recent = pairs.reduceByKeyAndWindow(plus, [](int a, int b) { return a - b; }, rill::Seconds(3),
                                           rill::Seconds(1), 0, [](const SI& kv) { return kv.second != 0; });
  auto seen = pairs.mapWithState(rill::StateSpec::function([](const std::string& key, std::optional<int> value,
                                                              rill::State<int>& state) {
                                   if (state.isTimingOut()) return SI(key, -1);
                                   state.update(state.getOption().value_or(0) + value.value_or(0));
                                   return SI(key, state.get());
                                 }).timeout(rill::Seconds(4)));
  auto totalsWindow = totals.reduceByKeyAndWindow(plus, rill::Seconds(2), rill::Seconds(2));

  auto record = [log](const char* name) {
    return [log, name](const auto& rdd, rill::Time t) {
      log->add(t.milliseconds(), std::string(name) + "=" + sortedText(rdd) + " ");
    };
  };
  totals.foreachRDD(record("totals"));
  recent.foreachRDD(record("recent"));
  seen.foreachRDD(record("seen"));
  seen.stateSnapshots().foreachRDD(record("seenState"));
  totalsWindow.foreachRDD(record("totalsWindow"));
  return ssc;
}

/// The warnings a run reported (a skipped checkpoint among them).
class Warnings final : public rill::StreamingListener {
 public:
  void onWarning(const std::string& w) override {
    std::lock_guard lock(mutex_);
    seen_.push_back(w);
  }
  std::vector<std::string> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> seen_;
};

/// What one run of the program saw.
struct ProgramRun {
  std::map<std::int64_t, std::string> lines;
  std::optional<rill::Time> restored;
  std::vector<std::string> warnings;
};

inline rill::SparkConf programConf() {
  return rill::SparkConf().setAppName("rill-checkpoint-test").setMaster("local[2]");
}

/// Runs the program (getOrCreate on dir) from a clock reading clockMs until it reads untilMs.
inline ProgramRun runProgram(const std::string& dir, std::uint64_t seed, std::int64_t untilMs, std::int64_t clockMs = 0,
                             const rill::SparkConf& conf = programConf()) {
  rill::SparkContext sc(conf);
  auto clock = std::make_shared<rill::ManualClock>(clockMs);
  auto log = std::make_shared<ProgramLog>();
  auto warnings = std::make_shared<Warnings>();
  auto ssc = rill::StreamingContext::getOrCreate(dir, [&] {
    auto made = buildProgram(sc, clock, dir, seed, log);
    made->addStreamingListener(warnings);
    return made;
  });
  ssc->start();
  clock->setTime(untilMs);
  ssc->stop(false);
  return ProgramRun{log->lines(), ssc->restoredBatchTime(), warnings->seen()};
}

}  // namespace ws_test
