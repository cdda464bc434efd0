// Soak run: the stateful network word count (running totals, a window with an
// inverse function, checkpoints, the receiver write-ahead log) killed with
// SIGKILL and restarted every ~30 s for a bounded time, while a driver sends
// it numbered lines at a steady rate. At the end the driver stops sending, lets
// the last worker drain, stops it gracefully (SIGTERM) and checks its state:
// every line sent counted once, except lines of the last block interval before
// a kill or sent after it (which the write-ahead log cannot have).
//
//   soak_wordcount [--seconds 600] [--kill-every 30] [--rate 20000] [--batch-ms 100]
//                  [--workers 2] [--dir soak-checkpoint] [--seed 1]
//       the driver: a local server sending "<id> <9 words>" lines at --rate
//       lines/s, and the worker (this program with --worker) started again after
//       every kill. It prints each restart with the worker's resident memory, then
//       lines sent, counted, lost and duplicated, and PASS (exit 0) or FAIL (1).
//   soak_wordcount --worker --port P --dir D [--batch-ms MS] [--workers N]
//       one run of the word count: socketTextStream(127.0.0.1, P) through
//       getOrCreate(D), until SIGTERM stops it gracefully; it then writes its
//       state to D/state.
// scripts/soak.sh builds it in Release and runs it.
#include "common/cli.hpp"
#include "common/problems.hpp"
#include "common/ui_option.hpp"

#include <rill/rill.hpp>
#include <rill/stream/logged_input.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

using namespace rill;
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kIdsPerBlock = 1024;
constexpr int kWordsPerLine = 9;
constexpr auto kKillWindow = std::chrono::milliseconds(500);  // a block interval, and time for the kernel's buffers

struct Options {
  bool worker = false;
  int seconds = 600;
  int killEvery = 30;
  int rate = 20'000;
  int batchMs = 100;
  int workers = 2;
  int port = 0;
  std::string dir = "soak-checkpoint";
  int seed = 1;
  std::vector<std::string> uiArgs;  // --ui [PORT] as given, passed on to each worker (which has the context)
};

Options parse(int argc, char** argv, examples::UiOption& ui) {
  Options o;
  examples::CommandLine cli("soak_wordcount", "[--seconds S] [--kill-every S] [--rate LINES_PER_S] ...",
                            "A soak run: the stateful network word count with the receiver write-ahead log,\n"
                            "killed with SIGKILL and restarted every ~--kill-every seconds; checks that every\n"
                            "line sent was counted once.");
  cli.option("--seconds", o.seconds, "S", "how long to run")
      .option("--kill-every", o.killEvery, "S", "kill and restart the worker about this often")
      .option("--rate", o.rate, "LINES_PER_S", "lines the driver sends per second")
      .option("--batch-ms", o.batchMs, "MS", "the batch interval")
      .option("--workers", o.workers, "N", "worker threads (local[N])")
      .option("--dir", o.dir, "DIR", "the checkpoint directory (emptied first by the driver)")
      .option("--seed", o.seed, "N", "seed of the kill times")
      .flag("--worker", o.worker, "run as the worker (the driver starts it)")
      .option("--port", o.port, "P", "the worker's source port");
  ui.addTo(cli);
  cli.parse(argc, argv);
  cli.require(o.seconds > 0 && o.killEvery > 0 && o.rate > 0 && o.batchMs > 0 && o.workers > 0,
              "--seconds, --kill-every, --rate, --batch-ms and --workers must be positive");
  cli.require(!o.worker || o.port > 0, "--worker needs --port");
  return o;
}

// ---- the worker --------------------------------------------------------------------

/// Which of 1024 consecutive ids were counted, and how many were counted again.
struct IdBlock {
  std::vector<std::uint64_t> seen = std::vector<std::uint64_t>(kIdsPerBlock / 64);
  std::int64_t duplicates = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(seen, duplicates);
  }
};

std::int64_t idOf(const std::string& line) { return std::stoll(line.substr(0, line.find(' '))); }

/// The newest RDD of a stream, to read after the last batch.
template <class T>
class Latest {
 public:
  void set(RDD<T> rdd) {
    std::lock_guard lock(mutex_);
    rdd_ = std::move(rdd);
  }
  std::vector<T> collect() const {
    std::lock_guard lock(mutex_);
    return rdd_ ? rdd_->collect() : std::vector<T>{};
  }

 private:
  mutable std::mutex mutex_;
  std::optional<RDD<T>> rdd_;
};

/// Writes the records processed so far to `path` after every batch: the driver
/// watches it to know the worker has drained what was sent.
class Progress final : public StreamingListener {
 public:
  explicit Progress(std::string path) : path_(std::move(path)) {}
  void onBatchCompleted(const BatchInfo& b) override {
    records_ += b.numRecords;
    std::ofstream(path_ + ".tmp", std::ios::trunc) << records_ << "\n";
    fs::rename(path_ + ".tmp", path_);
  }

 private:
  std::string path_;
  std::int64_t records_ = 0;
};

int runWorker(const Options& o, examples::UiOption& ui) {
  SparkContext sc(SparkConf()
                      .setAppName("soak_wordcount")
                      .setMaster("local[" + std::to_string(o.workers) + "]")
                      .set("spark.streaming.receiver.writeAheadLog.enable", "true")
                      .set("spark.streaming.blockInterval", "200ms")
                      .set("spark.streaming.stopGracefullyOnShutdown", "true"));
  const Duration batch = Milliseconds(o.batchMs);
  using Counts = std::pair<std::string, std::int64_t>;
  using Ids = std::pair<std::int64_t, IdBlock>;
  auto ids = std::make_shared<Latest<Ids>>();
  auto totals = std::make_shared<Latest<Counts>>();
  auto ssc = StreamingContext::getOrCreate(o.dir, [&] {
    auto made = std::make_unique<StreamingContext>(sc, batch);
    examples::reportProblems(*made);
    made->addStreamingListener(std::make_shared<Progress>(o.dir + "/progress"));
    auto lines = made->socketTextStream("127.0.0.1", o.port);
    auto plus = [](std::int64_t a, std::int64_t b) { return a + b; };
    auto words = lines
                     .flatMap([](const std::string& line) {
                       std::vector<std::string> all = split(line, ' ');
                       all.erase(all.begin());  // the id
                       return all;
                     })
                     .map([](const std::string& w) { return Counts(w, 1); })
                     .reduceByKey(plus);
    auto running = words.updateStateByKey([](const std::vector<std::int64_t>& v, std::optional<std::int64_t> s) {
      std::int64_t n = s.value_or(0);
      for (auto x : v) n += x;
      return std::optional<std::int64_t>(n);
    });
    auto windowed = words.reduceByKeyAndWindow(plus, [](std::int64_t a, std::int64_t b) { return a - b; },
                                               batch * 20, batch * 10, 0,
                                               [](const Counts& kv) { return kv.second != 0; });
    auto seen = lines.map([](const std::string& line) { return std::pair(idOf(line) / kIdsPerBlock, idOf(line) % kIdsPerBlock); })
                    .updateStateByKey([](const std::vector<std::int64_t>& offsets, std::optional<IdBlock> s) {
                      IdBlock b = s.value_or(IdBlock{});
                      for (auto i : offsets) {
                        auto& word = b.seen[static_cast<std::size_t>(i / 64)];
                        const std::uint64_t bit = std::uint64_t{1} << (i % 64);
                        if (word & bit) ++b.duplicates;
                        word |= bit;
                      }
                      return std::optional<IdBlock>(std::move(b));
                    });
    seen.checkpoint(batch * 10);  // the state is megabytes: checkpoint once a second, not every batch
    seen.foreachRDD([ids](const auto& rdd) { ids->set(rdd); });
    running.foreachRDD([totals](const auto& rdd) { totals->set(rdd); });
    windowed.foreachRDD([](const auto& rdd) { (void)rdd.count(); });
    return made;
  });
  // StreamingContext::start opens the receiver logs itself once it calls this; a second call does nothing.
  detail::openReceiverLogs(ssc->graph(), o.dir, ssc->restoredBatchTime());
  ui.attach(*ssc);
  ssc->start();
  ssc->awaitTermination();  // until SIGTERM stops it gracefully
  std::ofstream state(o.dir + "/state.tmp", std::ios::trunc);
  for (const auto& [block, b] : ids->collect()) {
    state << "ids " << block << " " << b.duplicates;
    for (auto w : b.seen) state << " " << w;
    state << "\n";
  }
  std::int64_t words = 0;
  for (const auto& kv : totals->collect()) words += kv.second;
  state << "words " << words << "\n";
  state.close();
  fs::rename(o.dir + "/state.tmp", o.dir + "/state");
  return 0;
}

// ---- the driver --------------------------------------------------------------------

/// Sends "<id> <words>" lines at a steady rate to whichever worker is
/// connected, and remembers when it sent which ids.
class LineSender {
 public:
  explicit LineSender(int rate) : rate_(rate), thread_([this] { run(); }) {}
  ~LineSender() {
    stop_ = true;
    thread_.join();
  }
  int port() const { return listener_.port(); }
  std::int64_t sent() const { return next_.load(); }
  void pause() { paused_ = true; }
  /// The first id sent after `when` (or the next one, if none was).
  std::int64_t firstIdAfter(SteadyClock::time_point when) const {
    std::lock_guard lock(mutex_);
    auto it = std::lower_bound(timeline_.begin(), timeline_.end(), when,
                               [](const auto& e, SteadyClock::time_point t) { return e.first < t; });
    return it == timeline_.end() ? next_.load() : it->second;
  }
  /// The ids sent through each broken connection when it broke.
  std::vector<std::int64_t> breaks() const {
    std::lock_guard lock(mutex_);
    return breaks_;
  }

 private:
  static constexpr auto kTick = std::chrono::milliseconds(10);

  void run() {
    while (!stop_) {
      io::TcpConnection conn;
      try {
        conn = listener_.accept(std::chrono::milliseconds(200));
      } catch (const IoError&) {
        continue;  // no worker yet: it is starting
      }
      auto at = SteadyClock::now();
      while (!stop_) {
        std::this_thread::sleep_until(at += kTick);
        if (paused_) continue;
        const std::int64_t from = next_, to = from + rate_ / 100;
        {
          std::lock_guard lock(mutex_);
          timeline_.emplace_back(SteadyClock::now(), from);
        }
        try {
          conn.sendAll(lines(from, to));
        } catch (const IoError&) {
          next_ = to;  // some of them may have reached the kernel's buffers
          std::lock_guard lock(mutex_);
          breaks_.push_back(to);
          break;
        }
        next_ = to;
      }
    }
  }

  static std::string lines(std::int64_t from, std::int64_t to) {
    std::string out;
    for (std::int64_t id = from; id < to; ++id) {
      out += std::to_string(id);
      for (int w = 0; w < kWordsPerLine; ++w) out += " w" + std::to_string((id * 7 + w * 13) % 1000);
      out += '\n';
    }
    return out;
  }

  int rate_;
  io::TcpListener listener_;
  std::atomic<bool> stop_{false}, paused_{false};
  std::atomic<std::int64_t> next_{0};
  mutable std::mutex mutex_;
  std::vector<std::pair<SteadyClock::time_point, std::int64_t>> timeline_;  // (time, first id sent then)
  std::vector<std::int64_t> breaks_;
  std::thread thread_;  // last: it starts once the rest is ready
};

/// VmRSS and VmHWM of a process, in MiB.
std::pair<double, double> residentMiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  double rss = 0, peak = 0;
  while (status >> key) {
    long kib = 0;
    if (key == "VmRSS:" && status >> kib) rss = kib / 1024.0;
    if (key == "VmHWM:" && status >> kib) peak = kib / 1024.0;
  }
  return {rss, peak};
}

pid_t startWorker(const Options& o, int port, int run) {
  const std::string log = o.dir + "/worker-" + std::to_string(run) + ".log";
  std::vector<std::string> args = {"/proc/self/exe", "--worker", "--port", std::to_string(port), "--dir", o.dir,
                                   "--batch-ms", std::to_string(o.batchMs), "--workers", std::to_string(o.workers)};
  args.insert(args.end(), o.uiArgs.begin(), o.uiArgs.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start the worker: " + std::string(std::strerror(rc)));
  return pid;
}

int waitExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

/// Waits until the worker's progress file has not changed for 3 s (at most 120 s).
void awaitDrained(const std::string& dir) {
  std::string last;
  auto still = SteadyClock::now();
  for (const auto give = SteadyClock::now() + std::chrono::seconds(120); SteadyClock::now() < give;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    std::string now;
    std::ifstream(dir + "/progress") >> now;
    if (now != last) {
      last = now;
      still = SteadyClock::now();
    } else if (SteadyClock::now() - still > std::chrono::seconds(3)) {
      return;
    }
  }
}

struct Kill {
  double atSeconds;
  double rssMiB, peakMiB;
  std::int64_t windowFrom;  // ids from here to the connection's break may be lost
};

int runDriver(const Options& o) {
  fs::remove_all(o.dir);
  fs::create_directories(o.dir);
  std::printf("soak_wordcount: %d s, a SIGKILL about every %d s, %d lines/s of %d words, batch %d ms, %d workers\n",
              o.seconds, o.killEvery, o.rate, kWordsPerLine, o.batchMs, o.workers);
  std::fflush(stdout);
  LineSender sender(o.rate);
  const auto started = SteadyClock::now();
  const auto end = started + std::chrono::seconds(o.seconds);
  std::uint64_t random = static_cast<std::uint64_t>(o.seed) * 0x9e3779b97f4a7c15ull + 1;
  auto nextKill = [&] {  // uniform in [0.7, 1.3] x --kill-every
    random = random * 6364136223846793005ull + 1442695040888963407ull;
    const double u = static_cast<double>(random >> 11) / 9007199254740992.0;
    return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(o.killEvery * (0.7 + 0.6 * u)));
  };
  std::vector<Kill> kills;
  pid_t worker = startWorker(o, sender.port(), 0);
  for (auto killAt = started + nextKill(); killAt < end; killAt += nextKill()) {
    std::this_thread::sleep_until(killAt);
    const auto [rss, peak] = residentMiB(worker);
    const std::int64_t from = sender.firstIdAfter(SteadyClock::now() - kKillWindow);
    kill(worker, SIGKILL);
    waitExit(worker);
    const double at = std::chrono::duration<double>(SteadyClock::now() - started).count();
    kills.push_back({at, rss, peak, from});
    std::printf("restart %zu at %5.1f s: worker RSS %.1f MiB (peak %.1f MiB); %lld lines sent so far\n", kills.size(),
                at, rss, peak, static_cast<long long>(sender.sent()));
    std::fflush(stdout);
    worker = startWorker(o, sender.port(), static_cast<int>(kills.size()));
  }
  std::this_thread::sleep_until(end);
  sender.pause();
  awaitDrained(o.dir);
  const auto [rss, peak] = residentMiB(worker);
  kill(worker, SIGTERM);
  const int status = waitExit(worker);
  const std::int64_t sent = sender.sent();

  // What the last worker's state says.
  std::vector<std::uint64_t> seen(static_cast<std::size_t>((sent + 63) / 64));
  std::int64_t duplicates = 0, words = -1, beyond = 0;
  std::ifstream state(o.dir + "/state");
  for (std::string tag; state >> tag;) {
    if (tag == "words") {
      state >> words;
      continue;
    }
    std::int64_t block = 0, dups = 0;
    state >> block >> dups;
    duplicates += dups;
    for (std::int64_t w = 0; w < kIdsPerBlock / 64; ++w) {
      std::uint64_t bits = 0;
      state >> bits;
      const auto at = static_cast<std::size_t>(block * (kIdsPerBlock / 64) + w);
      if (at < seen.size()) seen[at] = bits;
      else beyond += std::popcount(bits);
    }
  }
  std::int64_t counted = 0, lost = 0, lostNearKill = 0;
  const auto breaks = sender.breaks();
  for (std::int64_t id = 0; id < sent; ++id) {
    if (seen[static_cast<std::size_t>(id / 64)] >> (id % 64) & 1) {
      ++counted;
      continue;
    }
    ++lost;
    for (std::size_t k = 0; k < kills.size(); ++k)
      if (id >= kills[k].windowFrom && (k >= breaks.size() || id < breaks[k])) {
        ++lostNearKill;
        break;
      }
  }
  const std::int64_t expectedWords = (counted + duplicates) * kWordsPerLine;
  std::printf("final worker: RSS %.1f MiB (peak %.1f MiB), %s\n", rss, peak,
              WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "stopped gracefully" : "did not stop cleanly");
  std::printf("lines sent %lld, counted %lld, lost %lld (%lld of them sent in the last %lld ms before a kill or "
              "after it), duplicated %lld, never sent but counted %lld\n",
              static_cast<long long>(sent), static_cast<long long>(counted), static_cast<long long>(lost),
              static_cast<long long>(lostNearKill), static_cast<long long>(kKillWindow.count()),
              static_cast<long long>(duplicates), static_cast<long long>(beyond));
  std::printf("words in the running totals %lld, expected %lld; restarts %zu\n", static_cast<long long>(words),
              static_cast<long long>(expectedWords), kills.size());
  const bool pass = WIFEXITED(status) && WEXITSTATUS(status) == 0 && duplicates == 0 && beyond == 0 &&
                    lost == lostNearKill && words == expectedWords && counted > 0;
  std::printf("%s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> given(argv + 1, argv + argc);
  examples::UiOption ui(argc, argv);
  Options o = parse(argc, argv, ui);
  // What UiOption took out of argv: the arguments given that are not left, in order.
  for (int kept = 1; const auto& arg : given) {
    if (kept < argc && arg == argv[kept])
      ++kept;
    else
      o.uiArgs.push_back(arg);
  }
  return o.worker ? runWorker(o, ui) : runDriver(o);
}
