#pragma once
// Where an example's lines come from, and how the program is driven, shared
// by the examples so each one shows only its own streaming logic.
//
//   --host H --port P   socketTextStream(H, P): lines a server sends (`nc -lk P`)
//   --dir D             textFileStream(D): lines of files moved into D
//   --input FILE        FILE replayed through textFileStream: the program moves
//                       --lines-per-batch lines of it per batch into a scratch
//                       directory it watches (what a log shipper would do)
//   (none)              the program's built-in generator, via queueStream
//
// The first two run on the system clock until SIGINT/SIGTERM. The last two are
// scripted: they feed --batches batches on a ManualClock that the program
// advances itself, so a run takes milliseconds and its output is the same
// byte for byte every time (with --realtime: one batch per interval of the
// system clock instead). Every mode ends with a graceful stop: at the end of
// the script, or on SIGINT/SIGTERM (spark.streaming.stopGracefullyOnShutdown).
// Problems (warnings, receiver errors, failed batches) are printed to stderr.
#include "batch_progress.hpp"
#include "cli.hpp"
#include "date_time.hpp"
#include "problems.hpp"

#include <rill/rill.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace examples {

/// The input options every example takes (see the top of this file).
struct InputOptions {
  std::string host;
  int port = 0;
  std::string dir;
  std::string input;
  int linesPerBatch = 10;
  int batches;
  bool realtime = false;

  /// `defaultBatches`: how many batches a scripted run has unless --batches says.
  explicit InputOptions(int defaultBatches) : batches(defaultBatches) {}

  void addTo(CommandLine& cli) {
    cli.option("--host", host, "HOST", "read lines from a TCP server (with --port), until Ctrl-C")
        .option("--port", port, "PORT", "the server's port")
        .option("--dir", dir, "DIR", "read lines of files moved into DIR (textFileStream), until Ctrl-C")
        .option("--input", input, "FILE", "replay FILE through textFileStream, --lines-per-batch lines a batch")
        .option("--lines-per-batch", linesPerBatch, "N", "lines of --input per batch")
        .option("--batches", batches, "N", "batches to run; with --input at least the file's")
        .flag("--realtime", realtime, "with --input or the built-in data: run on the system clock");
  }
  /// The checks the parser cannot make alone: options that go together.
  void check(const CommandLine& cli) const {
    const int sources = !host.empty() + !dir.empty() + !input.empty();
    cli.require(sources <= 1, "--host, --dir and --input are different inputs: give one");
    cli.require(host.empty() == (port == 0), "--host and --port go together");
    cli.require(port >= 0 && port < 65536, "--port must be in 1..65535");
    cli.require(linesPerBatch >= 1, "--lines-per-batch must be at least 1");
    cli.require(batches >= 1, "--batches must be at least 1");
    cli.require(!live() || !realtime, "--realtime goes with --input or the built-in data");
  }
  /// Socket and directory input run until a stop signal.
  bool live() const { return !host.empty() || !dir.empty(); }
};

/// Lines of the built-in data for batch number b (0, 1, ...).
using Generator = std::function<std::vector<std::string>(int b)>;

/// A SparkContext, a StreamingContext and its input stream of lines, set up
/// from InputOptions; run() drives the context and stops it gracefully.
class StreamingApp {
 public:
  StreamingApp(const std::string& appName, InputOptions in, rill::Duration batch, Generator gen)
      : in_(std::move(in)),
        generate_(std::move(gen)),
        sc_(rill::SparkConf()
                .setAppName(appName)
                .setMaster("local[2]")
                .set("spark.streaming.stopGracefullyOnShutdown", "true")),
        clock_(scripted() && !in_.realtime ? std::make_shared<rill::ManualClock>(kDemoStartMillis) : nullptr),
        ssc_(sc_, batch, clock_) {
    reportProblems(ssc_);
    if (!in_.input.empty()) replay_ = readChunks(in_.input, static_cast<std::size_t>(in_.linesPerBatch));
    batches_ = std::max(in_.batches, replay_ ? static_cast<int>(replay_->size()) : 0);
  }
  ~StreamingApp() {
    if (!scratch_.empty()) std::filesystem::remove_all(scratch_);
  }

  rill::SparkContext& sc() { return sc_; }
  rill::StreamingContext& ssc() { return ssc_; }

  /// The input DStream of lines (call once, before run()).
  rill::DStream<std::string> lines() {
    if (!in_.host.empty()) return ssc_.socketTextStream(in_.host, in_.port);
    if (!in_.dir.empty()) return ssc_.textFileStream(in_.dir);
    if (replay_) {
      scratch_ = std::filesystem::temp_directory_path() / ("rill-example-" + std::to_string(::getpid()));
      std::filesystem::create_directories(scratch_);
      return ssc_.textFileStream(scratch_.string());
    }
    queue_ = std::make_shared<rill::RDDQueue<std::string>>();
    return ssc_.queueStream(queue_);
  }

  /// Starts the context, feeds the scripted batches (or waits for a stop signal),
  /// then stops gracefully. Rethrows the first exception a batch raised.
  void run() {
    auto progress = std::make_shared<BatchProgress>();
    ssc_.addStreamingListener(progress);
    ssc_.start();
    if (!scripted()) {
      std::cerr << "reading " << (in_.dir.empty() ? in_.host + ":" + std::to_string(in_.port) : in_.dir)
                << "; Ctrl-C to stop\n";
    }
    for (int b = 0; scripted() && b < batches_ && running(); ++b) {
      const std::int64_t fedAt = ssc_.clock().getTimeMillis();
      feed(b);
      if (clock_) clock_->advance(ssc_.batchDuration());  // returns once the batch is done
      else progress->awaitBatchAfter(fedAt, ssc_);
    }
    if (scripted()) ssc_.stop(false, true);
    ssc_.awaitTermination();  // a live run: until a signal has stopped it
    ssc_.stop(true);
  }

 private:
  bool scripted() const { return !in_.live(); }
  bool running() const { return ssc_.getState() == rill::StreamingContext::State::ACTIVE; }

  /// Batch b's lines into the input: the queue, or a file moved into the watched directory.
  void feed(int b) {
    if (!replay_) {
      queue_->push(sc_.parallelize(generate_(b), 2));
      return;
    }
    if (static_cast<std::size_t>(b) >= replay_->size()) return;  // the file is over: empty batches
    std::string text;
    for (const auto& line : (*replay_)[static_cast<std::size_t>(b)]) text += line + "\n";
    // Written under another name and renamed in, so the stream never sees half a file.
    rill::io::writeFileAtomically((scratch_ / ("part-" + std::to_string(b) + ".log")).string(), text);
  }

  static std::vector<std::vector<std::string>> readChunks(const std::string& path, std::size_t perChunk) {
    std::ifstream file(path);
    if (!file) throw rill::IoError("cannot read " + path);
    std::vector<std::vector<std::string>> chunks;
    for (std::string line; std::getline(file, line);) {
      if (chunks.empty() || chunks.back().size() == perChunk) chunks.emplace_back();
      chunks.back().push_back(line);
    }
    return chunks;
  }

  InputOptions in_;
  Generator generate_;
  rill::SparkContext sc_;
  std::shared_ptr<rill::ManualClock> clock_;
  rill::StreamingContext ssc_;
  std::optional<std::vector<std::vector<std::string>>> replay_;
  std::filesystem::path scratch_;
  std::shared_ptr<rill::RDDQueue<std::string>> queue_;
  int batches_ = 0;
};

}  // namespace examples
