// Keyed operations: word count, join, sortByKey, and the combine-table choice.
//
// Inputs are generated once, deterministically, in memory:
//   - ~200 MB of text whose words follow a Zipf law (s = 1) over 10^5 distinct words;
//   - 10^6 x 10^6 (key, value) records with keys uniform in [0, 10^6) for the join;
//   - 10^7 (key, value) pairs with uniform 64-bit keys for the sort.
// RILL_BENCH_SCALE=0.05 (say) shrinks all of them for a quick run.
//
//   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build/bench --target bench_keyed
//   build/bench/benchmarks/bench_keyed --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
// BM_Calibration_Spin/2 vs /1 shows how much a second worker can help on this machine at
// all (a shared or virtual machine may be far from 2x), and BM_Calibration_TableLoop/2 vs /1
// how much it helps the word count's own table loop without rill; read the 2-worker numbers
// against them.
// BM_WordCount_RillAsWritten is the word count as a user writes it: rill::split, (std::string,
// long) pairs, collectAsMap(); read it against BM_WordCount_HandLoop. The word counts' CPU
// column is the whole process's CPU time (all workers), which other load on the machine
// disturbs far less than the wall time.
// Peak memory of the word count, in a process of its own (VmHWM counts the whole process):
//   build/bench/benchmarks/bench_keyed --benchmark_filter=PeakRSS
// BM_WordCount_TextFilePeakRSS writes the text to a file once (RILL_BENCH_TMP, default /tmp)
// and reports the peak RSS (VmHWM, read by the child itself: getrusage would count the parent's
// pages a spawned child shared before its exec) of a child process that runs the word count
// as written over textFile on 2 workers and nothing else.
#include <benchmark/benchmark.h>

#include "workload.hpp"

#include <rill/core/split.hpp>
#include <rill/rdd/spark_context.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

double scale() {
  const char* s = std::getenv("RILL_BENCH_SCALE");
  return s ? std::atof(s) : 1.0;
}

rill::SparkContext& context(int workers) {
  static std::unique_ptr<rill::SparkContext> contexts[3];
  auto& sc = contexts[workers];
  if (!sc)
    sc = std::make_unique<rill::SparkContext>(
        rill::SparkConf().setAppName("bench_keyed").setMaster("local[" + std::to_string(workers) + "]"));
  return *sc;
}

// ---- the Zipf text ------------------------------------------------------------------------------

struct Text {
  std::string bytes;                   // the whole text, lines separated by '\n'
  std::vector<std::string_view> lines;  // views into bytes
};

const Text& zipfText() {
  static const Text text = [] {
    constexpr std::size_t kDistinct = 100'000;
    const auto target = static_cast<std::size_t>(200e6 * scale());
    std::mt19937_64 rng(20240601);
    // Vocabulary: distinct lowercase words of 2..12 letters.
    std::vector<std::string> words;
    std::unordered_set<std::string> seen;
    std::uniform_int_distribution<int> length(2, 12), letter('a', 'z');
    while (words.size() < kDistinct) {
      std::string w(static_cast<std::size_t>(length(rng)), ' ');
      for (auto& c : w) c = static_cast<char>(letter(rng));
      if (seen.insert(w).second) words.push_back(std::move(w));
    }
    std::vector<double> cdf(kDistinct);
    double sum = 0;
    for (std::size_t r = 0; r < kDistinct; ++r) cdf[r] = sum += 1.0 / static_cast<double>(r + 1);
    for (auto& c : cdf) c /= sum;
    Text t;
    t.bytes.reserve(target + 256);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::size_t lineStart = 0;
    while (t.bytes.size() < target) {
      const auto rank = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
      t.bytes += words[std::min(rank, kDistinct - 1)];
      if (t.bytes.size() - lineStart >= 100) {
        t.bytes += '\n';
        lineStart = t.bytes.size();
      } else {
        t.bytes += ' ';
      }
    }
    std::string_view all(t.bytes);
    for (std::size_t at = 0; at < all.size();) {
      std::size_t end = all.find('\n', at);
      if (end == all.npos) end = all.size();
      t.lines.push_back(all.substr(at, end - at));
      at = end + 1;
    }
    return t;
  }();
  return text;
}

using Words = rill_bench::SpaceWords;

const auto plus = [](long a, long b) { return a + b; };

// ---- word count -------------------------------------------------------------------------------

void BM_WordCount_HandLoop(benchmark::State& state) {
  const auto& text = zipfText();
  for (auto _ : state) {
    std::unordered_map<std::string, long> counts;
    for (std::string_view line : text.lines)
      for (std::string_view w : Words{line}) ++counts[std::string(w)];
    benchmark::DoNotOptimize(counts.size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.bytes.size()));
}

template <class Counts>
void wordCount(benchmark::State& state, Counts counts) {
  const auto& text = zipfText();
  auto lines = context(static_cast<int>(state.range(0))).parallelize(text.lines);  // a partition per worker
  std::int64_t distinct = 0;
  for (auto _ : state) distinct = counts(lines);
  state.counters["distinct"] = static_cast<double>(distinct);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.bytes.size()));
}

/// The fused chain ends in the combine: (string_view, 1) pairs probe the table without
/// building a string; a word's std::string is made once per map task.
auto countViews = [](const auto& lines) {
  return lines.flatMap([](std::string_view line) { return Words{line}; })
      .map([](std::string_view w) { return std::pair<std::string_view, long>(w, 1); })
      .reduceByKey(plus)
      .count();
};
/// The same with (std::string, 1) pairs, as one would write it in Spark.
auto countStrings = [](const auto& lines) {
  return lines.flatMap([](std::string_view line) { return Words{line}; })
      .map([](std::string_view w) { return std::pair<std::string, long>(w, 1); })
      .reduceByKey(plus)
      .count();
};

/// The word count as a user writes it (Spark's example in C++): rill::split, a
/// (std::string, 1) pair from a const std::string&, the counts collected as a map.
auto countAsWritten = [](const auto& lines) {
  return static_cast<std::int64_t>(lines.flatMap([](std::string_view line) { return rill::split(line, ' '); })
                                       .map([](const std::string& w) { return std::pair<std::string, long>(w, 1); })
                                       .reduceByKey(plus)
                                       .collectAsMap()
                                       .size());
};

void BM_WordCount_Rill(benchmark::State& state) { wordCount(state, countViews); }
void BM_WordCount_RillStringPairs(benchmark::State& state) { wordCount(state, countStrings); }
void BM_WordCount_RillAsWritten(benchmark::State& state) { wordCount(state, countAsWritten); }

/// The combine table alone, single-threaded, on the same word stream: the
/// measurement behind rill/rdd/hash_table.hpp. Both tables are probed with the
/// string_view; std::unordered_map uses C++20 heterogeneous find.
void BM_CombineTable_UnorderedMap(benchmark::State& state) {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  const auto& text = zipfText();
  for (auto _ : state) {
    std::unordered_map<std::string, long, Hash, std::equal_to<>> counts;
    for (std::string_view line : text.lines)
      for (std::string_view w : Words{line}) {
        auto it = counts.find(w);
        if (it != counts.end())
          ++it->second;
        else
          counts.emplace(std::string(w), 1);
      }
    benchmark::DoNotOptimize(counts.size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.bytes.size()));
}

void BM_CombineTable_FlatMap(benchmark::State& state) {
  const auto& text = zipfText();
  for (auto _ : state) {
    rill::detail::FlatMap<std::string, long> counts;
    for (std::string_view line : text.lines)
      for (std::string_view w : Words{line}) counts.upsert(w, [] { return 1L; }, [](long& c) { ++c; });
    benchmark::DoNotOptimize(counts.size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.bytes.size()));
}

/// Peak resident memory of a word count (2 workers), for a process running only this.
std::int64_t vmHighWaterKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  return -1;
}
void BM_WordCount_PeakRSS(benchmark::State& state) {
  const auto& text = zipfText();
  const double inputKiB = static_cast<double>(text.bytes.size()) / 1024.0;
  const double before = static_cast<double>(vmHighWaterKiB());
  auto lines = context(2).parallelize(text.lines);
  for (auto _ : state) benchmark::DoNotOptimize(countViews(lines));
  const double after = static_cast<double>(vmHighWaterKiB());
  state.counters["input_MiB"] = inputKiB / 1024.0;
  state.counters["peakRSS_MiB"] = after / 1024.0;
  state.counters["peak_over_input"] = after / inputKiB;
  state.counters["wordcount_extra_MiB"] = (after - before) / 1024.0;
}

/// The word count as written over a file read with textFile, on 2 workers, in this
/// process (bench_keyed --textfile-wordcount PATH): what BM_WordCount_TextFilePeakRSS
/// measures. Prints the distinct words and the process's peak RSS in KiB.
int textFileWordCount(const char* path) {
  std::size_t distinct = 0;
  {
    rill::SparkContext sc(rill::SparkConf().setAppName("bench_keyed").setMaster("local[2]"));
    distinct = sc.textFile(path)
                   .flatMap([](const std::string& line) { return rill::split(line, ' '); })
                   .map([](const std::string& w) { return std::pair<std::string, long>(w, 1); })
                   .reduceByKey(plus)
                   .collectAsMap()
                   .size();
  }
  std::printf("%zu %lld\n", distinct, static_cast<long long>(vmHighWaterKiB()));
  return distinct == 0 ? 1 : 0;
}

/// The Zipf text as a file, written once, removed at exit.
const std::string& zipfFile() {
  struct TempFile {
    std::string path;
    ~TempFile() { std::remove(path.c_str()); }
  };
  static const TempFile file = [] {
    const char* dir = std::getenv("RILL_BENCH_TMP");
    TempFile f{std::string(dir ? dir : "/tmp") + "/rill_bench_zipf_" + std::to_string(::getpid()) + ".txt"};
    std::ofstream(f.path, std::ios::binary) << zipfText().bytes;
    return f;
  }();
  return file.path;
}

void BM_WordCount_TextFilePeakRSS(benchmark::State& state) {
  const std::string command = "/proc/" + std::to_string(::getpid()) + "/exe --textfile-wordcount " + zipfFile();
  double peakMiB = 0, distinct = 0;
  for (auto _ : state) {
    FILE* child = ::popen(command.c_str(), "r");
    long long words = 0, kib = 0;
    const bool read = child && std::fscanf(child, "%lld %lld", &words, &kib) == 2;
    if (!child || ::pclose(child) != 0 || !read) {
      state.SkipWithError("the child word count failed");
      return;
    }
    peakMiB = std::max(peakMiB, static_cast<double>(kib) / 1024.0);
    distinct = static_cast<double>(words);
  }
  state.counters["input_MiB"] = static_cast<double>(zipfText().bytes.size()) / (1 << 20);
  state.counters["peakRSS_MiB"] = peakMiB;
  state.counters["distinct"] = distinct;
}

// ---- join -------------------------------------------------------------------------------------

using Pair = std::pair<std::int64_t, std::int64_t>;

std::vector<Pair> randomPairs(std::size_t n, std::uint64_t keyRange, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Pair> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = {static_cast<std::int64_t>(keyRange ? rng() % keyRange : rng() >> 1), static_cast<std::int64_t>(i)};
  return out;
}

std::size_t joinSize() { return static_cast<std::size_t>(1e6 * scale()); }
const std::vector<Pair>& joinLeft() {
  static const auto v = randomPairs(joinSize(), joinSize(), 1);
  return v;
}
const std::vector<Pair>& joinRight() {
  static const auto v = randomPairs(joinSize(), joinSize(), 2);
  return v;
}

void BM_Join_HandLoop(benchmark::State& state) {
  for (auto _ : state) {
    std::unordered_multimap<std::int64_t, std::int64_t> right(joinRight().begin(), joinRight().end());
    std::vector<std::pair<std::int64_t, Pair>> out;
    for (auto& [k, v] : joinLeft()) {
      auto [b, e] = right.equal_range(k);
      for (; b != e; ++b) out.push_back({k, {v, b->second}});
    }
    benchmark::DoNotOptimize(out.size());
  }
}

void BM_Join_Rill(benchmark::State& state) {
  auto& sc = context(static_cast<int>(state.range(0)));
  auto left = sc.parallelize(joinLeft());
  auto right = sc.parallelize(joinRight());
  std::int64_t rows = 0;
  for (auto _ : state) rows = left.join(right).count();
  state.counters["rows"] = static_cast<double>(rows);
}

// ---- sort -------------------------------------------------------------------------------------

const std::vector<Pair>& sortInput() {
  static const auto v = randomPairs(static_cast<std::size_t>(1e7 * scale()), 0, 3);
  return v;
}

void BM_Sort_StdSort(benchmark::State& state) {
  for (auto _ : state) {
    auto v = sortInput();  // the copy is part of it: rill leaves its input intact too
    std::sort(v.begin(), v.end(), [](const Pair& a, const Pair& b) { return a.first < b.first; });
    benchmark::DoNotOptimize(v.data());
  }
}

void BM_Sort_RillSortByKey(benchmark::State& state) {
  auto& sc = context(static_cast<int>(state.range(0)));
  auto pairs = sc.parallelize(sortInput());
  for (auto _ : state) benchmark::DoNotOptimize(pairs.sortByKey().getNumPartitions());
}

// ---- calibration ------------------------------------------------------------------------------

/// Pure arithmetic split over the workers: how much a second worker can help at all on
/// this machine right now (on a shared or virtual machine it can be far from 2x).
void BM_Calibration_Spin(benchmark::State& state) {
  const auto workers = static_cast<std::size_t>(state.range(0));
  auto& pool = context(static_cast<int>(workers)).executor();
  const std::uint64_t total = 400'000'000;
  for (auto _ : state)
    pool.runTasks(workers, [&](std::size_t) {
      std::uint64_t x = 1;
      for (std::uint64_t i = 0; i < total / workers; ++i) x = x * 6364136223846793005ull + 1442695040888963407ull;
      benchmark::DoNotOptimize(x);
    });
}

/// The map side of the word count with no rill at all: the combine-table loop over the
/// lines, on 1 thread, or on 2 std::threads each with its own table over half the lines.
/// Its 2/1 ratio is this machine's ceiling for the word count's scaling: the loop is
/// bound by cache and memory traffic (two tables of the whole vocabulary), which a
/// shared or virtual machine's second core may not double, whatever rill does.
void BM_Calibration_TableLoop(benchmark::State& state) {
  const auto threads = static_cast<std::size_t>(state.range(0));
  const auto& text = zipfText();
  auto countRange = [&](std::size_t begin, std::size_t end) {
    rill::detail::FlatMap<std::string, long> counts;
    for (std::size_t i = begin; i < end; ++i)
      for (std::string_view w : Words{text.lines[i]}) counts.upsert(w, [] { return 1L; }, [](long& c) { ++c; });
    return counts.size();
  };
  const std::size_t n = text.lines.size();
  for (auto _ : state) {
    if (threads == 1) {
      benchmark::DoNotOptimize(countRange(0, n));
    } else {
      std::size_t other = 0;
      std::thread second([&] { other = countRange(n / 2, n); });
      benchmark::DoNotOptimize(countRange(0, n / 2));
      second.join();
      benchmark::DoNotOptimize(other);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.bytes.size()));
}

}  // namespace

BENCHMARK(BM_Calibration_TableLoop)->Arg(1)->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_Calibration_Spin)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CombineTable_UnorderedMap)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CombineTable_FlatMap)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_WordCount_HandLoop)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_WordCount_Rill)->Arg(1)->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_WordCount_RillStringPairs)->Arg(1)->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_WordCount_RillAsWritten)->Arg(1)->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_WordCount_PeakRSS)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_WordCount_TextFilePeakRSS)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Join_HandLoop)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Join_Rill)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Sort_StdSort)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Sort_RillSortByKey)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
  if (argc == 3 && std::string_view(argv[1]) == "--textfile-wordcount") return textFileWordCount(argv[2]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
