// Spark Streaming's StatefulNetworkWordCount: a running count of every word,
// kept with mapWithState (starting from an initial state of hello=1, world=1)
// and checkpointed, so a restarted program goes on counting where it stopped.
//
//   stateful_network_wordcount --host H --port P [--checkpoint DIR]
//       counts the words of the lines a server at H:P sends (e.g. `nc -lk 9999`),
//       every second, until Ctrl-C; checkpoints into DIR (default ./checkpoint).
//       Run it again with the same DIR and it resumes from its last batch.
//   stateful_network_wordcount
//       a self-contained demo on a manual clock: a few batches of built-in lines,
//       then the context is stopped and rebuilt from its checkpoint with
//       StreamingContext::getOrCreate, and counting goes on (same output every run).
#include "common/cli.hpp"
#include "common/date_time.hpp"
#include "common/problems.hpp"
#include "common/ui_option.hpp"

#include <rill/rill.hpp>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace rill;

namespace {

/// The streaming part of the program, given its lines: what Spark's example does.
void defineCounts(SparkContext& sc, const DStream<std::string>& lines) {
  // Initial state RDD for mapWithState.
  auto initialRDD = sc.parallelize(std::vector<std::pair<std::string, int>>{{"hello", 1}, {"world", 1}});
  auto words = lines.flatMap([](const std::string& line) { return split(line, ' '); });
  auto wordDstream = words.map([](const std::string& w) { return std::pair<std::string, int>(w, 1); });
  // The mapped stream holds each word of the batch with its cumulative count.
  auto mappingFunc = [](const std::string& word, std::optional<int> one, State<int>& state) {
    const int sum = one.value_or(0) + state.getOption().value_or(0);
    state.update(sum);
    return std::pair<std::string, int>(word, sum);
  };
  auto stateDstream = wordDstream.mapWithState(StateSpec::function(mappingFunc).initialState(initialRDD));
  stateDstream.print();
}

// ---- the demo: built-in lines on a manual clock --------------------------------

const std::vector<std::vector<std::string>> kLines{
    {"hello world", "hello rill"},
    {"streams of words", "hello again"},
    {"words words words"},
    {"goodbye world", "hello"},
};

void runDemo(examples::UiOption& ui) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rill-stateful-wordcount-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  SparkContext sc(SparkConf().setAppName("StatefulNetworkWordCount").setMaster("local[2]"));
  std::size_t next = 0;  // the next batch of kLines to feed
  // Runs `batches` batches on a context from getOrCreate: the first time a new one,
  // then one rebuilt from the checkpoint the first left behind.
  auto run = [&](std::size_t batches) {
    auto clock = std::make_shared<ManualClock>();
    auto queue = std::make_shared<RDDQueue<std::string>>();
    auto ssc = StreamingContext::getOrCreate(dir.string(), [&] {
      auto made = std::make_unique<StreamingContext>(sc, Seconds(1), clock);
      examples::reportProblems(*made);  // in the factory: it also reports a checkpoint skipped
      made->checkpoint(dir.string());
      defineCounts(sc, made->queueStream(queue));
      return made;
    });
    if (auto t = ssc->restoredBatchTime())
      std::cout << "(restarted from the checkpoint of the batch of " << examples::dateTime(*t) << ")\n\n";
    // A restored context goes on with the batch after its checkpoint, on its old clock.
    ui.attach(*ssc);
    clock->setTime(ssc->restoredBatchTime().value_or(Time(examples::kDemoStartMillis)).milliseconds());
    for (std::size_t b = 0; b < batches; ++b) queue->push(sc.parallelize(kLines[next++], 2));
    ssc->start();
    clock->advance(Seconds(static_cast<std::int64_t>(batches)));
    ssc->stop(false);
  };
  run(2);
  run(kLines.size() - 2);
  std::filesystem::remove_all(dir);
}

// ---- reading a socket -------------------------------------------------------------

void runNetwork(const std::string& host, int port, const std::string& checkpointDir, examples::UiOption& ui) {
  // SIGINT or SIGTERM (Ctrl-C) stops the context gracefully: what was received is counted first.
  SparkContext sc(SparkConf()
                      .setAppName("StatefulNetworkWordCount")
                      .setMaster("local[2]")
                      .set("spark.streaming.stopGracefullyOnShutdown", "true"));
  auto ssc = StreamingContext::getOrCreate(checkpointDir, [&] {
    auto made = std::make_unique<StreamingContext>(sc, Seconds(1));
    examples::reportProblems(*made);  // in the factory: it also reports a checkpoint skipped
    made->checkpoint(checkpointDir);
    defineCounts(sc, made->socketTextStream(host, port));
    return made;
  });
  if (auto t = ssc->restoredBatchTime())
    std::cerr << "resuming after the checkpoint of the batch of " << examples::dateTime(*t) << "\n";
  std::cerr << "counting words from " << host << ":" << port << "; Ctrl-C to stop\n";
  ui.attach(*ssc);
  ssc->start();
  ssc->awaitTermination();
}

}  // namespace

int main(int argc, char** argv) {
  examples::UiOption ui(argc, argv);
  std::string host, checkpointDir = "checkpoint";
  int port = 0;
  examples::CommandLine cli("stateful_network_wordcount", "[--host H --port P [--checkpoint DIR]]",
                            "A running count of every word a server sends (e.g. `nc -lk 9999`), kept with\n"
                            "mapWithState and checkpointed every second: run it again with the same\n"
                            "checkpoint directory and it goes on counting. Without --host, a demo on\n"
                            "built-in lines that restarts itself from its checkpoint.");
  cli.option("--host", host, "HOST", "the server to read lines from (with --port), until Ctrl-C")
      .option("--port", port, "PORT", "the server's port")
      .option("--checkpoint", checkpointDir, "DIR", "where checkpoints go");
  ui.addTo(cli);
  cli.parse(argc, argv);
  cli.require(host.empty() == (port == 0), "--host and --port go together");
  cli.require(port >= 0 && port < 65536, "--port must be in 1..65535");
  try {
    if (host.empty())
      runDemo(ui);
    else
      runNetwork(host, port, checkpointDir, ui);
    ui.serveUntilInterrupted();
  } catch (const std::exception& e) {
    std::cerr << "stateful_network_wordcount: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
