// Streaming word count fed from memory: sustained throughput and end-to-end
// latency on the system clock.
//
// A feeder thread appends prepared chunks of lines to a queueStream at a fixed
// rate; every batch counts the words of all chunks appended since the last one
// (flatMap -> map -> reduceByKey). Each chunk carries one marker word, so the
// output operation sees which chunks its batch held: latency = (time the
// batch's output has the marker) - (time the chunk was appended).
//
// The load is a fraction (RILL_BENCH_LOAD, default 0.6) of the capacity
// measured first with back-to-back batches of the same size on a ManualClock;
// "kept_up" says the run never fell a batch behind. BM_StreamingWordCountAtRate
// feeds a fixed rate instead (the 20 M words/s target). Run length per case:
// RILL_BENCH_SECONDS (default 5; the spec's long run is 60).
//
// BM_NetworkWordCountLog is the network word count (socketTextStream from a
// local server sending as fast as the receiver takes, 2 workers, 100 ms
// batches, 200 ms blocks, a checkpoint directory) with the receiver
// write-ahead log off (0) and on (1): lines/s the batches processed, and the
// CPU time a line costs over all threads. BM_LogBlockSync appends one block
// of the given size to a log segment and syncs it, as the log does every
// block interval, timing each. Both write under RILL_BENCH_DIR (default: the working
// directory), which should be on the disk the log would use (not a tmpfs).
//   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release
//   cmake --build build/bench --target bench_streaming && build/bench/benchmarks/bench_streaming
#include <benchmark/benchmark.h>

#include <rill/io/append_log.hpp>
#include <rill/io/socket.hpp>
#include <rill/stream/logged_input.hpp>
#include <rill/stream/streaming_context.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "wordcount_load.hpp"

namespace {

using namespace rill_bench;

void report(benchmark::State& state, const RunResult& r, rill::Duration interval) {
  state.counters["words_per_s"] = r.wordsPerSecond;
  state.counters["latency_p50_ms"] = r.p50Ms;
  state.counters["latency_p99_ms"] = r.p99Ms;
  state.counters["latency_max_ms"] = r.maxMs;
  state.counters["max_sched_delay_ms"] = r.maxSchedulingDelayMs;
  state.counters["kept_up"] =
      r.droppedChunks == 0 && r.maxSchedulingDelayMs < static_cast<double>(interval.count()) ? 1 : 0;
  state.counters["dropped_chunks"] = r.droppedChunks;
  state.counters["batches"] = r.batches;
  state.counters["rss_start_MiB"] = r.rssStartMiB;
  state.counters["rss_end_MiB"] = r.rssEndMiB;
}

/// Args: workers, batch interval (ms), load (percent of capacity; 0 = RILL_BENCH_LOAD).
void BM_StreamingWordCount(benchmark::State& state) {
  const auto workers = static_cast<std::size_t>(state.range(0));
  const rill::Duration interval(state.range(1));
  const double load = state.range(2) ? static_cast<double>(state.range(2)) / 100 : envDouble("RILL_BENCH_LOAD", 0.6);
  // Capacity at the batch size the run will use: a first guess of 20 M words/s, then once more.
  double cap = capacity(workers, static_cast<std::size_t>(20e6 * static_cast<double>(interval.count()) / 1000));
  cap = capacity(workers, static_cast<std::size_t>(load * cap * static_cast<double>(interval.count()) / 1000));
  RunResult r;
  for (auto _ : state) r = run(workers, interval, load * cap, envDouble("RILL_BENCH_SECONDS", 5));
  state.counters["capacity_words_per_s"] = cap;
  report(state, r, interval);
}

/// Args: workers, batch interval (ms), input rate in millions of words per second.
void BM_StreamingWordCountAtRate(benchmark::State& state) {
  const rill::Duration interval(state.range(1));
  RunResult r;
  for (auto _ : state)
    r = run(static_cast<std::size_t>(state.range(0)), interval, static_cast<double>(state.range(2)) * 1e6,
            envDouble("RILL_BENCH_SECONDS", 5));
  report(state, r, interval);
}

double processCpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

/// A scratch directory for a case under RILL_BENCH_DIR, removed on destruction.
class BenchDir {
 public:
  explicit BenchDir(const std::string& name) {
    const char* root = std::getenv("RILL_BENCH_DIR");
    path_ = std::filesystem::absolute(root ? root : ".") / ("rill-bench-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~BenchDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

/// Plays `nc -lk`: sends the same ~1 MiB of lines again and again, as fast as
/// the receiver reads, until the connection closes.
class LineServer {
 public:
  LineServer() {
    std::string chunk;
    for (const auto& line : makeLines(200'000)) chunk += line + "\n";
    thread_ = std::thread([this, chunk = std::move(chunk)] {
      try {
        auto conn = listener_.accept(std::chrono::seconds(30));
        while (!done_) conn.sendAll(chunk);
      } catch (const std::exception&) {  // the receiver closed the connection: the run is over
      }
    });
  }
  ~LineServer() {
    done_ = true;
    thread_.join();
  }
  int port() const { return listener_.port(); }

 private:
  rill::io::TcpListener listener_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

/// Counts the records of the batches that completed.
class RecordCounter final : public rill::StreamingListener {
 public:
  void onBatchCompleted(const rill::BatchInfo& b) override { records += b.numRecords; }
  std::atomic<std::int64_t> records{0};
};

/// Args: write-ahead log off (0) or on (1).
void BM_NetworkWordCountLog(benchmark::State& state) {
  const bool log = state.range(0) != 0;
  const double seconds = envDouble("RILL_BENCH_SECONDS", 5);
  BenchDir dir(log ? "wal-on" : "wal-off");
  double linesPerSecond = 0, cpuPerLine = 0, logBytes = 0;
  for (auto _ : state) {
    rill::SparkContext sc(rill::SparkConf()
                              .setMaster("local[2]")
                              .set("spark.streaming.blockInterval", "200ms")
                              .set("spark.streaming.receiver.writeAheadLog.enable", log ? "true" : "false"));
    rill::StreamingContext ssc(sc, std::chrono::milliseconds(100));
    ssc.checkpoint(dir.path());
    auto counter = std::make_shared<RecordCounter>();
    ssc.addStreamingListener(counter);
    LineServer server;
    wordCount(ssc.socketTextStream("127.0.0.1", server.port())).foreachRDD([](const auto& counts) {
      benchmark::DoNotOptimize(counts.count());
    });
    // StreamingContext::start opens the logs itself once it calls this; a second call does nothing.
    rill::detail::openReceiverLogs(ssc.graph(), dir.path(), std::nullopt);
    ssc.start();
    std::this_thread::sleep_for(std::chrono::seconds(1));  // warm-up: connected, buffers full
    const std::int64_t before = counter->records;
    const double cpuBefore = processCpuSeconds();
    const auto start = SteadyClock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const auto lines = static_cast<double>(counter->records - before);
    linesPerSecond = lines / std::chrono::duration<double>(SteadyClock::now() - start).count();
    cpuPerLine = (processCpuSeconds() - cpuBefore) / lines;
    ssc.stop(false);
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path()))
      if (e.is_regular_file() && e.path().filename().string().starts_with("log-"))
        logBytes += static_cast<double>(e.file_size());
  }
  state.counters["lines_per_s"] = linesPerSecond;
  state.counters["words_per_s"] = linesPerSecond * kWordsPerLine;
  // What a line costs in CPU time over all threads (the sender's included):
  // steadier than the rate on a machine shared with other work.
  state.counters["cpu_us_per_line"] = cpuPerLine * 1e6;
  state.counters["log_MiB"] = logBytes / (1 << 20);
}

/// Args: block size in KiB. One append of that size and its sync per
/// iteration; the counters split the time between the two.
void BM_LogBlockSync(benchmark::State& state) {
  BenchDir dir("log-sync");
  rill::io::AppendLog log(dir.path());
  const std::string block(static_cast<std::size_t>(state.range(0)) << 10, 'x');
  double appendSeconds = 0, syncSeconds = 0;
  std::size_t appended = 0;
  for (auto _ : state) {
    const auto start = SteadyClock::now();
    log.append(block);
    const auto written = SteadyClock::now();
    log.sync();
    appendSeconds += std::chrono::duration<double>(written - start).count();
    syncSeconds += std::chrono::duration<double>(SteadyClock::now() - written).count();
    if (++appended % 64 == 0) log.roll();  // segments of a real log's size
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["append_ms"] = appendSeconds / n * 1e3;
  state.counters["sync_ms"] = syncSeconds / n * 1e3;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(block.size()));
}

}  // namespace

// Throughput at the configured load: {workers, interval ms, 0}.
BENCHMARK(BM_StreamingWordCount)
    ->Args({1, 100, 0})
    ->Args({2, 100, 0})
    ->Args({1, 10, 0})
    ->Args({2, 10, 0})
    // Latency at a light load (10% of capacity), 2 workers.
    ->Args({2, 10, 10})
    ->Args({2, 100, 10})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
// The target: 20 M words/s on 2 workers at 100 ms batches (and the same at 10 ms).
BENCHMARK(BM_StreamingWordCountAtRate)
    ->Args({2, 100, 20})
    ->Args({2, 10, 20})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The receiver write-ahead log's cost: the network word count with it off and on.
BENCHMARK(BM_NetworkWordCountLog)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
// What one block's append and sync costs on this machine, by block size (KiB).
BENCHMARK(BM_LogBlockSync)->Arg(64)->Arg(1024)->Arg(4096)->Arg(16384)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
