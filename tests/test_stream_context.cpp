// StreamingContext rules: argument and state checks, batch times on a
// ManualClock, scheduling delay when batches fall behind, listener batch
// events, failures of user code, termination.
#include "stream_test_support.hpp"

#include <stdexcept>
#include <string>
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
  CHECK_THROWS_WITH_AS(m.ssc.awaitTermination(), "unlucky 13", std::runtime_error);
  m.clock->advance(1s);  // the context keeps running, as Spark's does
  m.ssc.stop(false);
  CHECK(out->values() == std::vector<std::vector<int>>{{10, 20}, {40}});
  const auto done = events->completed();
  REQUIRE(done.size() == 3);
  CHECK_FALSE(done[0].failureReason.has_value());
  CHECK(done[1].failureReason.value_or("") == "unlucky 13");
  CHECK_FALSE(done[2].failureReason.has_value());
}

TEST_CASE("awaitTerminationOrTimeout: false while running, true once stopped") {
  ManualContext m;
  m.ssc.queueStream(queueOf(m.sc, Ints{})).print();
  m.ssc.start();
  CHECK_FALSE(m.ssc.awaitTerminationOrTimeout(10ms));
  std::thread stopper([&] { m.ssc.stop(false); });
  m.ssc.awaitTermination();
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
