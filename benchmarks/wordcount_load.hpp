#pragma once
// The streaming word count the benchmarks load: a feeder thread appends
// prepared chunks of lines to a queueStream at a fixed rate; every batch counts
// the words of all chunks appended since the last one (flatMap -> map ->
// reduceByKey). Each chunk carries one marker word, so the output operation
// sees which chunks its batch held: latency = (time the batch's output has the
// marker) - (time the chunk was appended). capacity() measures words/s with
// back-to-back batches on a ManualClock; run() streams on the system clock.
#include <benchmark/benchmark.h>

#include <rill/stream/streaming_context.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace rill_bench {


using SteadyClock = std::chrono::steady_clock;
inline constexpr std::size_t kWordsPerLine = 10;
inline constexpr std::size_t kChunksPerBatch = 10;  // the feeder appends 10 times per batch interval

inline double envDouble(const char* name, double dflt) {
  const char* v = std::getenv(name);
  return v ? std::atof(v) : dflt;
}

inline double residentMiB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1 << 20);
}

/// The blank-separated words of a line, as views into it, produced lazily.
struct WordsOf {
  std::string_view text;
  struct Cursor {
    const char* at;
    const char* stop;
    const char* wordEnd;
    void settle() {
      while (at != stop && *at == ' ') ++at;
      wordEnd = at;
      while (wordEnd != stop && *wordEnd != ' ') ++wordEnd;
    }
    std::string_view operator*() const { return {at, static_cast<std::size_t>(wordEnd - at)}; }
    Cursor& operator++() {
      at = wordEnd;
      settle();
      return *this;
    }
    bool operator!=(const Cursor& o) const { return at != o.at; }
  };
  Cursor begin() const {
    Cursor c{text.data(), text.data() + text.size(), nullptr};
    c.settle();
    return c;
  }
  Cursor end() const { return {text.data() + text.size(), text.data() + text.size(), nullptr}; }
};

/// `words` words of text over a 2,000-word vocabulary, 10 words a line, the same every run.
inline std::vector<std::string> makeLines(std::size_t words) {
  std::uint32_t seed = 2463534242u;
  auto next = [&seed] { return seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5; };
  std::vector<std::string> vocabulary(2000);
  for (auto& w : vocabulary)
    for (std::uint32_t len = 3 + next() % 7, i = 0; i < len; ++i) w += static_cast<char>('a' + next() % 26);
  std::vector<std::string> lines(std::max<std::size_t>(1, words / kWordsPerLine));
  for (auto& line : lines)
    for (std::size_t i = 0; i < kWordsPerLine; ++i) (line += i ? " " : "") += vocabulary[next() % vocabulary.size()];
  return lines;
}

template <class D>
auto wordCount(const D& lines) {
  return lines.flatMap([](const std::string& line) { return WordsOf{line}; })
      .map([](std::string_view w) { return std::pair<std::string_view, std::int64_t>(w, 1); })
      .reduceByKey([](std::int64_t a, std::int64_t b) { return a + b; });
}

inline bool isMarker(std::string_view w) { return !w.empty() && w[0] == '\x01'; }

/// One chunk: the prepared lines (shared, never copied) plus its marker line.
inline rill::RDD<std::string> chunk(rill::SparkContext& sc, const rill::RDD<std::string>& prepared, std::size_t seq) {
  return prepared.union_(sc.parallelize(std::vector<std::string>{"\x01" + std::to_string(seq)}, 1));
}

/// Words per second of back-to-back batches of `batchWords` words (ManualClock: no waiting).
inline double capacity(std::size_t workers, std::size_t batchWords) {
  rill::SparkContext sc(rill::SparkConf().setMaster("local[" + std::to_string(workers) + "]"));
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, std::chrono::seconds(1), clock);
  auto queue = std::make_shared<rill::RDDQueue<std::string>>();
  auto prepared = sc.parallelize(makeLines(batchWords), workers * 2);
  wordCount(ssc.queueStream(queue)).foreachRDD([](const auto& rdd) { benchmark::DoNotOptimize(rdd.count()); });
  ssc.start();
  // The fastest of a few batches: what the machine does when nothing else runs on it.
  double best = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    const auto start = SteadyClock::now();
    queue->push(chunk(sc, prepared, i));
    clock->advance(std::chrono::seconds(1));
    if (i > 0) best = std::max(best, 1 / std::chrono::duration<double>(SteadyClock::now() - start).count());
  }
  ssc.stop(false);
  return static_cast<double>(batchWords) * best;
}

/// Records every batch's scheduling delay.
class DelayRecorder final : public rill::StreamingListener {
 public:
  void onBatchCompleted(const rill::BatchInfo& b) override {
    std::lock_guard lock(mutex_);
    maxDelay_ = std::max(maxDelay_, b.schedulingDelay().value_or(rill::Duration(0)));
    ++batches_;
  }
  rill::Duration maxDelay() const {
    std::lock_guard lock(mutex_);
    return maxDelay_;
  }
  std::int64_t batches() const {
    std::lock_guard lock(mutex_);
    return batches_;
  }

 private:
  mutable std::mutex mutex_;
  rill::Duration maxDelay_{0};
  std::int64_t batches_ = 0;
};

struct RunResult {
  double wordsPerSecond = 0;
  double p50Ms = 0, p99Ms = 0, maxMs = 0;
  double maxSchedulingDelayMs = 0;
  double batches = 0;
  double droppedChunks = 0;  // input the feeder skipped because the stream fell behind
  double rssStartMiB = 0, rssEndMiB = 0;
};

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

/// Streams for `seconds` at `wordsPerSecond`, appended kChunksPerBatch times per interval.
/// `beforeStart(ssc)` runs once the stream is defined, before it starts (e.g. to attach a UI).
inline RunResult run(std::size_t workers, rill::Duration interval, double wordsPerSecond, double seconds,
                     const std::function<void(rill::StreamingContext&)>& beforeStart = {}) {
  rill::SparkContext sc(rill::SparkConf().setMaster("local[" + std::to_string(workers) + "]"));
  rill::StreamingContext ssc(sc, interval);
  auto delays = std::make_shared<DelayRecorder>();
  ssc.addStreamingListener(delays);
  const auto period = std::chrono::duration<double>(static_cast<double>(interval.count()) / 1000.0 / kChunksPerBatch);
  const auto chunkWords = static_cast<std::size_t>(wordsPerSecond * period.count());
  auto prepared = sc.parallelize(makeLines(chunkWords), workers);
  const std::size_t wordsInChunk = chunkWords / kWordsPerLine * kWordsPerLine;
  const std::size_t maxChunks = static_cast<std::size_t>(seconds / period.count()) + 16;

  std::vector<SteadyClock::time_point> appended(maxChunks);
  std::vector<double> latencyMs;  // written by the scheduler thread only
  latencyMs.reserve(maxChunks);
  std::atomic<std::size_t> counted{0};
  auto queue = std::make_shared<rill::RDDQueue<std::string>>();
  wordCount(ssc.queueStream(queue, false)).foreachRDD([&](const auto& counts) {
    auto markers = counts.filter([](const auto& kv) { return isMarker(kv.first); }).collect();
    const auto now = SteadyClock::now();
    for (const auto& m : markers) {
      const auto seq = std::stoul(m.first.substr(1));
      latencyMs.push_back(std::chrono::duration<double, std::milli>(now - appended[seq]).count());
    }
    counted += markers.size();
  });

  RunResult r;
  if (beforeStart) beforeStart(ssc);
  r.rssStartMiB = residentMiB();
  ssc.start();
  const auto start = SteadyClock::now();
  std::size_t seq = 0;
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < maxChunks - 16; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<SteadyClock::duration>(period * i));
    // A stream two batches behind drops input rather than making ever larger batches.
    if (queue->size() >= 2 * kChunksPerBatch) {
      ++dropped;
      continue;
    }
    appended[seq] = SteadyClock::now();
    queue->push(chunk(sc, prepared, seq++));
  }
  r.rssEndMiB = residentMiB();
  ssc.stop(false);
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  r.wordsPerSecond = static_cast<double>(counted.load() * wordsInChunk) / elapsed;
  r.p50Ms = percentile(latencyMs, 0.50);
  r.p99Ms = percentile(latencyMs, 0.99);
  r.maxMs = percentile(latencyMs, 1.0);
  r.maxSchedulingDelayMs = static_cast<double>(delays->maxDelay().count());
  r.batches = static_cast<double>(delays->batches());
  r.droppedChunks = static_cast<double>(dropped);
  return r;
}

}  // namespace rill_bench
