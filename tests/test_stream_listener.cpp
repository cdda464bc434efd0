// The listener's output operation events (each job of a batch: id, name,
// description, start and end on the context's clock, failure) and
// removeStreamingListener, on a ManualClock.
#include "stream_test_support.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace rill_stream_test;
using Ints = std::vector<std::vector<int>>;

namespace {

/// Records output operation and batch events as one line each, in order.
class OutputRecorder : public rill::StreamingListener {
 public:
  void onBatchStarted(const rill::BatchInfo& b) override { add("batch started " + b.batchTime.toString()); }
  void onBatchCompleted(const rill::BatchInfo& b) override { add("batch completed " + b.batchTime.toString()); }
  void onOutputOperationStarted(const rill::OutputOperationInfo& op) override {
    add("started " + describe(op));
    std::lock_guard lock(mutex_);
    started_.push_back(op);
  }
  void onOutputOperationCompleted(const rill::OutputOperationInfo& op) override {
    add("completed " + describe(op));
    std::lock_guard lock(mutex_);
    completed_.push_back(op);
  }

  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  std::vector<rill::OutputOperationInfo> started() const {
    std::lock_guard lock(mutex_);
    return started_;
  }
  std::vector<rill::OutputOperationInfo> completed() const {
    std::lock_guard lock(mutex_);
    return completed_;
  }

 protected:
  void add(const std::string& line) {
    std::lock_guard lock(mutex_);
    lines_.push_back(line);
  }

 private:
  static std::string ms(const std::optional<rill::Time>& t) { return t ? std::to_string(t->milliseconds()) : "-"; }
  static std::string describe(const rill::OutputOperationInfo& op) {
    return op.batchTime.toString() + " #" + std::to_string(op.id) + " " + op.name + " [" + ms(op.startTime) + ", " +
           ms(op.endTime) + "]" + (op.failureReason ? " failed: " + *op.failureReason : "");
  }

  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  std::vector<rill::OutputOperationInfo> started_, completed_;
};

}  // namespace

TEST_CASE("onOutputOperationStarted/Completed: each job of a batch, numbered in the batch, timed on the clock") {
  ManualContext m;
  auto events = std::make_shared<OutputRecorder>();
  m.ssc.addStreamingListener(events);
  std::ostringstream printed;
  m.ssc.setPrintStream(printed);
  auto clock = m.clock;
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}}));
  input.foreachRDD([clock](const auto&) { clock->spend(300ms); });
  input.window(2s, 2s).print();  // has a job only at 2000
  input.foreachRDD([clock](const auto&, rill::Time t) {
    clock->spend(100ms);
    if (t.milliseconds() == 2000) throw std::runtime_error("boom");
  });
  m.ssc.start();
  m.clock->setTime(1000);
  m.clock->setTime(2000);
  CHECK_THROWS_WITH_AS(m.ssc.awaitTerminationOrTimeout(0ms), "boom", std::runtime_error);
  m.ssc.stop(false);

  CHECK(events->lines() == std::vector<std::string>{
                               "batch started 1000 ms",
                               "started 1000 ms #0 foreachRDD [1000, -]",
                               "completed 1000 ms #0 foreachRDD [1000, 1300]",
                               "started 1000 ms #1 foreachRDD [1300, -]",
                               "completed 1000 ms #1 foreachRDD [1300, 1400]",
                               "batch completed 1000 ms",
                               "batch started 2000 ms",
                               "started 2000 ms #0 foreachRDD [2000, -]",
                               "completed 2000 ms #0 foreachRDD [2000, 2300]",
                               "started 2000 ms #1 print [2300, -]",
                               "completed 2000 ms #1 print [2300, 2300]",
                               "started 2000 ms #2 foreachRDD [2300, -]",
                               "completed 2000 ms #2 foreachRDD [2300, 2400] failed: boom",
                               "batch completed 2000 ms",
                           });
  const auto done = events->completed();
  REQUIRE(done.size() == 5);
  // The description names the output among the context's, in definition order.
  CHECK(done[0].description == "foreachRDD (output operation 0 of the context)");
  CHECK(done[1].description == "foreachRDD (output operation 2 of the context)");
  CHECK(done[3].description == "print (output operation 1 of the context)");
  CHECK(done[0].duration() == std::optional<rill::Duration>(300ms));
  CHECK(done[3].duration() == std::optional<rill::Duration>(0ms));
  CHECK(done[4].duration() == std::optional<rill::Duration>(100ms));
  CHECK_FALSE(events->started()[0].duration().has_value());
  CHECK(printed.str() == "-------------------------------------------\nTime: 2000 ms\n"
                         "-------------------------------------------\n1\n2\n\n");
}

TEST_CASE("saveAsTextFiles is named in its output operation events") {
  ManualContext m;
  auto events = std::make_shared<OutputRecorder>();
  m.ssc.addStreamingListener(events);
  const std::string dir = tmpDir("stream_listener_save");
  m.ssc.queueStream(queueOf(m.sc, Ints{{1}})).saveAsTextFiles(dir + "/out", "txt");
  m.ssc.start();
  m.clock->advance(1s);
  m.ssc.stop(false);
  const auto done = events->completed();
  REQUIRE(done.size() == 1);
  CHECK(done[0].name == "saveAsTextFiles");
  CHECK(done[0].description == "saveAsTextFiles (output operation 0 of the context)");
  CHECK_FALSE(done[0].failureReason.has_value());
}

namespace {

/// Removes itself from the context when its first batch completes.
class RemovesItself final : public OutputRecorder, public std::enable_shared_from_this<RemovesItself> {
 public:
  explicit RemovesItself(rill::StreamingContext& ssc) : ssc_(&ssc) {}
  void onBatchCompleted(const rill::BatchInfo& b) override {
    OutputRecorder::onBatchCompleted(b);
    ssc_->removeStreamingListener(shared_from_this());
  }

 private:
  rill::StreamingContext* ssc_;
};

}  // namespace

TEST_CASE("removeStreamingListener: no events after it, also when a listener removes itself inside an event") {
  ManualContext m;
  auto kept = std::make_shared<OutputRecorder>();
  auto removed = std::make_shared<OutputRecorder>();
  auto self = std::make_shared<RemovesItself>(m.ssc);
  m.ssc.addStreamingListener(kept);
  m.ssc.addStreamingListener(removed);
  m.ssc.addStreamingListener(self);
  m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}, {3}})).foreachRDD([](const auto&) {});
  m.ssc.start();
  m.clock->advance(1s);
  m.ssc.removeStreamingListener(removed);
  m.clock->advance(1s);
  m.ssc.removeStreamingListener(removed);  // not registered any more: nothing happens
  m.clock->advance(1s);
  m.ssc.stop(false);
  const std::vector<std::string> first{"batch started 1000 ms", "started 1000 ms #0 foreachRDD [1000, -]",
                                       "completed 1000 ms #0 foreachRDD [1000, 1000]", "batch completed 1000 ms"};
  CHECK(removed->lines() == first);
  CHECK(self->lines() == first);
  CHECK(kept->lines().size() == 3 * first.size());
  CHECK(kept->lines().back() == "batch completed 3000 ms");
}

TEST_CASE("a listener added inside an event gets the events after it") {
  ManualContext m;
  auto late = std::make_shared<OutputRecorder>();
  struct Adder final : rill::StreamingListener {
    rill::StreamingContext* ssc;
    std::shared_ptr<OutputRecorder> late;
    bool added = false;
    void onBatchCompleted(const rill::BatchInfo&) override {
      if (!std::exchange(added, true)) ssc->addStreamingListener(late);
    }
  };
  auto adder = std::make_shared<Adder>();
  adder->ssc = &m.ssc;
  adder->late = late;
  m.ssc.addStreamingListener(adder);
  m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}})).foreachRDD([](const auto&) {});
  m.ssc.start();
  m.clock->advance(2s);
  m.ssc.stop(false);
  CHECK(late->lines() == std::vector<std::string>{"batch started 2000 ms", "started 2000 ms #0 foreachRDD [2000, -]",
                                                  "completed 2000 ms #0 foreachRDD [2000, 2000]",
                                                  "batch completed 2000 ms"});
}

TEST_CASE("a listener that throws is skipped for that event: the others get every event and a warning naming it") {
  ManualContext m;
  struct Thrower final : rill::StreamingListener {
    void onBatchStarted(const rill::BatchInfo& b) override {
      throw std::runtime_error("listener broke at " + b.batchTime.toString());
    }
    void onBatchCompleted(const rill::BatchInfo&) override { throw 42; }  // not a std::exception
    void onWarning(const std::string&) override { throw std::runtime_error("and on warnings too"); }
  };
  m.ssc.addStreamingListener(std::make_shared<Thrower>());
  auto kept = std::make_shared<OutputRecorder>();
  m.ssc.addStreamingListener(kept);
  auto warnings = record(m.ssc);
  auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}})));
  m.ssc.start();
  m.clock->advance(1s);
  m.clock->advance(1s);
  CHECK_FALSE(m.ssc.awaitTerminationOrTimeout(0ms));  // no batch failed
  m.ssc.stop(false);
  CHECK(out->values() == Ints{{1}, {2}});
  CHECK(kept->lines() == std::vector<std::string>{
                             "batch started 1000 ms", "started 1000 ms #0 foreachRDD [1000, -]",
                             "completed 1000 ms #0 foreachRDD [1000, 1000]", "batch completed 1000 ms",
                             "batch started 2000 ms", "started 2000 ms #0 foreachRDD [2000, -]",
                             "completed 2000 ms #0 foreachRDD [2000, 2000]", "batch completed 2000 ms"});
  const std::string skipped = "rill: a StreamingListener threw from an event and was skipped: ";
  CHECK(warnings->warnings() == std::vector<std::string>{skipped + "listener broke at 1000 ms",
                                                         skipped + "unknown exception",
                                                         skipped + "listener broke at 2000 ms",
                                                         skipped + "unknown exception"});
  CHECK(warnings->completed().size() == 2);
}
