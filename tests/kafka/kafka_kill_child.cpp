// The program test_kafka_kill kills and restarts (a helper, not a test): a
// checkpointed word count that reads topic "in" with a direct stream (5 offsets
// per partition and batch), keeps running counts with updateStateByKey, writes
// every batch's counts to topic "out" with writeToKafka, and checkpoints after
// every batch. It runs its manual clock to --until and writes the last counts to
// --state. With --kill-at T --kill-phase P it sends itself SIGKILL in batch T:
//   start        when the batch begins, before any output
//   mid-output   after the sink handed its third record of the batch to Kafka
//   after-output after the sink committed the batch, before its checkpoint
//
//   kafka_kill_child --brokers B --checkpoint DIR --until MS --state FILE
//                    [--kill-at MS --kill-phase P]
#include <rill/kafka.hpp>
#include <rill/rill.hpp>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Options {
  std::string brokers, checkpoint, state, phase = "none";
  std::int64_t until = 0, killAt = -1;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--brokers")
      o.brokers = value;
    else if (key == "--checkpoint")
      o.checkpoint = value;
    else if (key == "--state")
      o.state = value;
    else if (key == "--until")
      o.until = std::stoll(value);
    else if (key == "--kill-at")
      o.killAt = std::stoll(value);
    else if (key == "--kill-phase")
      o.phase = value;
    else
      throw std::invalid_argument("unknown argument " + key);
  }
  return o;
}

std::atomic<std::int64_t> currentBatch{0};
std::atomic<int> sentInBatch{0};

void killHere(const Options& o, const char* phase, std::int64_t t) {
  if (o.phase == phase && o.killAt == t) std::raise(SIGKILL);
}

using Counts = std::map<std::string, long>;

std::unique_ptr<rill::StreamingContext> build(rill::SparkContext& sc, std::shared_ptr<rill::ManualClock> clock,
                                              const Options& o, std::shared_ptr<Counts> last,
                                              std::shared_ptr<std::mutex> lastMutex) {
  auto ssc = std::make_unique<rill::StreamingContext>(sc, std::chrono::seconds(1), clock);
  ssc->checkpoint(o.checkpoint);
  const rill::kafka::KafkaParams in{{"bootstrap.servers", o.brokers},
                                    {"auto.offset.reset", "earliest"},
                                    {"fetch.wait.max.ms", "10"},
                                    {"log_level", "2"}};
  auto lines = rill::kafka::createDirectStream(*ssc, rill::kafka::Subscribe({"in"}, in));
  lines.foreachRDD([o](const rill::RDD<rill::kafka::ConsumerRecord>&, rill::Time t) {
    currentBatch = t.milliseconds();
    sentInBatch = 0;
    killHere(o, "start", t.milliseconds());
  });
  auto counts = lines.map([](const rill::kafka::ConsumerRecord& r) { return std::pair(r.value(), 1L); })
                    .updateStateByKey([](const std::vector<long>& ones, std::optional<long> sum) {
                      return std::optional<long>(sum.value_or(0) + static_cast<long>(ones.size()));
                    });
  rill::kafka::writeToKafka(
      counts, "out", {{"bootstrap.servers", o.brokers}, {"log_level", "2"}, {"linger.ms", "0"}},
      [](const std::pair<std::string, long>& wc) { return wc.first; },
      [o](const std::pair<std::string, long>& wc) {
        if (++sentInBatch == 4) killHere(o, "mid-output", currentBatch);
        return std::to_string(wc.second);
      });
  counts.foreachRDD([o, last, lastMutex](const auto& rdd, rill::Time t) {
    killHere(o, "after-output", t.milliseconds());
    Counts now;
    for (const auto& [word, n] : rdd.collect()) now[word] = n;
    std::lock_guard lock(*lastMutex);
    *last = std::move(now);
  });
  return ssc;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    rill::SparkContext sc(rill::SparkConf()
                              .setAppName("kafka-kill")
                              .setMaster("local[2]")
                              .set("spark.streaming.kafka.maxRatePerPartition", "5"));
    auto clock = std::make_shared<rill::ManualClock>(0);
    auto last = std::make_shared<Counts>();
    auto lastMutex = std::make_shared<std::mutex>();
    auto ssc = rill::StreamingContext::getOrCreate(o.checkpoint, [&] { return build(sc, clock, o, last, lastMutex); });
    if (auto restored = ssc->restoredBatchTime()) clock->setTime(restored->milliseconds());
    ssc->start();
    clock->setTime(o.until);
    ssc->stop(false);
    ssc->awaitTermination();
    std::ofstream out(o.state);
    std::lock_guard lock(*lastMutex);
    for (const auto& [word, n] : *last) out << word << ' ' << n << '\n';
    return out ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "kafka_kill_child: " << e.what() << "\n";
    return 1;
  }
}
