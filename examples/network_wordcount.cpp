// Spark Streaming's network word count, line for line in C++.
//
//   network_wordcount --host H --port P   counts the words of the lines a server at H:P sends
//                                         (e.g. `nc -lk 9999`), every 2 s, until Ctrl-C
//   network_wordcount [--batches N] [--manual-clock]
//                                         a self-contained demo: the program plays `nc -lk`
//                                         itself on a local port and sends a few lines per
//                                         500 ms batch, for N batches (default 3); with
//                                         --manual-clock the batch times are 500, 1000, ...
//                                         and the output is the same on every run.
#include <rill/rill.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "network_wordcount: " << problem << "\n"
            << "usage: network_wordcount --host H --port P\n"
            << "       network_wordcount [--batches N] [--manual-clock]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(arg + " needs a value");
      return argv[++i];
    };
    try {
      if (arg == "--host") o.host = value();
      else if (arg == "--port") o.port = std::stoi(value());
      else if (arg == "--batches") o.batches = std::stoi(value());
      else if (arg == "--manual-clock") o.manualClock = true;
      else usage("unknown argument '" + arg + "'");
    } catch (const std::logic_error&) {
      usage(arg + " needs a number");
    }
  }
  if (o.host.empty() != (o.port == 0)) usage("--host and --port go together");
  if (o.batches < 1) usage("--batches must be at least 1");
  return o;
}

// ---- the demo's data source: a local server that plays `nc -lk` ---------------

const std::vector<std::vector<std::string>> kText{
    {"to be or not to be", "that is the question"},
    {"whether tis nobler in the mind to suffer", "the slings and arrows of outrageous fortune"},
    {"or to take arms against a sea of troubles", "and by opposing end them"},
    {"to die to sleep", "no more"},
};

/// Counts completed batches so the demo knows when a batch has been printed.
class BatchCounter final : public StreamingListener {
 public:
  void onBatchCompleted(const BatchInfo&) override {
    std::lock_guard lock(mutex_);
    ++completed_;
    changed_.notify_all();
  }
  void onReceiverError(const ReceiverInfo& info) override {
    std::cerr << "receiver " << info.name << ": " << info.lastErrorMessage << "\n";
  }
  void awaitCompleted(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return completed_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int completed_ = 0;
};

/// Sends a few lines per batch to the stream's receiver, then stops the context
/// gracefully. On a ManualClock it waits until the lines are received and then
/// advances the clock, so every batch holds exactly one chunk of the text.
void runDemo(StreamingContext& ssc, io::TcpListener& server, const DStream<std::string>& lines,
             BatchCounter& counter, ManualClock* clock, int batches) {
  io::TcpConnection conn = server.accept(std::chrono::seconds(30));
  for (int b = 0; b < batches; ++b) {
    const auto& chunk = kText[static_cast<std::size_t>(b) % kText.size()];
    std::string bytes;
    for (const auto& line : chunk) bytes += line + "\n";
    conn.sendAll(bytes);
    if (clock) {
      if (!detail::awaitBuffered(lines, chunk.size(), std::chrono::seconds(30)))
        throw SparkException("network_wordcount: the demo's lines did not arrive");
      clock->advance(ssc.batchDuration());
    } else {
      counter.awaitCompleted(b + 1);
    }
  }
  ssc.stop(true, true);
}

std::atomic<bool> interrupted{false};
extern "C" void onSignal(int) { interrupted = true; }

/// ssc.awaitTermination(), but a SIGINT or SIGTERM stops the context gracefully
/// first (what Spark's spark.streaming.stopGracefullyOnShutdown does).
void awaitTerminationOrSignal(StreamingContext& ssc) {
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  while (!interrupted && !ssc.awaitTerminationOrTimeout(std::chrono::milliseconds(100))) {
  }
  ssc.stop(true, true);
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  std::optional<io::TcpListener> server;
  if (opt.demo()) server.emplace();
  const std::string host = opt.demo() ? "localhost" : opt.host;
  const int port = opt.demo() ? server->port() : opt.port;
  auto manual = opt.manualClock ? std::make_shared<ManualClock>() : nullptr;
  const auto interval = opt.demo() ? std::chrono::milliseconds(500) : std::chrono::milliseconds(2000);

  try {
    SparkConf conf = SparkConf().setAppName("SparkStreamingExample").setMaster("local[2]");
    SparkContext sc(conf);
    StreamingContext ssc(sc, interval, manual);
    auto lines = ssc.socketTextStream(host, port);
    auto words = lines.flatMap([](const std::string& line) { return split(line, ' '); });
    auto pairs = words.map([](const auto& word) { return std::pair(word, 1); });
    auto wordCounts = pairs.reduceByKey([](int a, int b) { return a + b; });
    wordCounts.pprint();

    auto counter = std::make_shared<BatchCounter>();
    ssc.addStreamingListener(counter);
    ssc.start();
    if (opt.demo()) {
      runDemo(ssc, *server, lines, *counter, manual.get(), opt.batches);
      ssc.awaitTermination();
    } else {
      std::cerr << "counting words from " << host << ":" << port << "; Ctrl-C to stop\n";
      awaitTerminationOrSignal(ssc);
    }
  } catch (const std::exception& e) {
    std::cerr << "network_wordcount: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
