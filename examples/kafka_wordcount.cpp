// Spark's direct Kafka word count in C++: the words of each batch of a topic's
// records, counted and printed in Spark's layout.
//
//   kafka_wordcount --brokers HOST:PORT --topic T [--checkpoint DIR] [--out-topic O]
//                   [--batch-ms MS] [--print N] [--latest]
//       reads T from the earliest offsets (from the end with --latest) every MS ms
//       (2000) until Ctrl-C or SIGTERM, which stop it gracefully. --checkpoint
//       saves the offsets read, so a restart reads exactly what was not processed;
//       --out-topic writes each batch's counts to O in one transaction.
//   kafka_wordcount [--batches N]
//       a demo that needs no broker: it starts librdkafka's mock cluster, writes a
//       few lines to it before each of N (3) batches, and stops. It runs on a manual
//       clock, so its output is the same on every run.
#include "common/cli.hpp"
#include "common/date_time.hpp"
#include "common/problems.hpp"
#include "common/ui_option.hpp"

#include <rill/kafka.hpp>
#include <rill/rill.hpp>

#include <chrono>
#include <cstddef>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace rill;

namespace {

struct Options {
  std::string brokers;
  std::string topic;
  std::string checkpoint;
  std::string outTopic;
  int batchMs = 2000;
  int print = 10;
  bool latest = false;
  int batches = 3;
  bool demo() const { return brokers.empty(); }
};

Options parse(int argc, char** argv, examples::UiOption& ui) {
  Options o;
  examples::CommandLine cli("kafka_wordcount", "[--brokers HOST:PORT --topic T ...] [--batches N]",
                            "Counts the words of each batch of a Kafka topic's records (Spark's direct stream).\n"
                            "Without --brokers: a demo on librdkafka's mock cluster, on a manual clock.");
  cli.option("--brokers", o.brokers, "HOST:PORT", "Kafka's bootstrap servers")
      .option("--topic", o.topic, "T", "the topic to count the words of")
      .option("--checkpoint", o.checkpoint, "DIR", "checkpoint the offsets read to DIR; restart from it")
      .option("--out-topic", o.outTopic, "O", "also write each batch's counts to topic O")
      .option("--batch-ms", o.batchMs, "MS", "the batch interval")
      .option("--print", o.print, "N", "print the first N counts of each batch")
      .flag("--latest", o.latest, "start from the end of the topic, not its earliest offsets")
      .option("--batches", o.batches, "N", "the demo's number of batches");
  ui.addTo(cli);
  cli.parse(argc, argv);
  cli.require(o.demo() || !o.topic.empty(), "--brokers needs --topic");
  cli.require(o.batchMs > 0 && o.print >= 0 && o.batches > 0, "--batch-ms and --batches must be positive");
  return o;
}

/// The streaming program: the same code on a new context and after a restart.
std::unique_ptr<StreamingContext> build(SparkContext& sc, const Options& o, const kafka::KafkaParams& params,
                                        std::shared_ptr<Clock> clock) {
  auto ssc = std::make_unique<StreamingContext>(sc, std::chrono::milliseconds(o.batchMs), std::move(clock));
  examples::reportProblems(*ssc);  // a broker out of reach, a checkpoint skipped, a failed batch
  auto lines = kafka::createDirectStream(*ssc, kafka::Subscribe({o.topic}, params));
  auto words = lines.flatMap([](const kafka::ConsumerRecord& r) { return split(r.value(), ' '); });
  auto wordCounts = words.map([](const auto& word) { return std::pair(word, 1L); }).reduceByKey(std::plus<>());
  wordCounts.pprint(static_cast<std::size_t>(o.print));
  if (!o.outTopic.empty())  // the producer needs only the brokers (consumer settings would draw warnings)
    kafka::writeToKafka(
        wordCounts, o.outTopic, {{"bootstrap.servers", params.at("bootstrap.servers")}},
        [](const std::pair<std::string, long>& wc) { return wc.first; },
        [](const std::pair<std::string, long>& wc) { return std::to_string(wc.second); });
  return ssc;
}

// ---- the demo: a mock cluster and a few lines per batch ---------------------------

const std::vector<std::vector<std::string>> kText{
    {"to be or not to be", "that is the question"},
    {"whether tis nobler in the mind to suffer", "the slings and arrows of outrageous fortune"},
    {"or to take arms against a sea of troubles", "and by opposing end them"},
    {"to die to sleep", "no more"},
};

void runDemo(Options o, examples::UiOption& ui) {
  kafka::MockCluster cluster;
  o.topic = "lines";
  o.batchMs = 500;
  cluster.createTopic(o.topic, 2);
  const kafka::KafkaParams params{{"bootstrap.servers", cluster.bootstrapServers()},
                                  {"auto.offset.reset", "earliest"},
                                  {"fetch.wait.max.ms", "10"},
                                  {"log_level", "3"}};
  kafka::Producer producer(params);
  SparkContext sc(SparkConf().setAppName("KafkaWordCount").setMaster("local[2]"));
  auto clock = std::make_shared<ManualClock>(examples::kDemoStartMillis);
  auto ssc = build(sc, o, params, clock);
  ui.attach(*ssc);
  ssc->start();
  for (int b = 0; b < o.batches; ++b) {
    const auto& chunk = kText[static_cast<std::size_t>(b) % kText.size()];
    for (std::size_t i = 0; i < chunk.size(); ++i)
      producer.send({o.topic, static_cast<std::int32_t>(i % 2), std::nullopt, chunk[i], {}, 0});
    producer.flush();
    clock->advance(std::chrono::milliseconds(o.batchMs));  // returns once the batch has been printed
  }
  ssc->stop(true, true);
  ssc->awaitTermination();
}

void runOn(const Options& o, examples::UiOption& ui) {
  const kafka::KafkaParams params{{"bootstrap.servers", o.brokers},
                                  {"auto.offset.reset", o.latest ? "latest" : "earliest"},
                                  {"group.id", "kafka_wordcount"}};
  // SIGINT or SIGTERM (Ctrl-C) stops the context gracefully: the batch under way is finished first.
  SparkContext sc(SparkConf()
                      .setAppName("KafkaWordCount")
                      .setMaster("local[2]")
                      .set("spark.streaming.stopGracefullyOnShutdown", "true"));
  auto make = [&] { return build(sc, o, params, nullptr); };
  auto ssc = o.checkpoint.empty() ? make() : StreamingContext::getOrCreate(o.checkpoint, make);
  ui.attach(*ssc);
  ssc->start();
  std::cerr << "counting the words of topic " << o.topic << " on " << o.brokers << "; Ctrl-C to stop\n";
  ssc->awaitTermination();
}

}  // namespace

int main(int argc, char** argv) {
  examples::UiOption ui(argc, argv);
  const Options o = parse(argc, argv, ui);
  try {
    if (o.demo())
      runDemo(o, ui);
    else
      runOn(o, ui);
    ui.serveUntilInterrupted();
  } catch (const std::exception& e) {
    std::cerr << "kafka_wordcount: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
