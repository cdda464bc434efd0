// Backpressure: a receiver that stores as fast as store() lets it, unthrottled,
// while batch jobs take 3 batch intervals of a ManualClock. Memory stays bounded
// because the receiver's buffer (rill.streaming.receiver.maxBufferedRecords)
// blocks store(): each batch holds exactly the cap; the batches falling behind
// show as exact scheduling delays in the listener; a graceful stop still
// processes every record that was stored. (Per-batch caps for a few records,
// and for spark.streaming.receiver.maxRate, are in test_stream_receiver.cpp.)
//
// Backpressure (spark.streaming.backpressure.*): the PID rate estimator's
// rates for given batches, the receiver's limiter following them under
// maxRate, and on a ManualClock the scheduling delay that grows without
// backpressure and settles with it.
#include "stream_test_support.hpp"

#include <rill/stream/rate_controller.hpp>
#include <rill/stream/rate_estimator.hpp>
#include <rill/stream/rate_limiter.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/receiver_stream.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace rill_stream_test;

namespace {

// Stores 0, 1, 2, ... as fast as store() lets it, until stopped.
class Firehose final : public rill::Receiver<std::int64_t> {
 public:
  void onStart() override {
    spawn([this] {
      for (std::int64_t i = stored.load(); !isStopped(); ++i) {
        store(i);
        stored = i + 1;
      }
    });
  }
  void onStop() override {}
  std::string name() const override { return "Firehose"; }
  std::atomic<std::int64_t> stored{0};
};

}  // namespace

TEST_CASE("a producer far faster than processing: bounded buffer, blocked store(), visible scheduling delay, no loss") {
  constexpr std::size_t kCap = 500;
  constexpr auto kInterval = 1s;  // ManualContext's batch
  constexpr int kSlowBatches = 4;
  ManualContext m(conf().set("rill.streaming.receiver.maxBufferedRecords", std::to_string(kCap)));
  auto events = record(m.ssc);
  auto firehose = std::make_shared<Firehose>();
  auto input = m.ssc.receiverStream(firehose);
  auto node = std::dynamic_pointer_cast<rill::detail::ReceiverInputNode<std::int64_t>>(input.node());
  REQUIRE(static_cast<bool>(node));

  std::atomic<int> batch{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> heldAtCap{true};
  std::atomic<std::int64_t> processed{0}, expectedNext{0};
  std::atomic<bool> inOrder{true};
  input.foreachRDD([&](const auto& rdd) {
    for (std::int64_t x : rdd.collect()) inOrder = inOrder && x == expectedNext++;
    processed += static_cast<std::int64_t>(rdd.count());
    if (stopping) return;  // the receiver is stopped: nothing fills the buffer any more
    // While the job runs no batch is cut: the producer fills the buffer and
    // then waits in store(), so the next batch is cut from a full buffer.
    if (!node->awaitBuffered(kCap, kSafety) || node->bufferedRecords() != kCap) heldAtCap = false;
    if (batch++ >= kSlowBatches) return;
    m.clock->spend(3 * kInterval);  // a slow job: 3 intervals, so the schedule falls behind
    if (node->bufferedRecords() != kCap) heldAtCap = false;
  });
  m.ssc.start();
  REQUIRE(node->awaitBuffered(kCap, kSafety));
  // Runs batch 1000 and every batch due by the time it and the batches after
  // it are done: the 4 slow ones end at 13000, and batches up to 13000 follow.
  m.clock->advance(kInterval);
  CHECK(m.clock->getTimeMillis() == 13000);
  stopping = true;
  m.ssc.stop(false, true);

  CHECK(heldAtCap);
  const auto done = events->completed();
  REQUIRE(done.size() == 14);  // 1000 ... 13000, then the graceful stop's batch of what was left
  for (std::size_t i = 0; i < done.size(); ++i) {
    CAPTURE(i);
    const std::int64_t batchMs = 1000 * static_cast<std::int64_t>(i + 1);
    CHECK(done[i].batchTime.milliseconds() == batchMs);
    CHECK_FALSE(done[i].failureReason.has_value());
    if (i + 1 == done.size()) break;
    // Cut from a full buffer, never more: store() waited at the cap.
    CHECK(done[i].numRecords == static_cast<std::int64_t>(kCap));
    // The slow batches start 3 s apart from 1000; the others all start at 13000.
    const std::int64_t startMs = i < kSlowBatches ? 1000 + 3000 * static_cast<std::int64_t>(i) : 13000;
    CHECK(done[i].schedulingDelay().value().count() == startMs - batchMs);
    CHECK(done[i].processingDelay().value().count() == (i < kSlowBatches ? 3000 : 0));
  }
  CHECK(done[1].schedulingDelay().value() == 2 * kInterval);  // due at 2000, started when batch 1000 ended at 4000
  // Stopping released the store() waiting on the full buffer, if one was: its
  // record is kept rather than lost, so the last batch holds the cap or one more.
  const std::int64_t stored = firehose->stored.load();
  CHECK(done.back().numRecords == stored - 13 * static_cast<std::int64_t>(kCap));
  CHECK(done.back().numRecords >= static_cast<std::int64_t>(kCap));
  CHECK(done.back().numRecords <= static_cast<std::int64_t>(kCap + 1));
  // Graceful stop: everything stored was processed, in order, exactly once.
  CHECK(processed == stored);
  CHECK(inOrder);
}

// ---- spark.streaming.backpressure.* ------------------------------------------

namespace {

rill::BackpressureSettings pid(double proportional, double integral, double derived, double minRate) {
  rill::BackpressureSettings s;
  s.enabled = true;
  s.proportional = proportional;
  s.integral = integral;
  s.derived = derived;
  s.minRate = minRate;
  return s;
}

// Every permit free at the clock's time, as a receiver that is always ahead takes them.
std::int64_t takeAll(rill::RateLimiter& limiter) {
  std::int64_t n = 0;
  while (limiter.tryAcquire()) ++n;
  return n;
}

}  // namespace

TEST_CASE("the PID rate estimator gives Spark's rates for a batch that slows down, then recovers") {
  // Spark's defaults: proportional 1, integral 0.2, derived 0, minRate 100; 1 s batches.
  rill::detail::PIDRateEstimator pidRate(1s, pid(1.0, 0.2, 0.0, 100.0));
  // The first batch only measures: 1000 records in 500 ms make 2000 records/s.
  CHECK_FALSE(pidRate.compute(1000, 1000, 500, 0).has_value());
  // 2000 records took 2 s (1000/s) after waiting 1 s: error 2000 - 1000, behind
  // 1 s x 1000/s over 1 s = 1000, so 2000 - 1000 - 0.2 x 1000.
  CHECK(pidRate.compute(2000, 2000, 2000, 1000) == 800.0);
  // On target (800 in 1 s), but still 1 s behind: 800 - 0.2 x 800.
  CHECK(pidRate.compute(3000, 800, 1000, 1000) == 640.0);
  // Faster than asked (800/s): 640 + 160 - 0.2 x (0.8 s x 800/s).
  CHECK(pidRate.compute(4000, 640, 800, 800) == 672.0);
  // Much slower (100/s) and 3 s behind: 672 - 572 - 0.2 x 300 = 40, raised to minRate.
  CHECK(pidRate.compute(5000, 100, 1000, 3000) == 100.0);
  // No estimate for a batch not newer than the last, with no records, or taking no time.
  CHECK_FALSE(pidRate.compute(5000, 100, 1000, 0).has_value());
  CHECK_FALSE(pidRate.compute(6000, 0, 1000, 0).has_value());
  CHECK_FALSE(pidRate.compute(6000, 10, 0, 0).has_value());
  CHECK(pidRate.compute(7000, 100, 1000, 0) == 100.0);
}

TEST_CASE("the PID rate estimator's derivative term divides the error's change by the time since the last batch") {
  rill::detail::PIDRateEstimator pidRate(1s, pid(1.0, 0.2, 0.5, 100.0));
  CHECK_FALSE(pidRate.compute(1000, 1000, 500, 0).has_value());  // 2000/s
  // 2 s later, 1000/s: error 1000, changed by 1000 over 2 s: 2000 - 1000 - 0.5 x 500.
  CHECK(pidRate.compute(3000, 2000, 2000, 0) == 750.0);
}

TEST_CASE("a receiver's limiter starts at the initial rate under maxRate and follows updates, never above maxRate") {
  auto clock = std::make_shared<rill::ManualClock>(0);
  auto settings = [](const char* maxRate, const char* enabled, const char* initialRate) {
    return rill::ReceiverSettings::fromConf(rill::SparkConf()
                                                .set("spark.streaming.receiver.maxRate", maxRate)
                                                .set("spark.streaming.backpressure.enabled", enabled)
                                                .set("spark.streaming.backpressure.initialRate", initialRate));
  };
  CHECK(rill::RateLimiter(*clock, settings("0", "true", "10")).rate() == 10);
  CHECK(rill::RateLimiter(*clock, settings("5", "true", "10")).rate() == 5);
  CHECK(rill::RateLimiter(*clock, settings("0", "false", "10")).rate() == 0);  // initialRate is backpressure's
  CHECK(rill::RateLimiter(*clock, settings("20", "false", "10")).rate() == 20);

  rill::RateLimiter limiter(*clock, settings("15", "true", "10"));
  CHECK(takeAll(limiter) == 1);  // permits at 0, 100, 200 ms, ...
  clock->setTime(250);
  CHECK(takeAll(limiter) == 2);  // 100 and 200 (the one at 300 is not due)
  limiter.updateRate(20);
  CHECK(limiter.rate() == 15);  // capped by maxRate
  limiter.updateRate(0);
  limiter.updateRate(-3);
  CHECK(limiter.rate() == 15);  // Spark ignores rates <= 0
  limiter.updateRate(4);
  CHECK(limiter.rate() == 4);
  clock->setTime(300);
  CHECK(takeAll(limiter) == 1);  // the one due at 300 ms; from then one every 250 ms
  clock->setTime(549);
  CHECK(takeAll(limiter) == 0);
  clock->setTime(550);
  CHECK(takeAll(limiter) == 1);

  // Unlimited until backpressure sets a first rate; from then spaced from that moment.
  rill::RateLimiter open(*clock, rill::ReceiverSettings::fromConf(
                                     rill::SparkConf().set("spark.streaming.backpressure.enabled", "true")));
  CHECK_FALSE(open.limited());
  CHECK(open.tryAcquire());
  open.updateRate(2);
  CHECK(takeAll(open) == 1);
  clock->setTime(1049);
  CHECK(takeAll(open) == 0);
  clock->setTime(1050);
  CHECK(takeAll(open) == 1);
}

TEST_CASE("a receiver's rate follows the records of its own stream, not those of every input of the batch") {
  // Spark's ReceiverRateController reads its stream's streamIdToInputInfo entry.
  auto clock = std::make_shared<rill::ManualClock>(0);
  rill::RateLimiter limiter(*clock, 0.0);
  rill::detail::RateController controller(1, 1s, pid(1.0, 0.2, 0.0, 100.0), limiter);
  // Stream 1 is this receiver's; stream 0 (another input) had 3000 records in every batch.
  const auto batch = [](std::int64_t t, std::optional<std::int64_t> own) {
    rill::BatchInfo b;
    b.batchTime = rill::Time(t);
    b.processingStartTime = rill::Time(t);
    b.processingEndTime = rill::Time(t + 1000);
    b.streamIdToInputInfo[0] = {0, 3000};
    if (own) b.streamIdToInputInfo[1] = {1, *own};
    b.numRecords = 3000 + own.value_or(0);
    return b;
  };
  controller.onBatchCompleted(batch(1000, 600));  // only measures: 600/s
  CHECK(controller.latestRate() == -1);
  controller.onBatchCompleted(batch(2000, 500));  // 600 - (600 - 500)
  CHECK(controller.latestRate() == 500);
  CHECK(limiter.rate() == 500);
  controller.onBatchCompleted(batch(3000, std::nullopt));  // nothing of its stream: no estimate
  CHECK(controller.latestRate() == 500);
}

namespace {

// Stores nothing by itself: the simulation stores for it.
class Inbox final : public rill::Receiver<std::int64_t> {
 public:
  void onStart() override {}
  void onStop() override {}
};

// A receiver that is always ahead of its rate limit until `sourceEndMs`, and
// batches that cost 1 ms of clock time per record (1000 records/s) until
// `slowFromMs`, 2 ms (500 records/s) from then on, on a ManualClock moved in 10 ms steps: between batches by the test, during a batch
// by its job (spend). After every step the receiver takes every permit then
// free, as a receiver blocked in store() would, so every batch's records and
// delays are exact.
//
// The rate limiter and its RateController are the ones a receiver stream has
// with spark.streaming.backpressure.enabled, built from the same settings;
// here they sit in front of store().
class Simulation {
 public:
  static constexpr auto kStep = 10ms;

  Simulation(const rill::SparkConf& receiverConf, std::int64_t slowFromMs, std::int64_t sourceEndMs)
      : settings_(rill::ReceiverSettings::fromConf(receiverConf)),
        limiter_(*m_.clock, settings_),
        controller_(rill::detail::attachRateController(m_.ssc.listenerBus(), m_.ssc.graph().nextInputId(),
                                                       m_.ssc.batchDuration(), settings_, limiter_)),
        events_(record(m_.ssc)),
        inbox_(std::make_shared<Inbox>()),
        slowFromMs_(slowFromMs),
        sourceEndMs_(sourceEndMs) {
    if (!limiter_.limited()) throw std::invalid_argument("the simulated receiver needs a rate limit");
    m_.ssc.addStreamingListener(rates_);
    rates_->controller = controller_;
    m_.ssc.receiverStream(inbox_).foreachRDD([this](const auto& rdd, rill::Time t) {
      const std::int64_t perRecordMs = t.milliseconds() < slowFromMs_ ? 1 : 2;
      for (auto cost = static_cast<std::int64_t>(rdd.count()) * perRecordMs; cost > 0; cost -= kStep.count()) {
        m_.clock->spend(std::chrono::milliseconds(std::min<std::int64_t>(cost, kStep.count())));
        receive();
      }
    });
    m_.ssc.start();
  }
  ~Simulation() { m_.ssc.stop(false); }

  /// Runs until the source has ended and every batch it fed has completed.
  void run() {
    while (m_.clock->getTimeMillis() < sourceEndMs_ + 1000) {
      receive();
      m_.clock->advance(kStep);
    }
  }

  std::vector<rill::BatchInfo> batches() const { return events_->completed(); }
  /// The rate the controller had set after each batch (-1: none yet).
  std::vector<std::int64_t> rates() const { return rates_->seen; }

 private:
  struct RateLog final : rill::StreamingListener {
    void onBatchCompleted(const rill::BatchInfo&) override { seen.push_back(controller ? controller->latestRate() : -1); }
    std::shared_ptr<rill::detail::RateController> controller;
    std::vector<std::int64_t> seen;  // read when no batch runs
  };

  void receive() {
    if (m_.clock->getTimeMillis() >= sourceEndMs_) return;
    while (limiter_.tryAcquire()) inbox_->store(next_++);
  }

  ManualContext m_;
  rill::ReceiverSettings settings_;
  rill::RateLimiter limiter_;
  std::shared_ptr<rill::detail::RateController> controller_;
  std::shared_ptr<Recorder> events_;
  std::shared_ptr<Inbox> inbox_;
  std::int64_t slowFromMs_;
  std::int64_t sourceEndMs_;
  std::shared_ptr<RateLog> rates_ = std::make_shared<RateLog>();
  std::int64_t next_ = 0;
};

std::string join(const std::vector<std::int64_t>& v) {
  std::string out;
  for (auto x : v) out += (out.empty() ? "" : " ") + std::to_string(x);
  return out;
}

std::vector<std::int64_t> schedulingDelays(const std::vector<rill::BatchInfo>& batches) {
  std::vector<std::int64_t> out;
  for (const auto& b : batches) out.push_back(b.schedulingDelay()->count());
  return out;
}

}  // namespace

// Processing slows from 1000 to 500 records/s at 10 s (batch index 9) under a
// receiver sending 800 records/s.
constexpr std::int64_t kSlowFromMs = 10'000;
constexpr std::size_t kFirstSlowBatch = 9;

TEST_CASE("without backpressure, processing slower than the receiver makes the scheduling delay grow every batch") {
  Simulation sim(rill::SparkConf().set("spark.streaming.receiver.maxRate", "800"), kSlowFromMs, 20'000);
  sim.run();
  const auto delays = schedulingDelays(sim.batches());
  INFO("scheduling delays (ms): " << join(delays));
  REQUIRE(delays.size() > kFirstSlowBatch + 5);
  for (std::size_t i = 0; i <= kFirstSlowBatch; ++i) CHECK(delays[i] < 10);
  // Each slow batch holds what arrived while the one before ran: 1.6 times as many records.
  for (std::size_t i = kFirstSlowBatch + 1; i <= kFirstSlowBatch + 5; ++i) CHECK(delays[i] > delays[i - 1]);
  CHECK(delays[kFirstSlowBatch + 5] > 10'000);
}

TEST_CASE("with backpressure the receiver's rate follows processing and the scheduling delay settles under one batch") {
  Simulation sim(rill::SparkConf()
                     .set("spark.streaming.receiver.maxRate", "800")
                     .set("spark.streaming.backpressure.enabled", "true"),
                 kSlowFromMs, 60'000);
  sim.run();
  const auto batches = sim.batches();
  const auto delays = schedulingDelays(batches);
  const auto rates = sim.rates();
  INFO("scheduling delays (ms): " << join(delays));
  INFO("rates (records/s): " << join(rates));
  REQUIRE(batches.size() >= 55);
  REQUIRE(rates.size() == batches.size());
  // Batch 1 (793 records in 793 ms) only measures: 1000/s. Batch 2, 802 records
  // in 802 ms after waiting 3 ms: 1000 - 0 - 0.2 x 3 = 999.4, published as 999;
  // the limiter stays at maxRate (800).
  CHECK(rates[0] == -1);
  CHECK(rates[1] == 999);
  // The first slow batch, 801 records in 1602 ms (500/s) after 7 ms:
  // 999 - (999 - 500) - 0.2 x 3.5 = 499.3.
  CHECK(batches[kFirstSlowBatch].batchTime.milliseconds() == kSlowFromMs);
  CHECK(batches[kFirstSlowBatch].numRecords == 801);
  CHECK(rates[kFirstSlowBatch] == 499);
  // The backlog of the first slow batches is worked off within ten batches;
  // from then every batch starts less than one interval late, and the rate
  // stays at about what is processed.
  for (std::size_t i = kFirstSlowBatch + 10; i + 1 < batches.size(); ++i) {
    CAPTURE(i);
    CHECK(delays[i] < 1000);
    CHECK(rates[i + 1] >= 450);
    CHECK(rates[i + 1] <= 500);
  }
  CHECK(*std::max_element(delays.begin(), delays.end()) < 6000);
}

TEST_CASE("backpressure settings: Spark's names and defaults, checked when read") {
  auto fields = [](const rill::BackpressureSettings& b) {
    return std::tuple(b.enabled, b.initialRate, b.proportional, b.integral, b.derived, b.minRate);
  };
  CHECK(fields(rill::ReceiverSettings::fromConf(rill::SparkConf()).backpressure) ==
        std::tuple(false, std::int64_t{0}, 1.0, 0.2, 0.0, 100.0));

  const auto set = rill::ReceiverSettings::fromConf(rill::SparkConf()
                                                        .set("spark.streaming.backpressure.enabled", "true")
                                                        .set("spark.streaming.backpressure.initialRate", "250")
                                                        .set("spark.streaming.backpressure.rateEstimator", "pid")
                                                        .set("spark.streaming.backpressure.pid.proportional", "0.5")
                                                        .set("spark.streaming.backpressure.pid.integral", "0")
                                                        .set("spark.streaming.backpressure.pid.derived", "1e-1")
                                                        .set("spark.streaming.backpressure.pid.minRate", "10"))
                       .backpressure;
  CHECK(fields(set) == std::tuple(true, std::int64_t{250}, 0.5, 0.0, 0.1, 10.0));
  // Spark reads booleans in any case.
  CHECK(rill::ReceiverSettings::fromConf(rill::SparkConf().set("spark.streaming.backpressure.enabled", "TRUE"))
            .backpressure.enabled);

  struct Bad {
    const char* key;
    const char* value;
    const char* message;
  };
  for (const auto& bad : std::vector<Bad>{
           {"enabled", "yes", "must be true or false, got 'yes'"},
           {"initialRate", "0", "must be positive, got 0"},
           {"rateEstimator", "pi", "must be pid, got 'pi'"},
           {"pid.proportional", "-1", "must be >= 0, got -1"},
           {"pid.integral", "0.2x", "must be a number, got '0.2x'"},
           {"pid.derived", "nan", "must be a number, got 'nan'"},
           {"pid.minRate", "0", "must be > 0, got 0"},
       }) {
    const std::string key = std::string("spark.streaming.backpressure.") + bad.key;
    CHECK_THROWS_WITH_AS(rill::ReceiverSettings::fromConf(rill::SparkConf().set(key, bad.value)),
                         ("rill: setting '" + key + "' " + bad.message).c_str(), std::invalid_argument);
  }
}
