// What fusion costs: the same two pipelines written six ways, timed side by side.
//
//   sum:   10^7 ints -> map -> filter -> map -> sum
//   words: ~100 MB of text in lines of ~80 chars -> flatMap(tokenize) -> count
//   act/<action>: the same 10^7 ints -> map -> filter -> map ending in each action
//        (reduce, fold, aggregate, count, min, max, sum, foreach)
//
// Each case runs as (a) a hand-written loop, (b) rill on "local[1]", (c) range-v3
// views, (d) std::ranges views (g++ only: clang 14 cannot compile libstdc++ 12's
// <ranges>), (e) naive stage-by-stage vectors and (f) rill on "local[2]". All
// variants share the same lambdas and the same tokenizer, so the differences are
// the plumbing, not the work. main() checks that every variant gets the same
// answer, then prints, after Google Benchmark's own table, each median as a ratio
// to the hand-written loop and the 2-worker speedup.
//
// Each act/<action> runs as the hand loop a user would write for it (a_hand), that loop
// over two halves on two std::threads (c_hand_2threads: how much a second core helps
// this loop on this machine at all), rill on "local[1]" (b_rill_1w) and "local[2]" (f_rill_2w).
//
//   build/bench/benchmarks/bench_fusion                         # 5 repetitions, medians
//   build/bench/benchmarks/bench_fusion --benchmark_filter=sum  # one case
#include <rill/rdd/spark_context.hpp>

#include <benchmark/benchmark.h>

#include "workload.hpp"

#include <range/v3/numeric/accumulate.hpp>
#include <range/v3/range/operations.hpp>
#include <range/v3/view/filter.hpp>
#include <range/v3/view/join.hpp>
#include <range/v3/view/split.hpp>
#include <range/v3/view/transform.hpp>

#if !defined(__clang__)
#include <ranges>
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <numeric>
#include <string>
#include <span>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t kInts = 10'000'000;
constexpr std::size_t kTextBytes = 100u << 20;
constexpr std::size_t kLineChars = 80;
constexpr std::size_t kSlices = 4;  // partitions of each rill input: a few more than the workers

// ---------------------------------------------------------------------------
// The work, shared by every variant.

using rill_bench::keep;
using rill_bench::mapIn;
using rill_bench::mapOut;
using Words = rill_bench::Tokens;

const auto tokenize = [](const std::string& line) { return Words(line); };

// ---------------------------------------------------------------------------
// The data, generated once, deterministically.

using rill_bench::lcg;

const std::vector<int>& ints() {
  static const std::vector<int> data = rill_bench::randomInts(kInts);
  return data;
}

const std::vector<std::string>& lines() {
  static const std::vector<std::string> data = [] {
    std::uint32_t s = 67890;
    const std::vector<std::string> vocabulary = rill_bench::vocabulary(s);
    std::vector<std::string> out;
    out.reserve(kTextBytes / kLineChars + 1);
    for (std::size_t bytes = 0; bytes < kTextBytes;) {
      std::string line;
      while (line.size() < kLineChars) {
        if (!line.empty()) line += ' ';
        line += vocabulary[lcg(s) % vocabulary.size()];
      }
      bytes += line.size() + 1;
      out.push_back(std::move(line));
    }
    return out;
  }();
  return data;
}

// ---------------------------------------------------------------------------
// The variants. Each returns its answer; the benchmark loop passes it to
// DoNotOptimize (whose memory clobber also stops the input reads being hoisted
// out of the loop), the same way for every variant.

std::int64_t sumHand(const std::vector<int>& in) {
  std::int64_t total = 0;
  for (int x : in) {
    const int y = mapIn(x);
    if (keep(y)) total += mapOut(y);
  }
  return total;
}

std::int64_t sumRangeV3(const std::vector<int>& in) {
  namespace rv = ranges::views;
  return ranges::accumulate(in | rv::transform(mapIn) | rv::filter(keep) | rv::transform(mapOut), std::int64_t{0});
}

#if !defined(__clang__)
std::int64_t sumStdRanges(const std::vector<int>& in) {
  std::int64_t total = 0;
  for (int z : in | std::views::transform(mapIn) | std::views::filter(keep) | std::views::transform(mapOut))
    total += z;
  return total;
}
#endif

std::int64_t sumNaive(const std::vector<int>& in) {
  std::vector<int> mapped(in.size());
  std::transform(in.begin(), in.end(), mapped.begin(), mapIn);
  std::vector<int> kept;
  std::copy_if(mapped.begin(), mapped.end(), std::back_inserter(kept), keep);
  std::vector<int> out(kept.size());
  std::transform(kept.begin(), kept.end(), out.begin(), mapOut);
  return std::accumulate(out.begin(), out.end(), std::int64_t{0});
}

std::int64_t sumRill(const rill::RDD<int>& rdd) { return rdd.map(mapIn).filter(keep).map(mapOut).sum(); }

std::int64_t wordsHand(const std::vector<std::string>& in) {
  std::int64_t n = 0;
  for (const std::string& line : in) {
    const char* p = line.data();
    const char* end = p + line.size();
    for (;;) {
      while (p != end && *p == ' ') ++p;
      if (p == end) break;
      while (p != end && *p != ' ') ++p;
      ++n;  // a word ends at p
    }
  }
  return n;
}

std::int64_t wordsRangeV3(const std::vector<std::string>& in) {
  namespace rv = ranges::views;
  return ranges::distance(in | rv::transform(tokenize) | rv::join);
}

/// range-v3 with its own splitter, as most range-v3 code would write it (the
/// generated text has single blanks only, so split(' ') gives the same words).
std::int64_t wordsRangeV3Split(const std::vector<std::string>& in) {
  namespace rv = ranges::views;
  return ranges::distance(in | rv::transform([](const std::string& l) { return l | rv::split(' '); }) | rv::join);
}

#if !defined(__clang__)
std::int64_t wordsStdRanges(const std::vector<std::string>& in) {
  return std::ranges::distance(in | std::views::transform(tokenize) | std::views::join);
}
#endif

std::int64_t wordsNaive(const std::vector<std::string>& in) {
  std::vector<std::string_view> words;
  for (const std::string& line : in)
    for (std::string_view w : Words(line)) words.push_back(w);
  return static_cast<std::int64_t>(words.size());
}

std::int64_t wordsRill(const rill::RDD<std::string>& rdd) { return rdd.flatMap(tokenize).count(); }

/// rill with range-v3's splitter, to compare with wordsRangeV3Split like for like.
std::int64_t wordsRillSplit(const rill::RDD<std::string>& rdd) {
  return rdd.flatMap([](const std::string& l) { return l | ranges::views::split(' '); }).count();
}


// ---------------------------------------------------------------------------
// Every action at the end of map -> filter -> map (workload.hpp holds the actions
// and their hand loops).

using rill_bench::Action;
using rill_bench::hits;

auto fused(const rill::RDD<int>& rdd) { return rdd.map(mapIn).filter(keep).map(mapOut); }

std::int64_t handOne(Action a) {
  hits = 0;
  const std::int64_t r = rill_bench::handAction(a, ints());
  return a == Action::foreach ? hits.load() : r;
}

/// The hand loop over two halves on two threads, merged: the calibration.
std::int64_t handTwoThreads(Action a) {
  const std::span<const int> all(ints());
  hits = 0;
  std::int64_t second = 0;
  std::thread t([&] { second = rill_bench::handAction(a, all.subspan(all.size() / 2)); });
  const std::int64_t first = rill_bench::handAction(a, all.first(all.size() / 2));
  t.join();
  return a == Action::foreach ? hits.load() : rill_bench::mergeAction(a, first, second);
}

std::int64_t rillOne(Action a, const rill::RDD<int>& rdd) {
  hits = 0;
  const std::int64_t r = rill_bench::rillAction(a, fused(rdd));
  return a == Action::foreach ? hits.load() : r;
}

// ---------------------------------------------------------------------------
// Registration and the ratio table.

struct Variant {
  const char* name;
  std::int64_t (*sum)();
  std::int64_t (*words)();
};

rill::SparkContext& context(int workers) {
  static rill::SparkContext one(rill::SparkConf().setAppName("bench_fusion").setMaster("local[1]"));
  static rill::SparkContext two(rill::SparkConf().setAppName("bench_fusion").setMaster("local[2]"));
  return workers == 1 ? one : two;
}
// The RDDs are built on first use (outside every timed loop: main() computes each
// answer once before the benchmarks run).
template <int Workers>
const rill::RDD<int>& intRDD() {
  static const rill::RDD<int> rdd = context(Workers).parallelize(ints(), kSlices);
  return rdd;
}
template <int Workers>
const rill::RDD<std::string>& lineRDD() {
  static const rill::RDD<std::string> rdd = context(Workers).parallelize(lines(), kSlices);
  return rdd;
}

const Variant kVariants[] = {
    {"a_hand", [] { return sumHand(ints()); }, [] { return wordsHand(lines()); }},
    {"b_rill_1w", [] { return sumRill(intRDD<1>()); }, [] { return wordsRill(lineRDD<1>()); }},
    {"c_range_v3", [] { return sumRangeV3(ints()); }, [] { return wordsRangeV3(lines()); }},
    {"b_rill_1w_split", nullptr, [] { return wordsRillSplit(lineRDD<1>()); }},
    {"c_range_v3_split", nullptr, [] { return wordsRangeV3Split(lines()); }},
#if !defined(__clang__)
    {"d_std_ranges", [] { return sumStdRanges(ints()); }, [] { return wordsStdRanges(lines()); }},
#endif
    {"e_naive_stages", [] { return sumNaive(ints()); }, [] { return wordsNaive(lines()); }},
    {"f_rill_2w", [] { return sumRill(intRDD<2>()); }, [] { return wordsRill(lineRDD<2>()); }},
};

void runVariant(benchmark::State& state, std::int64_t (*fn)()) {
  for (auto _ : state) {
    auto result = fn();
    benchmark::DoNotOptimize(result);
  }
}

struct Times {
  double real, cpu;  // ms; cpu is the calling thread's only (act/: the whole process's)
};

/// Google Benchmark's console output, plus the median (or, without repetitions,
/// the single) times of every benchmark, for the ratio table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (median || (r.run_type == Run::RT_Iteration && r.repetitions <= 1))
        medians[r.run_name.function_name] = {r.GetAdjustedRealTime(), r.GetAdjustedCPUTime()};
    }
  }
  std::map<std::string, Times> medians;
};

/// Ratios use wall time (what the 2-worker runs save); the CPU column is the
/// calling thread's time (for act/ cases the process's), which shows when another
/// process stole the core.
void printRatios(const std::map<std::string, Times>& ms) {
  std::vector<std::string> kases{"sum", "words"};
  for (Action a : rill_bench::kActions) kases.push_back(std::string("act/") + rill_bench::nameOf(a));
  for (const std::string& kase : kases) {
    const auto hand = ms.find(kase + "/a_hand");
    std::printf("\n%-26s %10s %10s %8s\n", kase.c_str(), "median ms", "cpu ms", "x hand");
    for (const auto& [name, t] : ms) {
      if (name.rfind(kase + "/", 0) != 0) continue;
      std::printf("%-26s %10.2f %10.2f", name.c_str(), t.real, t.cpu);
      if (hand != ms.end()) std::printf(" %8.2f", t.real / hand->second.real);
      std::printf("\n");
    }
    const auto one = ms.find(kase + "/b_rill_1w");
    const auto two = ms.find(kase + "/f_rill_2w");
    const auto calib = ms.find(kase + "/c_hand_2threads");
    if (one != ms.end() && two != ms.end())
      std::printf("%-26s %10s %10s %8.2f\n", "speedup 2w over 1w", "", "", one->second.real / two->second.real);
    if (calib != ms.end() && two != ms.end())
      std::printf("%-26s %10s %10s %8.2f\n", "2w / hand on 2 threads", "", "", two->second.real / calib->second.real);
  }
}

/// Every variant must agree before any of them is timed.
bool checkAnswers() {
  bool ok = true;
  for (auto pick : {&Variant::sum, &Variant::words}) {
    const std::int64_t expected = (kVariants[0].*pick)();
    for (const Variant& v : kVariants) {
      if (!(v.*pick)) continue;
      const std::int64_t got = (v.*pick)();
      if (got != expected) {
        std::fprintf(stderr, "bench_fusion: %s gives %lld, the hand loop %lld\n", v.name,
                     static_cast<long long>(got), static_cast<long long>(expected));
        ok = false;
      }
    }
  }
  for (Action a : rill_bench::kActions) {
    const std::int64_t expected = handOne(a);
    const std::int64_t got[] = {handTwoThreads(a), rillOne(a, intRDD<1>()), rillOne(a, intRDD<2>())};
    for (std::int64_t g : got)
      if (g != expected) {
        std::fprintf(stderr, "bench_fusion: %s gives %lld, the hand loop %lld\n", rill_bench::nameOf(a),
                     static_cast<long long>(g),
                     static_cast<long long>(expected));
        ok = false;
      }
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  // Defaults first, so flags given on the command line override them.
  std::vector<char*> args{argv[0]};
  std::string reps = "--benchmark_repetitions=5", aggregates = "--benchmark_report_aggregates_only=true";
  args.push_back(reps.data());
  args.push_back(aggregates.data());
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;

  if (!checkAnswers()) return 1;
  for (auto [kase, pick] : {std::pair{"sum/", &Variant::sum}, std::pair{"words/", &Variant::words}})
    for (const Variant& v : kVariants)
      if (v.*pick)
        benchmark::RegisterBenchmark((kase + std::string(v.name)).c_str(), runVariant, v.*pick)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
  for (Action a : rill_bench::kActions) {
    const std::string kase = std::string("act/") + rill_bench::nameOf(a) + "/";
    auto add = [&](const char* variant, auto fn) {
      benchmark::RegisterBenchmark((kase + variant).c_str(),
                                   [fn](benchmark::State& state) {
                                     for (auto _ : state) {
                                       auto result = fn();
                                       benchmark::DoNotOptimize(result);
                                     }
                                   })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MeasureProcessCPUTime();
    };
    add("a_hand", [a] { return handOne(a); });
    add("b_rill_1w", [a] { return rillOne(a, intRDD<1>()); });
    add("c_hand_2threads", [a] { return handTwoThreads(a); });
    add("f_rill_2w", [a] { return rillOne(a, intRDD<2>()); });
  }
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  printRatios(reporter.medians);
  return 0;
}
