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
#include <rill/rill.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
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

void runDemo() {
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
      made->checkpoint(dir.string());
      defineCounts(sc, made->queueStream(queue));
      return made;
    });
    if (auto t = ssc->restoredBatchTime()) std::cout << "(restarted from the checkpoint of " << *t << ")\n\n";
    // A restored context goes on with the batch after its checkpoint, on its old clock.
    clock->setTime(ssc->restoredBatchTime().value_or(Time(0)).milliseconds());
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

std::atomic<bool> interrupted{false};
extern "C" void onSignal(int) { interrupted = true; }

void runNetwork(const std::string& host, int port, const std::string& checkpointDir) {
  SparkContext sc(SparkConf().setAppName("StatefulNetworkWordCount").setMaster("local[2]"));
  auto ssc = StreamingContext::getOrCreate(checkpointDir, [&] {
    auto made = std::make_unique<StreamingContext>(sc, Seconds(1));
    made->checkpoint(checkpointDir);
    defineCounts(sc, made->socketTextStream(host, port));
    return made;
  });
  if (auto t = ssc->restoredBatchTime()) std::cerr << "resuming after the checkpoint of " << *t << "\n";
  std::cerr << "counting words from " << host << ":" << port << "; Ctrl-C to stop\n";
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  ssc->start();
  while (!interrupted && !ssc->awaitTerminationOrTimeout(std::chrono::milliseconds(100))) {
  }
  ssc->stop(true, true);
}

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "stateful_network_wordcount: " << problem << "\n"
            << "usage: stateful_network_wordcount --host H --port P [--checkpoint DIR]\n"
            << "       stateful_network_wordcount   (built-in demo)\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string host, checkpointDir = "checkpoint";
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage(arg + " needs a value");
    const std::string value = argv[++i];
    if (arg == "--host") host = value;
    else if (arg == "--port") port = std::atoi(value.c_str());
    else if (arg == "--checkpoint") checkpointDir = value;
    else usage("unknown argument '" + arg + "'");
  }
  if (host.empty() != (port <= 0)) usage("--host and --port go together");
  try {
    if (host.empty())
      runDemo();
    else
      runNetwork(host, port, checkpointDir);
  } catch (const std::exception& e) {
    std::cerr << "stateful_network_wordcount: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
