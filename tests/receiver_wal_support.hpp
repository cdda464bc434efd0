#pragma once
// The program the receiver write-ahead log tests run and restart: lines
// "<id> <text>" a test stores through a receiver, counted by id in running
// state (updateStateByKey), through StreamingContext::getOrCreate on a
// ManualClock with 1 s batches. A line counted twice, or missing, shows in the
// state; each batch's lines are recorded too.
#include "stream_test_support.hpp"

#include <doctest/doctest.h>

#include <rill/stream/logged_input.hpp>
#include <rill/stream/streaming_context.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wal_test {

using namespace std::chrono_literals;
inline constexpr auto kSafety = std::chrono::seconds(60);

/// Stores what the test gives it (from any thread); awaitStarted() waits for onStart.
class Inbox final : public rill::Receiver<std::string> {
 public:
  void onStart() override {
    std::lock_guard lock(mutex_);
    started_ = true;
    changed_.notify_all();
  }
  void onStop() override {
    std::lock_guard lock(mutex_);
    started_ = false;
  }
  std::string name() const override { return "Inbox"; }
  bool awaitStarted() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kSafety, [&] { return started_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool started_ = false;
};

inline std::int64_t idOf(const std::string& line) { return std::stoll(line.substr(0, line.find(' '))); }

/// What the program's outputs saw.
class Outputs {
 public:
  void batch(std::int64_t t, std::vector<std::string> lines) {
    std::lock_guard lock(mutex_);
    batches_[t] = std::move(lines);
  }
  void state(std::int64_t t, std::vector<std::pair<std::int64_t, std::int64_t>> counts) {
    std::lock_guard lock(mutex_);
    stateTime_ = t;
    state_ = std::map<std::int64_t, std::int64_t>(counts.begin(), counts.end());
  }
  std::map<std::int64_t, std::vector<std::string>> batches() const {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  /// The running count of every id, as of the last batch.
  std::map<std::int64_t, std::int64_t> state() const {
    std::lock_guard lock(mutex_);
    return state_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::vector<std::string>> batches_;
  std::int64_t stateTime_ = 0;
  std::map<std::int64_t, std::int64_t> state_;
};

inline rill::SparkConf conf(bool log, const std::string& blockInterval = "200ms") {
  return rill::SparkConf()
      .setAppName("receiver-wal-test")
      .setMaster("local[2]")
      .set("spark.streaming.receiver.writeAheadLog.enable", log ? "true" : "false")
      .set("spark.streaming.blockInterval", blockInterval)
      .set("spark.streaming.receiverRestartDelay", "1");
}

/// One run of the program on checkpoint directory `dir`.
struct Program {
  Program(rill::SparkConf c, const std::string& dir, std::function<void(rill::StreamingContext&)> extra = {})
      : sc(std::make_unique<rill::SparkContext>(std::move(c))),
        clock(std::make_shared<rill::ManualClock>()),
        inbox(std::make_shared<Inbox>()),
        out(std::make_shared<Outputs>()) {
    ssc = rill::StreamingContext::getOrCreate(dir, [&] {
      auto made = std::make_unique<rill::StreamingContext>(*sc, 1s, clock);
      auto lines = made->receiverStream(inbox);
      lines.foreachRDD([o = out](const auto& rdd, rill::Time t) { o->batch(t.milliseconds(), rdd.collect()); });
      auto counts = lines.map([](const std::string& l) { return std::pair<std::int64_t, std::int64_t>(idOf(l), 1); })
                        .updateStateByKey([](const std::vector<std::int64_t>& v, std::optional<std::int64_t> s) {
                          std::int64_t n = s.value_or(0);
                          for (auto x : v) n += x;
                          return std::optional<std::int64_t>(n);
                        });
      counts.foreachRDD([o = out](const auto& rdd, rill::Time t) { o->state(t.milliseconds(), rdd.collect()); });
      if (extra) extra(*made);
      return made;
    });
    restored = ssc->restoredBatchTime();
    clock->setTime(restored ? restored->milliseconds() : 0);
    // StreamingContext::start opens the receiver logs itself once it calls
    // openReceiverLogs; until then the program does (a second call does nothing).
    rill::detail::openReceiverLogs(ssc->graph(), dir, restored);
    ssc->start();
    REQUIRE(inbox->awaitStarted());
  }
  ~Program() {
    if (ssc) ssc->stop(false);
  }

  void store(std::int64_t from, std::int64_t to) {
    std::vector<std::string> lines;
    for (std::int64_t id = from; id < to; ++id) lines.push_back(std::to_string(id) + " line");
    inbox->store(std::move(lines));
  }
  void advance(std::chrono::milliseconds d) { clock->advance(d); }

  std::unique_ptr<rill::SparkContext> sc;
  std::shared_ptr<rill::ManualClock> clock;
  std::shared_ptr<Inbox> inbox;
  std::shared_ptr<Outputs> out;
  std::unique_ptr<rill::StreamingContext> ssc;
  std::optional<rill::Time> restored;
};

/// A fresh directory inside the test's scratch directory.
inline std::string freshDir(const std::string& name) { return rill_stream_test::tmpDir(name); }

/// The ids [from, to).
inline std::map<std::int64_t, std::int64_t> once(std::int64_t from, std::int64_t to) {
  std::map<std::int64_t, std::int64_t> m;
  for (auto id = from; id < to; ++id) m[id] = 1;
  return m;
}

}  // namespace wal_test
