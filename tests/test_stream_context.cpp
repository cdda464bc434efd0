// StreamingContext rules: argument and state checks, batch times on a
// ManualClock, scheduling delay when batches fall behind, listener batch
// events (exact processing times), failures of user code, termination, and
// stop(stopSparkContext, stopGracefully).
#include "finishes.hpp"
#include "stream_test_support.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace rill_stream_test;

using Ints = std::vector<std::vector<int>>;

TEST_CASE("a batch duration must be positive and whole milliseconds") {
  rill::SparkContext sc(conf());
  CHECK_THROWS_WITH_AS(rill::StreamingContext(sc, 0s), "rill: batch duration must be positive, got 0 us",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(rill::StreamingContext(sc, -2s), "rill: batch duration must be positive, got -2000000 us",
                       std::invalid_argument);
  CHECK_THROWS_AS(rill::StreamingContext(sc, 1500us), std::invalid_argument);
  CHECK_NOTHROW(rill::StreamingContext(sc, 1ms));
}

TEST_CASE("a floating-point batch duration that is NaN, infinite or too large is refused before any conversion") {
  rill::SparkContext sc(conf());
  using Seconds = std::chrono::duration<double>;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(rill::StreamingContext(sc, Seconds(nan)),
                       doctest::Contains("rill: batch duration must be finite and under 9e15 ms, got "),
                       std::invalid_argument);
  CHECK_THROWS_AS(rill::StreamingContext(sc, Seconds(inf)), std::invalid_argument);
  CHECK_THROWS_AS(rill::StreamingContext(sc, Seconds(-inf)), std::invalid_argument);
  CHECK_THROWS_AS(rill::StreamingContext(sc, Seconds(1e300)), std::invalid_argument);
  CHECK_THROWS_AS(rill::StreamingContext(sc, Seconds(-1e300)), std::invalid_argument);
  CHECK_THROWS_WITH_AS(rill::StreamingContext(sc, Seconds(-2.0)), "rill: batch duration must be positive, got -2000000 us",
                       std::invalid_argument);
  CHECK(rill::StreamingContext(sc, Seconds(1.5)).batchDuration() == 1500ms);
}

TEST_CASE("queueStream refuses a null queue at the call") {
  ManualContext m;
  CHECK_THROWS_WITH_AS(m.ssc.queueStream(std::shared_ptr<rill::RDDQueue<int>>()),
                       "rill: queueStream needs a queue, got a null pointer", std::invalid_argument);
  CHECK(m.ssc.graph().inputs().empty());
}

TEST_CASE("remember refuses a negative duration; zero is allowed") {
  ManualContext m;
  CHECK_THROWS_WITH_AS(m.ssc.remember(-1s), "rill: remember(duration) needs a duration of zero or more, got -1000 ms",
                       std::invalid_argument);
  CHECK_NOTHROW(m.ssc.remember(0s));
  CHECK_NOTHROW(m.ssc.remember(5s));
}

TEST_CASE("start needs an output, happens once, and freezes the graph") {
  ManualContext m;
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{}));
  auto doubled = input.map([](int x) { return 2 * x; });
  CHECK_THROWS_WITH_AS(m.ssc.start(), "rill: no output operations registered, so nothing to execute",
                       rill::IllegalStateException);
  CHECK((m.ssc.getState() == rill::StreamingContext::State::INITIALIZED));

  doubled.count().print();
  m.ssc.start();
  CHECK((m.ssc.getState() == rill::StreamingContext::State::ACTIVE));
  CHECK_THROWS_WITH_AS(m.ssc.start(), "rill: StreamingContext has already been started", rill::IllegalStateException);
  const char* late =
      "rill: adding new inputs, transformations, and output operations after starting a context is not supported";
  CHECK_THROWS_WITH_AS(input.map([](int x) { return x; }), late, rill::IllegalStateException);
  CHECK_THROWS_WITH_AS(doubled.filter([](int x) { return x > 0; }), late, rill::IllegalStateException);
  CHECK_THROWS_WITH_AS(input.count(), late, rill::IllegalStateException);
  CHECK_THROWS_WITH_AS(input.print(), late, rill::IllegalStateException);
  CHECK_THROWS_WITH_AS(m.ssc.queueStream(queueOf(m.sc, Ints{})), late, rill::IllegalStateException);
  m.ssc.stop(false);
  CHECK((m.ssc.getState() == rill::StreamingContext::State::STOPPED));
  CHECK_THROWS_AS(m.ssc.start(), rill::IllegalStateException);
}

TEST_CASE("batches fall at 1000, 2000, ... ms with the manual clock at 0 and a 1 s interval") {
  ManualContext m;
  auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2}, {3}, {}, {4, 5, 6}})));
  m.ssc.start();
  for (int i = 0; i < 5; ++i) m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(out->times() == std::vector<std::int64_t>{1000, 2000, 3000, 4000, 5000});
  CHECK(out->values() == std::vector<std::vector<int>>{{1, 2}, {3}, {}, {4, 5, 6}, {}});
}

TEST_CASE("the first batch is the first interval multiple after the clock's time") {
  ManualContext m(conf(), 2500);
  auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1}})));
  m.ssc.start();
  m.clock->setTime(2999);
  CHECK(out->times().empty());
  m.clock->setTime(3000);
  m.ssc.stop(false);
  CHECK(out->times() == std::vector<std::int64_t>{3000});
}

TEST_CASE("batches that fall behind run late, in order, none skipped; the listener sees the delay") {
  ManualContext m;
  auto events = record(m.ssc);
  auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2, 3}, {4}, {5, 6}})));
  m.ssc.start();
  m.clock->advance(3s);  // three intervals at once: 1000, 2000 and 3000 are all due
  m.ssc.stop(false);
  CHECK(out->values() == std::vector<std::vector<int>>{{1, 2, 3}, {4}, {5, 6}});
  const auto done = events->completed();
  REQUIRE(done.size() == 3);
  const std::int64_t expectedDelay[] = {2000, 1000, 0};
  const std::int64_t expectedRecords[] = {3, 1, 2};
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(done[i].batchTime.milliseconds() == 1000 * static_cast<std::int64_t>(i + 1));
    CHECK(done[i].numRecords == expectedRecords[i]);
    CHECK(done[i].submissionTime.milliseconds() == 3000);
    CHECK(done[i].schedulingDelay().value().count() == expectedDelay[i]);
    CHECK(done[i].processingDelay().value().count() == 0);  // the manual clock stands still during a batch
    CHECK(done[i].totalDelay().value().count() == expectedDelay[i]);
    CHECK_FALSE(done[i].failureReason.has_value());
  }
  CHECK(events->submitted().size() == 3);
  CHECK(events->started().size() == 3);
  CHECK_FALSE(events->started()[0].processingEndTime.has_value());
}

TEST_CASE("an exception in a user function fails its batch and is rethrown by awaitTermination") {
  ManualContext m;
  auto events = record(m.ssc);
  auto mapped = m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2}, {3, 13}, {4}})).map([](int x) {
    if (x == 13) throw std::runtime_error("unlucky 13");
    return x * 10;
  });
  auto out = collectBatches(mapped);
  m.ssc.start();
  m.clock->advance(1s);
  CHECK_FALSE(m.ssc.awaitTerminationOrTimeout(0ms));
  m.clock->advance(1s);
  // Bounded: were the failure not recorded, awaitTermination() would wait for a stop that never comes.
  CHECK_THROWS_WITH_AS(rill_test::finishes("awaitTermination()", [&] { m.ssc.awaitTermination(); }), "unlucky 13",
                       std::runtime_error);
  // The failure is kept, as Spark's ContextWaiter keeps it: every later wait rethrows it.
  CHECK_THROWS_WITH_AS(m.ssc.awaitTerminationOrTimeout(0ms), "unlucky 13", std::runtime_error);
  CHECK_THROWS_WITH_AS(rill_test::finishes("awaitTermination()", [&] { m.ssc.awaitTermination(); }), "unlucky 13",
                       std::runtime_error);
  m.clock->advance(1s);  // the context keeps running, as Spark's does
  m.ssc.stop(false);
  CHECK(out->values() == std::vector<std::vector<int>>{{10, 20}, {40}});
  const auto done = events->completed();
  REQUIRE(done.size() == 3);
  CHECK_FALSE(done[0].failureReason.has_value());
  CHECK(done[1].failureReason.value_or("") == "unlucky 13");
  CHECK_FALSE(done[2].failureReason.has_value());
  CHECK_THROWS_WITH_AS(m.ssc.awaitTerminationOrTimeout(0ms), "unlucky 13", std::runtime_error);  // also once stopped
}

TEST_CASE("awaitTerminationOrTimeout: false while running, true once stopped") {
  ManualContext m;
  m.ssc.queueStream(queueOf(m.sc, Ints{})).print();
  m.ssc.start();
  CHECK_FALSE(m.ssc.awaitTerminationOrTimeout(10ms));
  std::thread stopper([&] { m.ssc.stop(false); });
  CHECK(m.ssc.awaitTerminationOrTimeout(kSafety));  // waits for the stop under way
  stopper.join();
  CHECK(m.ssc.awaitTerminationOrTimeout(0ms));
}

TEST_CASE("a graceful stop processes queued batches without waiting for the clock") {
  ManualContext m;
  auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2, 3}, {4}})));
  m.ssc.start();
  m.clock->advance(1s);
  m.ssc.stop(false, true);
  CHECK(out->values() == std::vector<std::vector<int>>{{1}, {2, 3}, {4}});
  CHECK(out->times() == std::vector<std::int64_t>{1000, 2000, 3000});
}

// ---- stop(stopSparkContext, stopGracefully) ------------------------------------

namespace {
const char* const kScStopped = "rill: this SparkContext has been stopped";
}  // namespace

TEST_CASE("stop() stops the SparkContext by default, as Spark's, after the last batch has run") {
  SUBCASE("stop(true, true): the batches a graceful stop runs still use the SparkContext") {
    ManualContext m;
    auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2, 3}, {4}})).map([](int x) { return x * 10; }));
    m.ssc.start();
    m.clock->advance(1s);
    m.ssc.stop(true, true);
    CHECK(out->values() == Ints{{10}, {20, 30}, {40}});
    CHECK(m.sc.isStopped());
  }
  SUBCASE("stop() with no arguments") {
    ManualContext m;
    auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2}})));
    m.ssc.start();
    m.clock->advance(1s);
    m.ssc.stop();
    CHECK(out->values() == Ints{{1, 2}});
    CHECK(m.sc.isStopped());
  }
  SUBCASE("stop() before start()") {
    ManualContext m;
    m.ssc.stop();
    CHECK((m.ssc.getState() == rill::StreamingContext::State::STOPPED));
    CHECK(m.sc.isStopped());
  }
  SUBCASE("afterwards no job runs on the SparkContext, and no StreamingContext starts on it") {
    ManualContext m;
    m.ssc.stop();
    REQUIRE(m.sc.isStopped());
    CHECK_THROWS_WITH_AS(m.sc.parallelize(std::vector<int>{1, 2}).collect(), kScStopped,
                         rill::IllegalStateException);
    rill::StreamingContext next(m.sc, 1s, m.clock);
    next.queueStream(std::make_shared<rill::RDDQueue<int>>()).print();
    CHECK_THROWS_WITH_AS(next.start(), "rill: cannot start the StreamingContext: its SparkContext has been stopped",
                         rill::IllegalStateException);
    CHECK((next.getState() == rill::StreamingContext::State::INITIALIZED));
  }
}

TEST_CASE("stop(false) leaves the SparkContext usable; a later stop(true) still stops it") {
  ManualContext m;
  auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2}})));
  m.ssc.start();
  m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(out->values() == Ints{{1, 2}});
  CHECK_FALSE(m.sc.isStopped());
  CHECK(m.sc.parallelize(std::vector<int>{1, 2, 3}, 2).map([](int x) { return x + 1; }).collect() ==
        std::vector<int>{2, 3, 4});

  // A new StreamingContext runs on the same SparkContext.
  rill::StreamingContext again(m.sc, 1s, m.clock);
  auto out2 = collectBatches(again.queueStream(queueOf(m.sc, Ints{{7, 8}})));
  again.start();
  m.clock->advance(1s);
  again.stop(false);
  CHECK(out2->values() == Ints{{7, 8}});
  CHECK(out2->times() == std::vector<std::int64_t>{2000});
  CHECK_FALSE(m.sc.isStopped());

  // As Spark's: stop(true) on a context that has already stopped still stops the SparkContext.
  m.ssc.stop(true);
  CHECK(m.sc.isStopped());
  CHECK_THROWS_WITH_AS(m.sc.range(0, 3).count(), kScStopped, rill::IllegalStateException);
}

TEST_CASE("stop(true) from inside a batch stops the SparkContext once the batch's jobs have run") {
  ManualContext m;
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}, {3}}));
  input.foreachRDD([&m](const auto&, rill::Time t) {
    if (t.milliseconds() == 2000) m.ssc.stop(true);
  });
  auto out = collectBatches(input.map([](int x) { return x * 10; }));  // runs after the stop, in the same batch
  m.ssc.start();
  m.clock->advance(1s);
  m.clock->advance(1s);
  REQUIRE(m.ssc.awaitTerminationOrTimeout(kSafety));
  m.ssc.stop(false);  // joins the scheduler, which stopped the SparkContext as it finished
  CHECK(out->values() == Ints{{10}, {20}});
  CHECK(m.sc.isStopped());
}

// ---- exact processing times ----------------------------------------------------

TEST_CASE("the listener's processing and total delays are the time the batch's jobs took") {
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto events = record(ssc);
  auto input = ssc.queueStream(queueOf(sc, Ints{{1, 2}, {3}, {4, 5, 6}}));
  // Batch 1000's job takes 1.5 s, so batch 2000 starts late (at 2500) and takes 0.2 s.
  input.foreachRDD([clock](const auto&, rill::Time t) {
    if (t.milliseconds() == 1000) clock->spend(1500ms);
    if (t.milliseconds() == 2000) clock->spend(150ms);
  });
  input.foreachRDD([clock](const auto&, rill::Time t) {
    if (t.milliseconds() == 2000) clock->spend(50ms);  // a batch's processing time covers all its jobs
  });
  ssc.start();
  clock->setTime(1000);  // runs 1000, and 2000 which is due by then (the clock reads 2500)
  CHECK(clock->getTimeMillis() == 2700);
  clock->setTime(3000);
  ssc.stop(false);

  struct Expected {
    std::int64_t batch, records, submitted, started, ended;
  };
  const Expected expected[] = {{1000, 2, 1000, 1000, 2500}, {2000, 1, 2500, 2500, 2700}, {3000, 3, 3000, 3000, 3000}};
  const auto done = events->completed();
  REQUIRE(done.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    const auto& b = done[i];
    const auto& e = expected[i];
    CHECK(b.batchTime.milliseconds() == e.batch);
    CHECK(b.numRecords == e.records);
    CHECK(b.submissionTime.milliseconds() == e.submitted);
    CHECK(b.processingStartTime.value().milliseconds() == e.started);
    CHECK(b.processingEndTime.value().milliseconds() == e.ended);
    CHECK(b.schedulingDelay().value().count() == e.started - e.batch);
    CHECK(b.processingDelay().value().count() == e.ended - e.started);
    CHECK(b.totalDelay().value().count() == e.ended - e.batch);
  }
  // Spelled out: 1000 -> 0 / 1500 / 1500 ms; 2000 -> 500 / 200 / 700 ms; 3000 -> 0 / 0 / 0.
  CHECK(done[0].processingDelay().value().count() == 1500);
  CHECK(done[1].schedulingDelay().value().count() == 500);
  CHECK(done[1].processingDelay().value().count() == 200);
  CHECK(done[1].totalDelay().value().count() == 700);
  const auto started = events->started();
  REQUIRE(started.size() == 3);
  CHECK(started[1].processingStartTime.value().milliseconds() == 2500);
  CHECK_FALSE(started[1].processingEndTime.has_value());
}

// ---- waiting for termination from inside a batch ------------------------------

TEST_CASE("awaitTermination from inside a batch throws IllegalStateException instead of waiting forever") {
  const char* const kInside =
      "rill: awaitTermination() cannot be called from inside a batch (a foreachRDD, a transformation or a listener): "
      "the context cannot stop while the batch waits, so it would wait forever";
  ManualContext m;
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}}));
  std::vector<std::string> seen;  // written in the batch, read after advance() returned
  input.foreachRDD([&](const auto&, rill::Time t) {
    try {
      (void)m.ssc.awaitTerminationOrTimeout(1s);
    } catch (const rill::IllegalStateException& e) {
      seen.push_back(e.what());
    }
    if (t.milliseconds() == 2000) m.ssc.awaitTermination();  // not caught: fails the batch
  });
  m.ssc.start();
  m.clock->advance(1s);
  CHECK_FALSE(m.ssc.awaitTerminationOrTimeout(0ms));
  m.clock->advance(1s);
  CHECK_THROWS_WITH_AS(m.ssc.awaitTerminationOrTimeout(kSafety), kInside, rill::IllegalStateException);
  m.ssc.stop(false);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] ==
        "rill: awaitTerminationOrTimeout() cannot be called from inside a batch (a foreachRDD, a transformation or "
        "a listener): the context cannot stop while the batch waits, so it would wait forever");
}
