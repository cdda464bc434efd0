// stop() always returns: a graceful stop gives up after
// spark.streaming.gracefulStopTimeout and goes on as a forced stop; a batch
// stuck in a user function is left behind after rill.streaming.forcedStopTimeout,
// with warnings to the listeners, and the context may then be destroyed while
// the function is still running. Also the settings' parsing.
#include "stream_test_support.hpp"

#include <rill/rdd/conf_values.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace rill_stream_test;

using Ints = std::vector<std::vector<int>>;

namespace {

/// A user function that does not return until the test releases it.
class Stuck {
 public:
  /// Blocks the calling batch (the first call only).
  void block() {
    if (calls_++ != 0) return;
    entered_.set_value();
    release_.wait();
  }
  bool awaitEntered() { return entered_.get_future().wait_for(kSafety) == std::future_status::ready; }
  void release() { releaser_.set_value(); }

 private:
  int calls_ = 0;  // on the scheduler thread only
  std::promise<void> entered_;
  std::promise<void> releaser_;
  std::shared_future<void> release_ = releaser_.get_future().share();
};

/// Destroyed with the last copy of the function that holds it: tells the test
/// that the scheduler let go of the graph.
class Farewell {
 public:
  explicit Farewell(std::promise<void> p) : gone_(std::move(p)) {}
  ~Farewell() { gone_.set_value(); }

 private:
  std::promise<void> gone_;
};

/// Receives nothing. stop() stops the inputs before it waits for the batches,
/// so this receiver's onReceiverStopped shows that a stop is under way.
class Idle final : public rill::Receiver<int> {
 public:
  void onStart() override {}
  void onStop() override {}
};

rill::SparkConf quickStops() {
  return conf().set("spark.streaming.gracefulStopTimeout", "50ms").set("rill.streaming.forcedStopTimeout", "50ms");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a graceful stop whose batch never ends returns after its timeouts, with warnings") {
  ManualContext m(quickStops());
  auto events = record(m.ssc);
  auto stuck = std::make_shared<Stuck>();
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}}));
  input.foreachRDD([stuck](const auto&) { stuck->block(); });
  m.ssc.start();
  m.clock->spend(1s);  // batch 1000 becomes due; advance() would wait for it forever
  REQUIRE(stuck->awaitEntered());

  m.ssc.stop(false, true);  // returns although batch 1000 never ends
  CHECK((m.ssc.getState() == rill::StreamingContext::State::STOPPED));
  CHECK(m.ssc.awaitTerminationOrTimeout(0ms));
  const auto warnings = events->warnings();
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] ==
        "rill: the graceful stop did not finish within spark.streaming.gracefulStopTimeout (50 ms); data received and "
        "not yet processed is dropped, as in a forced stop");
  CHECK(warnings[1] ==
        "rill: stop(): the batch of 1000 ms is still running after rill.streaming.forcedStopTimeout (50 ms): a "
        "function of it does not return. The context stops without it; its thread is left behind and does nothing "
        "more if the function returns");
  CHECK(events->completed().empty());
  stuck->release();
}

TEST_CASE("a forced stop leaves a stuck batch behind; the context can go away before the function returns") {
  std::promise<void> gone;
  auto graphReleased = gone.get_future();
  auto stuck = std::make_shared<Stuck>();
  rill::SparkContext sc(quickStops());
  auto clock = std::make_shared<rill::ManualClock>();
  std::shared_ptr<Recorder> events;
  {
    rill::StreamingContext ssc(sc, 1s, clock);
    events = record(ssc);
    auto farewell = std::make_shared<Farewell>(std::move(gone));
    auto input = ssc.queueStream(queueOf(sc, Ints{{1}, {2}}));
    input.foreachRDD([stuck, farewell](const auto&) { stuck->block(); });
    auto out = collectBatches(input);
    ssc.start();
    clock->spend(1s);
    REQUIRE(stuck->awaitEntered());
    ssc.stop(true);  // forced, and the SparkContext too: no job of it is running
    CHECK(sc.isStopped());
    const auto warnings = events->warnings();
    REQUIRE(warnings.size() == 1);
    CHECK(contains(warnings[0], "rill: stop(): the batch of 1000 ms is still running after "
                                "rill.streaming.forcedStopTimeout (50 ms)"));
    CHECK(out->values().empty());
  }  // the context is destroyed while its batch is still inside the function
  stuck->release();
  // The thread left behind returns from the function, does nothing more (no
  // output, no events) and lets go of the graph, which frees the function.
  REQUIRE(graphReleased.wait_for(kSafety) == std::future_status::ready);
  CHECK(events->completed().empty());
  CHECK(events->warnings().size() == 1);
}

TEST_CASE("a stop during a batch that ends in time waits for it, without warnings") {
  for (const bool graceful : {false, true}) {
    CAPTURE(graceful);
    ManualContext m;  // default stop timeouts: far longer than the batch is held
    auto events = record(m.ssc);
    auto stuck = std::make_shared<Stuck>();
    auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}, {3}}));
    input.foreachRDD([stuck](const auto&) { stuck->block(); });
    auto out = collectBatches(input);  // the batch's second output, after the held one
    m.ssc.receiverStream(std::make_shared<Idle>()).print();
    m.ssc.start();
    m.clock->spend(1s);  // batch 1000 becomes due; advance() would wait for it
    REQUIRE(stuck->awaitEntered());

    // What had been output when stop() returned.
    auto stopped = std::async(std::launch::async, [&] {
      m.ssc.stop(false, graceful);
      return out->values();
    });
    REQUIRE(events->waitUntil([](const Recorder& r) { return !r.receiverStopped().empty(); }));  // stop() has begun
    CHECK(stopped.wait_for(0s) == std::future_status::timeout);  // and cannot finish while the batch is held
    stuck->release();
    REQUIRE(stopped.wait_for(kSafety) == std::future_status::ready);
    // stop() returned once the held batch had run to its end, its later output
    // included; a graceful stop had also run the batches still queued, a forced one none.
    CHECK(stopped.get() == (graceful ? Ints{{1}, {2}, {3}} : Ints{{1}}));
    CHECK(events->completed().size() == (graceful ? 3u : 1u));
    CHECK(events->warnings().empty());
    CHECK((m.ssc.getState() == rill::StreamingContext::State::STOPPED));
  }
}

TEST_CASE("stop settings: Spark's defaults and duration syntax; malformed values fail when the context is made") {
  using rill::detail::StopSettings;
  const auto defaults = StopSettings::fromConf(rill::SparkConf(), rill::Milliseconds(250));
  CHECK(defaults.gracefulTimeout == 2500ms);  // 10 batch intervals
  CHECK(defaults.forcedTimeout == 10s);
  CHECK_FALSE(defaults.gracefulOnShutdown);

  auto timeout = [](const std::string& text) {
    return rill::detail::confTimeMs(conf().set("k", text), "k", 0ms).count();
  };
  CHECK(timeout("500") == 500);
  CHECK(timeout("500ms") == 500);
  CHECK(timeout(" 10s ") == 10'000);
  CHECK(timeout("2min") == 120'000);
  CHECK(timeout("2m") == 120'000);
  CHECK(timeout("1h") == 3'600'000);
  CHECK(timeout("1d") == 86'400'000);
  CHECK(timeout("1500us") == 1);
  CHECK(timeout("10S") == 10'000);  // units in any case, as Spark's
  CHECK(timeout("2Min") == 120'000);
  CHECK(timeout("0") == 0);
  for (const char* bad : {"", "soon", "-1s", "10 s", "1.5s", "10sec", "99999999999999999999"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(timeout(bad), std::invalid_argument);
  }
  CHECK(StopSettings::fromConf(conf().set("spark.streaming.stopGracefullyOnShutdown", "TRUE"), 1s).gracefulOnShutdown);

  rill::SparkContext sc(conf().set("spark.streaming.gracefulStopTimeout", "soon"));
  CHECK_THROWS_WITH_AS(rill::StreamingContext(sc, 1s),
                       "rill: setting 'spark.streaming.gracefulStopTimeout' must be a duration such as 500ms, 10s or "
                       "2min (no unit: ms), got 'soon'",
                       std::invalid_argument);
  rill::SparkContext sc2(conf().set("spark.streaming.stopGracefullyOnShutdown", "yes"));
  CHECK_THROWS_WITH_AS(rill::StreamingContext(sc2, 1s),
                       "rill: setting 'spark.streaming.stopGracefullyOnShutdown' must be true or false, got 'yes'",
                       std::invalid_argument);
}

TEST_CASE("stop() from a listener's event stops a context whose receiver reports its stop to the listeners") {
  // The receiver's onReceiverStopped event waits for the bus, which the
  // listener calling stop() holds: stop() must not wait for it there.
  struct Idle final : rill::Receiver<int> {
    void onStart() override {}
    void onStop() override {}
  };
  struct StopOnCompleted final : rill::StreamingListener {
    explicit StopOnCompleted(rill::StreamingContext& c) : ssc(&c) {}
    void onBatchCompleted(const rill::BatchInfo&) override { ssc->stop(false); }
    rill::StreamingContext* ssc;
  };
  ManualContext m;
  auto events = record(m.ssc);
  m.ssc.receiverStream(std::make_shared<Idle>()).foreachRDD([](const auto&) {});
  m.ssc.addStreamingListener(std::make_shared<StopOnCompleted>(m.ssc));
  m.ssc.start();
  auto advanced = std::async(std::launch::async, [&] { m.clock->advance(1s); });
  REQUIRE(m.ssc.awaitTerminationOrTimeout(10s));
  REQUIRE(advanced.wait_for(10s) == std::future_status::ready);
  m.ssc.stop(false);
  CHECK(events->completed().size() == 1);
  CHECK(events->waitUntil([](const Recorder& r) { return r.receiverStopped().size() == 1; }));
}
