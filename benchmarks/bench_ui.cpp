// The streaming UI under load: the 2-worker word count (wordcount_load.hpp)
// fed at 60% of its capacity in 100 ms batches, first alone, then with the UI
// attached and N clients each fetching the Streaming page and the statistics
// JSON every 100 ms. Counters: the word count's latency p50/p99 in both runs
// and the rise of p99, the largest scheduling delay with the clients, and the
// clients' own request latencies. Run length: RILL_BENCH_SECONDS (default 10).
//   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release
//   cmake --build build/bench --target bench_ui && build/bench/benchmarks/bench_ui
#include "wordcount_load.hpp"

#include <benchmark/benchmark.h>

#include <rill/ui.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using rill_bench::SteadyClock;

/// N threads, each GETting `paths` in turn every `period`, until stop().
class Pollers {
 public:
  void start(std::size_t clients, int port, std::vector<std::string> paths, std::chrono::milliseconds period) {
    for (std::size_t c = 0; c < clients; ++c)
      threads_.emplace_back([this, port, paths, period] { poll(port, paths, period); });
  }
  void stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  std::vector<double> latenciesMs() const {
    std::lock_guard lock(mutex_);
    return latencies_;
  }
  std::size_t failures() const { return failures_.load(); }

 private:
  void poll(int port, const std::vector<std::string>& paths, std::chrono::milliseconds period) {
    httplib::Client cli("127.0.0.1", port);
    cli.set_connection_timeout(5, 0);
    cli.set_read_timeout(5, 0);
    std::vector<double> mine;
    for (auto next = SteadyClock::now(); !stop_; next += period) {
      for (const auto& path : paths) {
        const auto sent = SteadyClock::now();
        const auto res = cli.Get(path.c_str());
        if (!res || res->status != 200) ++failures_;
        mine.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - sent).count());
      }
      std::this_thread::sleep_until(next + period);
    }
    std::lock_guard lock(mutex_);
    latencies_.insert(latencies_.end(), mine.begin(), mine.end());
  }

  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> failures_{0};
  mutable std::mutex mutex_;
  std::vector<double> latencies_;
};

/// Args: clients, batch interval (ms).
void BM_UiUnderLoad(benchmark::State& state) {
  constexpr std::size_t kWorkers = 2;
  const auto clients = static_cast<std::size_t>(state.range(0));
  const rill::Duration interval(state.range(1));
  const double load = rill_bench::envDouble("RILL_BENCH_LOAD", 0.6);
  const double seconds = rill_bench::envDouble("RILL_BENCH_SECONDS", 10);
  const double perBatch = static_cast<double>(interval.count()) / 1000;
  double cap = rill_bench::capacity(kWorkers, static_cast<std::size_t>(20e6 * perBatch));
  cap = rill_bench::capacity(kWorkers, static_cast<std::size_t>(load * cap * perBatch));

  rill_bench::RunResult alone, polled;
  std::vector<double> requestMs;
  std::size_t failures = 0;
  for (auto _ : state) {
    alone = rill_bench::run(kWorkers, interval, load * cap, seconds);
    std::unique_ptr<rill::ui::StreamingUI> ui;
    Pollers pollers;
    polled = rill_bench::run(kWorkers, interval, load * cap, seconds, [&](rill::StreamingContext& ssc) {
      rill::ui::UiSettings settings;
      settings.port = 0;
      ui = std::make_unique<rill::ui::StreamingUI>(ssc, settings);
      pollers.start(clients, ui->port(),
                    {"/streaming/", "/api/v1/applications/" + ui->appId() + "/streaming/statistics"},
                    std::chrono::milliseconds(100));
    });
    pollers.stop();
    requestMs = pollers.latenciesMs();
    failures = pollers.failures();
  }
  state.counters["capacity_words_per_s"] = cap;
  state.counters["words_per_s"] = polled.wordsPerSecond;
  state.counters["alone_p50_ms"] = alone.p50Ms;
  state.counters["alone_p99_ms"] = alone.p99Ms;
  state.counters["polled_p50_ms"] = polled.p50Ms;
  state.counters["polled_p99_ms"] = polled.p99Ms;
  state.counters["p99_rise_ms"] = polled.p99Ms - alone.p99Ms;
  state.counters["alone_max_sched_delay_ms"] = alone.maxSchedulingDelayMs;
  state.counters["polled_max_sched_delay_ms"] = polled.maxSchedulingDelayMs;
  state.counters["dropped_chunks"] = polled.droppedChunks;
  state.counters["requests"] = static_cast<double>(requestMs.size());
  state.counters["request_failures"] = static_cast<double>(failures);
  state.counters["request_p50_ms"] = rill_bench::percentile(requestMs, 0.50);
  state.counters["request_p99_ms"] = rill_bench::percentile(requestMs, 0.99);
  const double limit = static_cast<double>(interval.count());
  state.counters["within_one_interval"] =
      polled.p99Ms - alone.p99Ms < limit && polled.maxSchedulingDelayMs < limit && polled.droppedChunks == 0 ? 1 : 0;
}

}  // namespace

// 50 clients against the 2-worker word count in 100 ms batches at 60% of capacity.
BENCHMARK(BM_UiUnderLoad)->Args({50, 100})->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
