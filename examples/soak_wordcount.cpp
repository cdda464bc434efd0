// Soak run: the streaming word count at full speed for a bounded time, with a
// window and running state, fed by a receiver from an in-process generator.
// It checks that nothing is lost and that memory does not grow:
//   - lines generated (stored by the receiver) == lines counted by the batches,
//     after a graceful stop;
//   - words in the running totals (updateStateByKey) == words generated;
//   - every window's total (reduceByKeyAndWindow with an inverse function)
//     == the words of the batches it covers;
//   - resident memory at the end <= after warm-up + max(10%, 8 MiB).
// Prints the figures and PASS, or FAIL (exit status 1).
//
//   soak_wordcount [--seconds 60] [--warmup 10] [--batch-ms 100] [--workers 2]
//                  [--rate 800000 (lines/s of 10 words; 0 = as fast as the batches take them)]
//                  [--buffer 200000 (rill.streaming.receiver.maxBufferedRecords)]
// scripts/soak.sh builds it in Release and runs it.
#include "common/cli.hpp"
#include "common/problems.hpp"

#include <rill/rill.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace rill;

namespace {

constexpr int kWordsPerLine = 10;
constexpr int kVocabulary = 1000;

struct Options {
  int seconds = 60;
  int warmup = 10;
  int batchMs = 100;
  int workers = 2;
  long rate = 800'000;
  long buffer = 200'000;
};

Options parse(int argc, char** argv) {
  Options o;
  examples::CommandLine cli("soak_wordcount", "[options]",
                            "The streaming word count at full speed for a bounded time, with a window and\n"
                            "running state: checks that nothing is lost and that memory does not grow.");
  cli.option("--seconds", o.seconds, "S", "how long to run")
      .option("--warmup", o.warmup, "S", "seconds before memory is sampled")
      .option("--batch-ms", o.batchMs, "MS", "the batch interval")
      .option("--workers", o.workers, "N", "worker threads")
      .option("--rate", o.rate, "LINES_PER_S", "lines a second the generator stores; 0: as fast as it can")
      .option("--buffer", o.buffer, "LINES", "rill.streaming.receiver.maxBufferedRecords");
  cli.parse(argc, argv);
  cli.require(o.warmup >= 1 && o.seconds > o.warmup, "--warmup must be at least 1 and less than --seconds");
  cli.require(o.batchMs > 0 && o.workers > 0 && o.buffer > 0, "--batch-ms, --workers and --buffer must be positive");
  cli.require(o.rate >= 0, "--rate must not be negative");
  return o;
}

/// Resident set and its peak (VmRSS, VmHWM) in MiB.
std::pair<double, double> rssMiB() {
  std::ifstream status("/proc/self/status");
  std::string key;
  double rss = 0, peak = 0;
  while (status >> key) {
    long kib = 0;
    if (key == "VmRSS:" && status >> kib) rss = kib / 1024.0;
    else if (key == "VmHWM:" && status >> kib) peak = kib / 1024.0;
    status.ignore(1 << 12, '\n');
  }
  return {rss, peak};
}

/// The in-process source: cycles through a pool of lines of kWordsPerLine
/// words, storing them a chunk at a time as fast as store() lets it.
class Generator final : public Receiver<std::string> {
 public:
  Generator() {
    std::uint64_t x = 42;
    for (auto& line : pool_) {
      for (int w = 0; w < kWordsPerLine; ++w) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        line += (w ? " w" : "w") + std::to_string((x >> 33) % kVocabulary);
      }
    }
  }
  void onStart() override {
    spawn([this] {
      std::size_t next = 0;
      while (!isStopped()) {
        std::vector<std::string> chunk(pool_.begin() + static_cast<std::ptrdiff_t>(next),
                                       pool_.begin() + static_cast<std::ptrdiff_t>(next + kChunk));
        next = (next + kChunk) % pool_.size();
        store(std::move(chunk));
        generated += kChunk;
      }
    });
  }
  void onStop() override {}
  std::string name() const override { return "Generator"; }

  std::atomic<std::int64_t> generated{0};

 private:
  static constexpr std::size_t kChunk = 500;
  std::vector<std::string> pool_ = std::vector<std::string>(kChunk * 8);
};

template <class R>
std::int64_t sumOfValues(const R& rdd) {
  return rdd.map([](const auto& kv) { return kv.second; }).fold(std::int64_t{0}, std::plus<std::int64_t>());
}

/// What the outputs saw, batch by batch.
struct Tally {
  std::mutex mutex;
  std::map<std::int64_t, std::int64_t> wordsAt;  // batch time -> words in that batch
  std::int64_t lines = 0, batches = 0, windows = 0, windowMismatches = 0, totalWords = 0;
  std::int64_t maxSchedulingDelayMs = 0;
};

class DelayListener final : public StreamingListener {
 public:
  explicit DelayListener(std::shared_ptr<Tally> t) : tally_(std::move(t)) {}
  void onBatchCompleted(const BatchInfo& b) override {
    std::lock_guard lock(tally_->mutex);
    ++tally_->batches;
    if (auto d = b.schedulingDelay()) tally_->maxSchedulingDelayMs = std::max(tally_->maxSchedulingDelayMs, d->count());
  }

 private:
  std::shared_ptr<Tally> tally_;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const Duration batch = Milliseconds(o.batchMs), window = Milliseconds(20L * o.batchMs),
                 slide = Milliseconds(5L * o.batchMs);
  SparkContext sc(SparkConf()
                      .setAppName("soak_wordcount")
                      .setMaster("local[" + std::to_string(o.workers) + "]")
                      .set("spark.streaming.receiver.maxRate", std::to_string(o.rate))
                      .set("rill.streaming.receiver.maxBufferedRecords", std::to_string(o.buffer)));
  StreamingContext ssc(sc, batch);
  auto tally = std::make_shared<Tally>();
  examples::reportProblems(ssc);
  ssc.addStreamingListener(std::make_shared<DelayListener>(tally));
  auto generator = std::make_shared<Generator>();

  using WordCount = std::pair<std::string, std::int64_t>;
  auto plus = [](std::int64_t a, std::int64_t b) { return a + b; };
  auto lines = ssc.receiverStream(generator);
  auto counts = lines.flatMap([](const std::string& line) { return split(line, ' '); })
                    .map([](const std::string& w) { return WordCount(w, 1); })
                    .reduceByKey(plus);
  auto totals = counts.updateStateByKey([](const std::vector<std::int64_t>& values, std::optional<std::int64_t> state) {
    std::int64_t sum = state.value_or(0);
    for (auto v : values) sum += v;
    return std::optional<std::int64_t>(sum);
  });
  auto windowed = counts.reduceByKeyAndWindow(plus, [](std::int64_t a, std::int64_t b) { return a - b; }, window,
                                              slide, 0, [](const WordCount& kv) { return kv.second != 0; });

  lines.foreachRDD([tally](const auto& rdd) {
    const auto n = static_cast<std::int64_t>(rdd.count());
    std::lock_guard lock(tally->mutex);
    tally->lines += n;
  });
  counts.foreachRDD([tally](const auto& rdd, Time t) {
    const std::int64_t words = sumOfValues(rdd);
    std::lock_guard lock(tally->mutex);
    tally->wordsAt[t.milliseconds()] = words;
  });
  windowed.foreachRDD([tally, window](const auto& rdd, Time t) {
    const std::int64_t got = sumOfValues(rdd);
    std::lock_guard lock(tally->mutex);
    std::int64_t expected = 0;
    auto& at = tally->wordsAt;
    for (auto it = at.upper_bound((t - window).milliseconds()); it != at.end() && it->first <= t.milliseconds(); ++it)
      expected += it->second;
    ++tally->windows;
    if (got != expected) ++tally->windowMismatches;
    at.erase(at.begin(), at.upper_bound((t - window).milliseconds()));  // keeps the map bounded
  });
  totals.foreachRDD([tally](const auto& rdd) {
    const std::int64_t words = sumOfValues(rdd);
    std::lock_guard lock(tally->mutex);
    tally->totalWords = words;
  });

  std::printf("soak_wordcount: %d s (warm-up %d s), batch %d ms, window %lld ms / slide %lld ms, %d workers, "
              "rate %s, buffer %ld lines\n",
              o.seconds, o.warmup, o.batchMs, static_cast<long long>(window.count()),
              static_cast<long long>(slide.count()), o.workers,
              o.rate > 0 ? (std::to_string(o.rate) + " lines/s").c_str() : "unlimited", o.buffer);
  const auto [rssStart, peakStart] = rssMiB();
  const auto started = std::chrono::steady_clock::now();
  ssc.start();
  // Samples after warm-up, and a progress line every 10 s, which shows whether
  // memory levels off or keeps growing.
  std::pair<double, double> warm;
  std::int64_t generatedWarm = 0;
  for (int at = 1; at <= o.seconds; ++at) {
    std::this_thread::sleep_until(started + std::chrono::seconds(at));
    if (at == o.warmup) {
      warm = rssMiB();
      generatedWarm = generator->generated;
    }
    if (at % 10 == 0 && at < o.seconds) {
      std::printf("  %3d s: %lld lines generated, RSS %.1f MiB\n", at,
                  static_cast<long long>(generator->generated.load()), rssMiB().first);
      std::fflush(stdout);
    }
  }
  const auto [rssWarm, peakWarm] = warm;
  const auto [rssEnd, peakEnd] = rssMiB();
  const std::int64_t generatedEnd = generator->generated;
  ssc.stop(false, true);  // graceful: everything generated is processed
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const std::int64_t generated = generator->generated;
  std::lock_guard lock(tally->mutex);
  const double rate = static_cast<double>(generatedEnd - generatedWarm) / (o.seconds - o.warmup);
  std::printf("records: %lld lines generated, %lld counted, %lld lost; words: %lld in the running totals, %lld generated\n",
              static_cast<long long>(generated), static_cast<long long>(tally->lines),
              static_cast<long long>(generated - tally->lines), static_cast<long long>(tally->totalWords),
              static_cast<long long>(generated * kWordsPerLine));
  std::printf("rate after warm-up: %.0f lines/s = %.2f M words/s (%.1f s in all); %lld batches, max scheduling delay %lld ms\n",
              rate, rate * kWordsPerLine / 1e6, elapsed, static_cast<long long>(tally->batches),
              static_cast<long long>(tally->maxSchedulingDelayMs));
  std::printf("windows checked: %lld, mismatches: %lld\n", static_cast<long long>(tally->windows),
              static_cast<long long>(tally->windowMismatches));
  std::printf("RSS: start %.1f MiB, after warm-up %.1f MiB (peak %.1f), end %.1f MiB (peak %.1f)\n", rssStart, rssWarm,
              peakWarm, rssEnd, peakEnd);
  (void)peakStart;

  const bool lost = generated != tally->lines || tally->totalWords != generated * kWordsPerLine;
  const bool grew = rssEnd > rssWarm + std::max(rssWarm * 0.10, 8.0);
  const bool windowsWrong = tally->windowMismatches != 0 || tally->windows == 0;
  const bool pass = !lost && !grew && !windowsWrong && generated > 0;
  std::printf("%s%s%s%s\n", pass ? "PASS" : "FAIL", lost ? " (records lost)" : "", grew ? " (memory grew)" : "",
              windowsWrong ? " (window totals wrong)" : "");
  return pass ? 0 : 1;
}
