// receiverStream with user-written receivers: stored records are cut into
// batches; failures restart the receiver; the buffer bound and the rate limit
// block the receiver; a graceful stop loses nothing.
#include "finishes.hpp"
#include "stream_test_support.hpp"

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace rill_stream_test;

namespace {

// Stores nothing by itself: the test calls store() (any thread may).
class Inbox final : public rill::Receiver<int> {
 public:
  void onStart() override { ++starts; }
  void onStop() override { ++stops; }
  std::string name() const override { return "Inbox"; }
  std::atomic<int> starts{0}, stops{0};
};

// Stores `count` numbers from its own thread, one store() at a time.
class Counter final : public rill::Receiver<int> {
 public:
  explicit Counter(int count) : count_(count) {}
  void onStart() override {
    spawn([this] {
      for (int i = 0; i < count_ && !isStopped(); ++i) {
        store(i);
        ++stored;
      }
    });
  }
  void onStop() override {}
  std::atomic<int> stored{0};

 private:
  int count_;
};

std::vector<std::int64_t> recordsPerBatch(const Recorder& r) {
  std::vector<std::int64_t> n;
  for (const auto& b : r.completed()) n.push_back(b.numRecords);
  return n;
}

rill::SparkConf quickRestarts() { return conf().set("spark.streaming.receiverRestartDelay", "1"); }

/// A started context whose input is `receiver`, restarting it after 1 ms.
template <class R>
InputCase<int> receiverCase(std::shared_ptr<R> receiver) {
  return InputCase<int>(quickRestarts(), [&](rill::StreamingContext& ssc) { return ssc.receiverStream(receiver); });
}

}  // namespace

TEST_CASE("records a receiver stores are cut into the next batch, in worker-count partitions") {
  ManualContext m;
  auto events = record(m.ssc);
  auto inbox = std::make_shared<Inbox>();
  auto input = m.ssc.receiverStream(inbox);
  auto parts = collectBatches(input.glom());
  m.ssc.start();
  REQUIRE(events->waitUntil([](const Recorder& r) { return r.receiverStarted().size() == 1; }));
  const auto started = events->receiverStarted()[0];
  CHECK(started.streamId == 0);
  CHECK(started.name == "Inbox-0");
  CHECK(started.active);

  for (int i = 1; i <= 5; ++i) inbox->store(i);
  m.clock->advance(1s);
  inbox->store(std::vector<int>{6, 7, 8});
  m.clock->advance(1s);
  m.clock->advance(1s);
  inbox->store(9);
  m.clock->advance(1s);
  m.ssc.stop(false);
  using Parts = std::vector<std::vector<int>>;
  CHECK(parts->values() == std::vector<Parts>{{{1, 2}, {3, 4, 5}}, {{6}, {7, 8}}, {}, {{9}}});
  CHECK(recordsPerBatch(*events) == std::vector<std::int64_t>{5, 3, 0, 1});
  CHECK(inbox->starts == 1);
  CHECK(inbox->stops == 1);
  REQUIRE(events->receiverStopped().size() == 1);
  CHECK_FALSE(events->receiverStopped()[0].active);
  CHECK(events->receiverErrors().empty());
}

TEST_CASE("a receiver whose onStart throws is reported and started again") {
  struct FlakyStart final : rill::Receiver<int> {
    std::atomic<int> attempts{0};
    void onStart() override {
      if (++attempts < 3) throw std::runtime_error("device busy");
      store(42);
    }
    void onStop() override {}
    std::string name() const override { return "FlakyStart"; }
  };
  auto c = receiverCase(std::make_shared<FlakyStart>());
  REQUIRE(rill::detail::awaitBuffered(c.input, 1, kSafety));
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<std::vector<int>>{{42}});
  const auto errors = c.events->receiverErrors();
  REQUIRE(errors.size() == 2);
  for (const auto& e : errors) {
    CHECK(e.name == "FlakyStart-0");
    CHECK(e.lastErrorMessage == "rill: receiver FlakyStart-0 failed to start: device busy");
    CHECK(e.lastErrorTime.has_value());
    CHECK_FALSE(e.active);
  }
}

TEST_CASE("an exception escaping a receiver's thread restarts it; restart(reason) does the same") {
  struct Failing final : rill::Receiver<int> {
    std::atomic<int> starts{0}, stops{0};
    void onStart() override {
      const int n = ++starts;
      spawn([this, n] {
        store(n);
        if (n == 1) throw std::runtime_error("lost the device");
        if (n == 2) restart("rill-test: asked to restart");
      });
    }
    void onStop() override { ++stops; }
    std::string name() const override { return "Failing"; }
  };
  auto failing = std::make_shared<Failing>();
  auto c = receiverCase(failing);
  REQUIRE(rill::detail::awaitBuffered(c.input, 3, kSafety));
  REQUIRE(c.events->waitUntil([](const Recorder& r) { return r.receiverStarted().size() == 3; }));
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<std::vector<int>>{{1, 2, 3}});
  const auto errors = c.events->receiverErrors();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].lastErrorMessage == "rill: receiver Failing-0 thread failed: lost the device");
  CHECK(errors[1].lastErrorMessage == "rill-test: asked to restart");
  CHECK(failing->starts == 3);
  CHECK(failing->stops == 3);  // after each restart request, and at the final stop
}

TEST_CASE("stop(reason) ends the receiver for good while the context runs on") {
  struct Quitter final : rill::Receiver<int> {
    void onStart() override {
      spawn([this] {
        store(std::vector<int>{1, 2});
        stop("rill-test: no more input");
      });
    }
    void onStop() override {}
  };
  ManualContext m(quickRestarts());
  auto events = record(m.ssc);
  auto input = m.ssc.receiverStream(std::make_shared<Quitter>());
  auto out = collectBatches(input.map([](int x) { return x + 100; }));
  m.ssc.start();
  REQUIRE(events->waitUntil([](const Recorder& r) { return r.receiverStopped().size() == 1; }));
  m.clock->advance(1s);
  m.clock->advance(1s);
  CHECK((m.ssc.getState() == rill::StreamingContext::State::ACTIVE));
  m.ssc.stop(false);
  CHECK(out->values() == std::vector<std::vector<int>>{{101, 102}, {}});
  const auto stopped = events->receiverStopped();
  REQUIRE(stopped.size() == 1);
  CHECK(stopped[0].lastErrorMessage == "rill-test: no more input");
  CHECK(events->receiverStarted().size() == 1);
  CHECK(events->receiverErrors().empty());
}

TEST_CASE("a full buffer blocks the receiver instead of growing; stop does not wait for space") {
  ManualContext m(conf().set("rill.streaming.receiver.maxBufferedRecords", "3"));
  auto events = record(m.ssc);
  auto counter = std::make_shared<Counter>(10);
  auto input = m.ssc.receiverStream(counter);
  input.count().print();
  m.ssc.start();
  for (int batch = 0; batch < 3; ++batch) {
    REQUIRE(rill::detail::awaitBuffered(input, 3, kSafety));  // full: the writer now waits for the cut
    m.clock->advance(1s);
  }
  REQUIRE(rill::detail::awaitBuffered(input, 1, kSafety));
  m.clock->advance(1s);
  CHECK(recordsPerBatch(*events) == std::vector<std::int64_t>{3, 3, 3, 1});
  m.ssc.stop(false);  // joins the receiver's thread, which counts a record after store() returns
  CHECK(counter->stored == 10);
}

TEST_CASE("stop returns while the receiver is blocked on a full buffer") {
  ManualContext m(conf().set("rill.streaming.receiver.maxBufferedRecords", "2"));
  auto counter = std::make_shared<Counter>(1000);
  auto input = m.ssc.receiverStream(counter);
  input.print();
  m.ssc.start();
  REQUIRE(rill::detail::awaitBuffered(input, 2, kSafety));
  rill_test::finishes("stop() with the receiver blocked on a full buffer", [&] { m.ssc.stop(false); });
  CHECK(counter->stored <= 3);  // two buffered, at most one more let through by the stop
}

TEST_CASE("the rate limit spaces records 1/maxRate apart on the streaming clock") {
  // 5 records/s from t = 500 ms: permits at 500, 700, 900 | 1100, ..., 1900 | 2100 ...
  // so no permit falls on a batch time and every batch's count is exact.
  ManualContext m(conf().set("spark.streaming.receiver.maxRate", "5"), 500);
  auto events = record(m.ssc);
  auto counter = std::make_shared<Counter>(100);
  auto input = m.ssc.receiverStream(counter);
  input.print();
  m.ssc.start();
  m.clock->setTime(999);
  REQUIRE(rill::detail::awaitBuffered(input, 3, kSafety));
  m.clock->setTime(1000);
  m.clock->setTime(1999);
  REQUIRE(rill::detail::awaitBuffered(input, 5, kSafety));
  m.clock->setTime(2000);
  CHECK(recordsPerBatch(*events) == std::vector<std::int64_t>{3, 5});
  m.ssc.stop(false);  // also wakes the receiver waiting for its next permit
  CHECK(counter->stored <= 9);
}

TEST_CASE("a graceful stop runs batches until everything received is processed") {
  ManualContext m;
  auto events = record(m.ssc);
  auto inbox = std::make_shared<Inbox>();
  auto input = m.ssc.receiverStream(inbox);
  input.count().print();
  m.ssc.start();
  std::vector<int> many(12345);
  inbox->store(many);
  m.ssc.stop(false, true);  // no clock advance: the pending batch runs anyway
  CHECK(recordsPerBatch(*events) == std::vector<std::int64_t>{12345});
}

TEST_CASE("a receiver feeds one stream, and stores only while it runs") {
  ManualContext m;
  auto inbox = std::make_shared<Inbox>();
  CHECK_THROWS_AS(inbox->store(1), rill::IllegalStateException);
  CHECK(inbox->isStopped());
  auto input = m.ssc.receiverStream(inbox);
  auto out = collectBatches(input);
  inbox->store(7);  // attached, not yet started: kept for the first batch
  CHECK_THROWS_WITH_AS(m.ssc.receiverStream(inbox), "rill: receiverStream: this Receiver already feeds another stream",
                       std::invalid_argument);
  CHECK_THROWS_AS(m.ssc.receiverStream(std::shared_ptr<Inbox>()), std::invalid_argument);
  m.ssc.start();
  m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(out->values() == std::vector<std::vector<int>>{{7}});
}

TEST_CASE("receiver settings are checked when the stream is defined") {
  ManualContext m(conf().set("spark.streaming.receiver.maxRate", "-1"));
  CHECK_THROWS_WITH_AS(m.ssc.receiverStream(std::make_shared<Inbox>()),
                       "rill: setting 'spark.streaming.receiver.maxRate' must be >= 0, got -1", std::invalid_argument);
  ManualContext z(conf().set("rill.streaming.receiver.maxBufferedRecords", "0"));
  CHECK_THROWS_WITH_AS(z.ssc.receiverStream(std::make_shared<Inbox>()),
                       "rill: setting 'rill.streaming.receiver.maxBufferedRecords' must be positive, got 0",
                       std::invalid_argument);
}

TEST_CASE("the restart delay doubles while the receiver keeps failing, up to receiverRestartDelayMax") {
  // Fails every start, except the 4th, which stores a record before asking for a
  // restart: having worked for a while, the next wait starts again from the first delay.
  struct AlwaysFailing final : rill::Receiver<int> {
    std::atomic<int> starts{0};
    void onStart() override {
      const int k = starts++;
      if (k == 3) {
        store(7);
        restart("rill-test: stored one, restarting");
        return;
      }
      throw std::runtime_error("start " + std::to_string(k) + " failed");
    }
    void onStop() override {}
    std::string name() const override { return "AlwaysFailing"; }
  };
  const auto settings = conf()
                            .set("spark.streaming.receiverRestartDelay", "10")
                            .set("rill.streaming.receiverRestartDelayMax", "40");
  auto receiver = std::make_shared<AlwaysFailing>();
  InputCase<int> c(settings, [&](rill::StreamingContext& ssc) { return ssc.receiverStream(receiver); });
  REQUIRE(c.events->waitUntil([](const Recorder& r) { return r.receiverErrors().size() >= 8; }));
  c.m.ssc.stop(false);
  const auto errors = c.events->receiverErrors();
  REQUIRE(errors.size() >= 8);
  // The wait the supervisor chose after each failure, as the onReceiverError event reports it.
  const std::int64_t expected[] = {10, 20, 40, 10, 20, 40, 40, 40};
  for (std::size_t i = 0; i < 8; ++i) {
    CAPTURE(i);
    REQUIRE(errors[i].restartDelay.has_value());
    CHECK(errors[i].restartDelay->count() == expected[i]);
    CHECK(errors[i].lastErrorMessage == (i == 3 ? std::string("rill-test: stored one, restarting")
                                                : "rill: receiver AlwaysFailing-0 failed to start: start " +
                                                      std::to_string(i) + " failed"));
  }
}

TEST_CASE("an error a receiver reports without restarting carries no restart delay") {
  auto inbox = std::make_shared<Inbox>();
  auto c = receiverCase(inbox);
  REQUIRE(c.events->waitUntil([](const Recorder& r) { return r.receiverStarted().size() == 1; }));
  inbox->reportError("rill-test: just so you know");
  c.m.ssc.stop(false);
  const auto errors = c.events->receiverErrors();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].lastErrorMessage == "rill-test: just so you know");
  CHECK_FALSE(errors[0].restartDelay.has_value());
  CHECK(inbox->starts == 1);
}
