// Spark Streaming's network word count, line for line in C++.
//
//   network_wordcount --host H --port P   counts the words of the lines a server at H:P sends
//                                         (e.g. `nc -lk 9999`), every 2 s, until Ctrl-C
//   network_wordcount [--batches N] [--manual-clock]
//                                         a self-contained demo: the program plays `nc -lk`
//                                         itself on a local port and sends a few lines per
//                                         500 ms batch, for N batches (default 3); with
//                                         --manual-clock the clock starts at a fixed time
//                                         and the output is the same on every run.
#include "common/batch_progress.hpp"
#include "common/cli.hpp"
#include "common/date_time.hpp"
#include "common/problems.hpp"
#include "common/ui_option.hpp"

#include <rill/rill.hpp>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace rill;

namespace {

struct Options {
  std::string host;
  int port = 0;
  int batches = 3;
  bool manualClock = false;
  bool demo() const { return host.empty(); }
};

Options parse(int argc, char** argv, examples::UiOption& ui) {
  Options o;
  examples::CommandLine cli("network_wordcount", "[--host H --port P] [--batches N] [--manual-clock]",
                            "Spark Streaming's network word count: the words of the lines a server sends\n"
                            "(e.g. `nc -lk 9999`), counted every 2 s until Ctrl-C. Without --host, a demo:\n"
                            "the program plays the server itself and sends a few lines per 500 ms batch.");
  cli.option("--host", o.host, "HOST", "the server to read lines from (with --port)")
      .option("--port", o.port, "PORT", "the server's port")
      .option("--batches", o.batches, "N", "demo: batches to run")
      .flag("--manual-clock", o.manualClock, "demo: on a manual clock, the same output every run");
  ui.addTo(cli);
  cli.parse(argc, argv);
  cli.require(o.host.empty() == (o.port == 0), "--host and --port go together");
  cli.require(o.port >= 0 && o.port < 65536, "--port must be in 1..65535");
  cli.require(o.batches >= 1, "--batches must be at least 1");
  cli.require(o.demo() || !o.manualClock, "--manual-clock goes with the demo (no --host)");
  return o;
}

// ---- the demo's data source: a local server that plays `nc -lk` ---------------

const std::vector<std::vector<std::string>> kText{
    {"to be or not to be", "that is the question"},
    {"whether tis nobler in the mind to suffer", "the slings and arrows of outrageous fortune"},
    {"or to take arms against a sea of troubles", "and by opposing end them"},
    {"to die to sleep", "no more"},
};

/// Sends a few lines per batch to the stream's receiver, then stops the context
/// gracefully. On a ManualClock it waits until the lines are received and then
/// advances the clock, so every batch holds exactly one chunk of the text.
void runDemo(StreamingContext& ssc, io::TcpListener& server, const DStream<std::string>& lines,
             examples::BatchProgress& progress, ManualClock* clock, int batches) {
  io::TcpConnection conn = server.accept(std::chrono::seconds(30));
  for (int b = 0; b < batches && ssc.getState() == StreamingContext::State::ACTIVE; ++b) {
    const auto& chunk = kText[static_cast<std::size_t>(b) % kText.size()];
    std::string bytes;
    for (const auto& line : chunk) bytes += line + "\n";
    const std::int64_t sentAt = ssc.clock().getTimeMillis();
    conn.sendAll(bytes);
    if (clock) {
      if (!detail::awaitBuffered(lines, chunk.size(), std::chrono::seconds(30)))
        throw SparkException("network_wordcount: the demo's lines did not arrive");
      clock->advance(ssc.batchDuration());
    } else {
      progress.awaitBatchAfter(sentAt, ssc);
    }
  }
  ssc.stop(true, true);
}

}  // namespace

int main(int argc, char** argv) {
  examples::UiOption ui(argc, argv);
  const Options opt = parse(argc, argv, ui);
  std::optional<io::TcpListener> server;
  if (opt.demo()) server.emplace();
  const std::string host = opt.demo() ? "localhost" : opt.host;
  const int port = opt.demo() ? server->port() : opt.port;
  auto manual = opt.manualClock ? std::make_shared<ManualClock>(examples::kDemoStartMillis) : nullptr;
  const auto interval = opt.demo() ? std::chrono::milliseconds(500) : std::chrono::milliseconds(2000);

  try {
    // SIGINT or SIGTERM (Ctrl-C) stops the context gracefully: what was received is counted first.
    SparkConf conf = SparkConf()
                         .setAppName("SparkStreamingExample")
                         .setMaster("local[2]")
                         .set("spark.streaming.stopGracefullyOnShutdown", "true");
    SparkContext sc(conf);
    StreamingContext ssc(sc, interval, manual);
    examples::reportProblems(ssc);
    auto lines = ssc.socketTextStream(host, port);
    auto words = lines.flatMap([](const std::string& line) { return split(line, ' '); });
    auto pairs = words.map([](const auto& word) { return std::pair(word, 1); });
    auto wordCounts = pairs.reduceByKey([](int a, int b) { return a + b; });
    wordCounts.pprint();

    auto progress = std::make_shared<examples::BatchProgress>();
    ssc.addStreamingListener(progress);
    ui.attach(ssc);
    ssc.start();
    if (opt.demo()) {
      runDemo(ssc, *server, lines, *progress, manual.get(), opt.batches);
    } else {
      std::cerr << "counting words from " << host << ":" << port << "; Ctrl-C to stop\n";
    }
    ssc.awaitTermination();
    ui.serveUntilInterrupted();
  } catch (const std::exception& e) {
    std::cerr << "network_wordcount: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
