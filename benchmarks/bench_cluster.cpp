// rill over MPI: what running through the cluster interface costs, and what a
// shuffle between ranks costs, part by part.
//
//   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build/bench --target bench_cluster
//   build/bench/benchmarks/bench_cluster                  # P = 1: overhead against plain local[N]
//   mpirun -np 2 build/bench/benchmarks/bench_cluster     # P = 2, 4: shuffles between ranks
//
// Jobs: the word count of a text whose words follow a Zipf law (s = 1, 10^5
// distinct words; 200 MB, written once to --text, default under /tmp) read with
// textFile, and sortByKey of 10^7 (uniform 64-bit key, value) pairs generated
// by range().map().
//   BM_Overhead_*  (P = 1 only) each job alternately on a plain SparkContext of
//                  local[N] and on one of local[N] over an MpiCluster of one rank,
//                  --rounds times; counters: the medians and the overhead in %.
//   BM_Cluster_*   each job on all ranks (rank 0 reports; fixed iterations, so
//                  every rank runs the same collectives); counters per job: the
//                  bytes its shuffle sent to other ranks, the time spent
//                  serialising and deserialising (summed over threads) and in the
//                  exchange, rank 0's CPU time (all its threads), and the
//                  largest peak RSS of any rank against the rank's share of the
//                  input: first_over_share over the first run only (what one job
//                  needs), peak_over_share over all runs (with what the C heap kept
//                  from earlier runs; MpiCluster fixes glibc's mmap threshold so that
//                  large freed blocks go back to the system), job_over_share like
//                  peak_over_share, less what the process held before the first run.
//   BM_Cluster_SmallShuffle  a job of a tiny shuffle against one agreement (the
//                  raw transport's round trip), alternately, --rounds times: medians.
//   BM_Wire_*      serialising plus deserialising a bucket, one core (CPU time):
//                  (int64, int64) pairs as raw bytes, (word, count) pairs through
//                  the archive; _FreshMemory with the buffers' pages new to the
//                  process each time (page faults included, on the huge pages the
//                  large buffers ask for), the others with a heap that keeps freed memory.
// Options (before Google Benchmark's): --text FILE, --text-mb MB (200),
// --pairs N (10^7), --threads N (2), --rounds R (5), --iterations K (3).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/resource.h>

#include <rill/exec/wire.hpp>
#include <rill/mpi.hpp>
#include <rill/rdd.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

struct Options {
  std::string text;  // empty: /tmp/rill_bench_cluster_<MB>MB.txt
  std::size_t textMB = 200;
  std::int64_t pairs = 10'000'000;
  std::size_t threads = 2;
  int rounds = 5;
  int iterations = 3;
};
Options options;
rill::mpi::MpiCluster* cluster = nullptr;

/// Takes this benchmark's own --name VALUE options out of argv.
void parseOptions(int& argc, char** argv) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench_cluster: %s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--text") options.text = value();
    else if (arg == "--text-mb") options.textMB = std::stoul(value());
    else if (arg == "--pairs") options.pairs = std::stoll(value());
    else if (arg == "--threads") options.threads = std::stoul(value());
    else if (arg == "--rounds") options.rounds = std::stoi(value());
    else if (arg == "--iterations") options.iterations = std::stoi(value());
    else argv[kept++] = argv[i];
  }
  argc = kept;
  if (options.text.empty())
    options.text = (std::filesystem::temp_directory_path() /
                    ("rill_bench_cluster_" + std::to_string(options.textMB) + "MB.txt"))
                       .string();
}

rill::SparkConf conf() {
  return rill::SparkConf().setAppName("bench_cluster").setMaster("local[" + std::to_string(options.threads) + "]");
}

// ---- inputs -------------------------------------------------------------------------------------

/// Writes about `bytes` of text, lines of ~100 characters, whose words are drawn
/// from 10^5 distinct lowercase words with Zipf (s = 1) frequencies.
void writeZipfText(const std::string& path, std::size_t bytes) {
  constexpr std::size_t kDistinct = 100'000;
  std::mt19937_64 rng(7);
  std::vector<std::string> vocabulary(kDistinct);
  for (std::size_t i = 0; i < kDistinct; ++i) {  // distinct: the index in base 26, padded to 2..12 letters
    std::string w;
    for (std::size_t n = i; w.empty() || n > 0; n /= 26) w += static_cast<char>('a' + n % 26);
    while (w.size() < 2 + rng() % 11) w += 'q';
    vocabulary[i] = w + std::to_string(i % 7);
  }
  std::vector<double> cumulative(kDistinct);
  double total = 0;
  for (std::size_t r = 0; r < kDistinct; ++r) cumulative[r] = total += 1.0 / static_cast<double>(r + 1);
  std::uniform_real_distribution<double> draw(0.0, total);
  std::ofstream out(path, std::ios::binary);
  std::string line;
  for (std::size_t written = 0; written < bytes; written += line.size()) {
    line.clear();
    while (line.size() < 100) {
      const auto r = static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), draw(rng)) -
                                              cumulative.begin());
      line += vocabulary[std::min(r, kDistinct - 1)];
      line += ' ';
    }
    line.back() = '\n';
    out << line;
  }
}

/// The text file, written by rank 0 if it is not there yet (ranks share /tmp on one machine).
void prepareText() {
  const auto wanted = static_cast<std::uintmax_t>(options.textMB) << 20;
  if (cluster->isDriver()) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(options.text, ec);
    if (ec || size < wanted) writeZipfText(options.text, wanted);
  }
  cluster->barrier("bench_cluster text");
}

/// The words of a line as views, split at spaces.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0; at < line.size();) {
    std::size_t end = line.find(' ', at);
    if (end == line.npos) end = line.size();
    if (end > at) out.push_back(line.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser: uniform 64-bit keys from 0, 1, 2...
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// ---- jobs ---------------------------------------------------------------------------------------

std::int64_t wordCount(rill::SparkContext& sc) {
  return sc.textFile(options.text)
      .flatMap([](const std::string& line) { return words(line); })
      .map([](std::string_view w) { return std::pair<std::string_view, std::int64_t>(w, 1); })
      .reduceByKey([](std::int64_t a, std::int64_t b) { return a + b; })
      .count();
}

std::int64_t sortPairs(rill::SparkContext& sc) {
  return static_cast<std::int64_t>(
      sc.range(0, options.pairs)
          .map([](std::int64_t i) { return std::pair<std::uint64_t, std::int64_t>(mix(static_cast<std::uint64_t>(i)), i); })
          .sortByKey()
          .getNumPartitions());
}

double inputBytes(std::int64_t (*job)(rill::SparkContext&)) {
  if (job == &wordCount) return static_cast<double>(std::filesystem::file_size(options.text));
  return static_cast<double>(options.pairs) * 16.0;
}

// ---- measurements -------------------------------------------------------------------------------

double secondsOf(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

/// This process's peak resident set (VmHWM) in bytes.
double peakRssBytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) * 1024.0;
  return 0;
}
/// CPU time of every thread of this process so far, in seconds: on a busy
/// machine it shows the work done better than the wall time does.
double processCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

/// Starts the peak over from the current resident set (Linux: clear_refs 5).
void resetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

/// The largest of every rank's `value` (a collective).
double maxOverRanks(double value) {
  rill::exec::Bytes mine(sizeof value, '\0');
  std::memcpy(mine.data(), &value, sizeof value);
  double most = 0;
  for (const auto& b : cluster->allGather("bench_cluster max", std::move(mine))) {
    double v = 0;
    std::memcpy(&v, b.data(), sizeof v);
    most = std::max(most, v);
  }
  return most;
}

/// A job alternately on a plain context and on one over MPI (one rank), --rounds times.
void overhead(benchmark::State& state, std::int64_t (*job)(rill::SparkContext&)) {
  rill::SparkContext plain(conf());
  rill::SparkContext viaMpi(conf(), *cluster);
  std::vector<double> plainSeconds, mpiSeconds;
  for (auto _ : state)
    for (int round = 0; round < options.rounds; ++round) {
      const auto runPlain = [&] { plainSeconds.push_back(secondsOf([&] { benchmark::DoNotOptimize(job(plain)); })); };
      const auto runMpi = [&] { mpiSeconds.push_back(secondsOf([&] { benchmark::DoNotOptimize(job(viaMpi)); })); };
      if (round % 2 == 0) {
        runPlain();
        runMpi();
      } else {
        runMpi();
        runPlain();
      }
    }
  state.counters["plain_s"] = median(plainSeconds);
  state.counters["mpi_s"] = median(mpiSeconds);
  state.counters["overhead_pct"] = (median(mpiSeconds) / median(plainSeconds) - 1) * 100;
}

/// A job on every rank, with its shuffle's costs and the ranks' peak memory.
void onCluster(benchmark::State& state, std::int64_t (*job)(rill::SparkContext&)) {
  rill::SparkContext sc(conf(), *cluster);
  resetPeakRss();
  sc.exchangeMetrics().reset();
  const double before = maxOverRanks(peakRssBytes());  // what the process held before the job
  const double cpuBefore = processCpuSeconds();
  double firstPeak = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(job(sc));
    if (firstPeak == 0) firstPeak = maxOverRanks(peakRssBytes());  // the same collectives on every rank
  }
  const double cpu = processCpuSeconds() - cpuBefore;
  const auto m = sc.exchangeMetrics().snapshot();
  const double runs = static_cast<double>(state.iterations());
  const auto ms = [&](std::chrono::nanoseconds t) { return static_cast<double>(t.count()) / 1e6 / runs; };
  state.counters["ranks"] = static_cast<double>(cluster->size());
  state.counters["rank0_cpu_s"] = cpu / runs;
  state.counters["shuffle_MB"] = static_cast<double>(m.bytesSent) / 1e6 / runs;
  state.counters["serialize_ms"] = ms(m.serialize);
  state.counters["exchange_ms"] = ms(m.exchange);
  state.counters["deserialize_ms"] = ms(m.deserialize);
  const double peak = maxOverRanks(peakRssBytes());
  const double share = inputBytes(job) / static_cast<double>(cluster->size());
  state.counters["peakRSS_MB"] = peak / 1e6;
  state.counters["first_over_share"] = firstPeak / share;
  state.counters["peak_over_share"] = peak / share;
  state.counters["job_over_share"] = (peak - before) / share;
}

/// A tiny shuffle (1,000 pairs reduced by key into 4 partitions, then counted)
/// against the raw transport, one agreement (an allGather of a few bytes), in
/// alternating rounds of 300 each. The job's collectives: the exchange, which
/// also ends the map job, the reduce job's agreement, and count's.
void smallShuffle(benchmark::State& state) {
  rill::SparkContext sc(conf(), *cluster);
  std::vector<int> numbers(1000);
  for (int i = 0; i < 1000; ++i) numbers[static_cast<std::size_t>(i)] = i;
  auto pairs = sc.parallelize(numbers, 4).map([](int x) { return std::pair(x % 10, 1); });
  constexpr int kRuns = 300;
  const auto microsEach = [&](auto&& run) {
    return secondsOf([&] {
             for (int i = 0; i < kRuns; ++i) run();
           }) /
           kRuns * 1e6;
  };
  std::vector<double> jobUs, agreementUs;
  for (auto _ : state)
    for (int round = 0; round < options.rounds; ++round) {
      jobUs.push_back(microsEach([&] { benchmark::DoNotOptimize(pairs.reduceByKey(std::plus<>(), 4).count()); }));
      agreementUs.push_back(microsEach([&] { cluster->agreeOnFailure("agreement", nullptr); }));
    }
  state.counters["job_us"] = median(jobUs);
  state.counters["agreement_us"] = median(agreementUs);
  state.counters["job_in_agreements"] = median(jobUs) / median(agreementUs);
}

/// Serialising and deserialising one bucket of `values`, as a shuffle does.
template <class T>
void wireRoundTrip(benchmark::State& state, const std::vector<T>& values) {
  std::size_t bytes = 0;
  for (auto _ : state) {
    rill::exec::Bytes out;
    rill::exec::appendFrame(out, values, "bench");
    rill::exec::FrameReader in(out);
    auto back = rill::exec::readWire<std::vector<T>>(in.next(), "bench");
    benchmark::DoNotOptimize(back.data());
    bytes = out.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["bucket_MB"] = static_cast<double>(bytes) / 1e6;
}

std::vector<std::pair<std::int64_t, std::int64_t>> trivialPairs() {
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs(1 << 20);
  for (std::size_t i = 0; i < pairs.size(); ++i) pairs[i] = {static_cast<std::int64_t>(mix(i)), static_cast<std::int64_t>(i)};
  return pairs;
}

/// Freed memory stays in the heap from now on, as in a process that has been
/// running a while: what follows measures the encoding, not the kernel's page
/// faults on fresh memory (which BM_Wire_TrivialPairs_FreshMemory, run first, shows).
void keepFreedMemory() {
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

void BM_Wire_TrivialPairs_FreshMemory(benchmark::State& state) { wireRoundTrip(state, trivialPairs()); }

void BM_Wire_TrivialPairs(benchmark::State& state) {
  keepFreedMemory();
  wireRoundTrip(state, trivialPairs());
}

void BM_Wire_WordPairs(benchmark::State& state) {
  keepFreedMemory();
  std::vector<std::pair<std::string, std::int64_t>> pairs(1 << 18);
  for (std::size_t i = 0; i < pairs.size(); ++i) pairs[i] = {"w" + std::to_string(mix(i) % 100'000), static_cast<std::int64_t>(i)};
  wireRoundTrip(state, pairs);
}

/// Rank 0 reports; the other ranks run the same benchmarks silently.
class SilentReporter final : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  parseOptions(argc, argv);
  rill::mpi::MpiCluster mpi;
  cluster = &mpi;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  prepareText();

  const auto fixed = [](benchmark::internal::Benchmark* b) {
    b->Iterations(options.iterations)->Unit(benchmark::kMillisecond)->UseRealTime();
  };
  if (mpi.size() == 1) {
    for (auto* b : {benchmark::RegisterBenchmark("BM_Overhead_WordCount", overhead, &wordCount),
                    benchmark::RegisterBenchmark("BM_Overhead_SortByKey", overhead, &sortPairs)})
      b->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
  }
  fixed(benchmark::RegisterBenchmark("BM_Cluster_WordCount", onCluster, &wordCount));
  fixed(benchmark::RegisterBenchmark("BM_Cluster_SortByKey", onCluster, &sortPairs));
  benchmark::RegisterBenchmark("BM_Cluster_SmallShuffle", smallShuffle)->Iterations(1)->UseRealTime();
  benchmark::RegisterBenchmark("BM_Wire_TrivialPairs_FreshMemory", BM_Wire_TrivialPairs_FreshMemory)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Wire_TrivialPairs", BM_Wire_TrivialPairs)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Wire_WordPairs", BM_Wire_WordPairs)->Unit(benchmark::kMillisecond);

  if (mpi.isDriver()) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    SilentReporter silent;
    benchmark::RunSpecifiedBenchmarks(&silent);
  }
  benchmark::Shutdown();
  return 0;
}
