// A program with the receiver write-ahead log, killed with SIGKILL again and
// again, counts every line its receiver stored exactly once, except lines of
// the last block interval before a kill, whose block had not been synced.
//
// The program (the test case "receiver write-ahead log kill child", which runs
// only when this test starts this executable again as a child) stores lines
// "<id> ..." with ids unique over all runs, a few per 200 ms block interval on
// a ManualClock, and counts them by id in running state (receiver_wal_support.hpp),
// checkpointing every 1 s batch. It appends to a progress file "S <id>" before
// it stores a line and "D <step>" once the clock has passed the step's block
// boundary (so every line stored before is logged and synced). Each seed kills
// four runs, at a step chosen from the seed, in one of these ways:
//   afterStore  the lines of the step stored, their block not sealed yet;
//   afterSeal   just after a block boundary;
//   insideBatch inside a batch's last job: blocks taken, checkpoint not written;
//   midAppend   half of a block record written to the log, as a crash inside
//               the append leaves it (the lines in it were never synced);
//   async       the test kills the child at whatever it is doing once it has
//               passed the step: inside a seal, a batch, a checkpoint write...
// A fifth run goes to the end and stops gracefully. Then the state must hold
// every line stored before a "D" exactly once, no line twice, no line never
// stored, and the lines missing must be among those stored after the last "D"
// of a killed run. Without the log, the same kill loses lines that had been
// received: at most once.
#include "child_process.hpp"
#include "receiver_wal_support.hpp"

#include <rill/io/append_log.hpp>
#include <rill/stream/write_ahead_log.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

using namespace wal_test;

namespace {

constexpr std::int64_t kStepMs = 200;     // the block interval
constexpr std::int64_t kStepsPerBatch = 5;  // 1 s batches

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

enum class Kill { none, afterStore, afterSeal, insideBatch, midAppend, async };
const char* const kKillNames[] = {"none", "afterStore", "afterSeal", "insideBatch", "midAppend", "async"};

Kill killNamed(const std::string& name) {
  for (int i = 0; i < 6; ++i)
    if (name == kKillNames[i]) return static_cast<Kill>(i);
  return Kill::none;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

/// One child run, as the test describes it to the child.
struct RunPlan {
  std::string dir;
  int run = 0;
  std::uint64_t seed = 0;
  bool log = true;
  Kill kill = Kill::none;
  std::int64_t offset = 0;  // the kill step, counted from the first step of the run
  std::string progress;
  std::string out;
};

/// Lines stored at a step: 0 to 4.
int linesAt(std::uint64_t seed, int run, std::int64_t step) {
  return static_cast<int>(mix(seed * 7919 + static_cast<std::uint64_t>(run) * 131 + static_cast<std::uint64_t>(step)) %
                          5);
}

/// Appends lines to a file with write(2): what it wrote survives a SIGKILL.
class ProgressFile {
 public:
  explicit ProgressFile(const std::string& path) : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644)) {
    REQUIRE(fd_ >= 0);
  }
  ~ProgressFile() { ::close(fd_); }
  void line(const std::string& text) {
    const std::string l = text + "\n";
    REQUIRE(::write(fd_, l.data(), l.size()) == static_cast<ssize_t>(l.size()));
  }

 private:
  int fd_;
};

/// Writes the first half of a block record of `lines` at the end of the newest
/// log segment: what a crash inside that append leaves.
void writeHalfABlock(const std::string& dir, const std::vector<std::string>& lines) {
  const std::string logDir = dir + "/receivedData/0";
  const auto segments = rill::io::listLogSegments(logDir);
  const std::string path = logDir + "/" + rill::io::logSegmentName(segments.empty() ? 1 : segments.back());
  std::string payload(1, rill::detail::kLoggedBlock);
  rill::detail::BinaryWriter writer(payload);
  writer(lines);
  const std::string record = rill::io::encodeLogRecord(payload);
  std::ofstream(path, std::ios::binary | std::ios::app) << record.substr(0, record.size() / 2);
}

[[noreturn]] void killSelf() {
  ::raise(SIGKILL);
  std::abort();
}

/// The child: one run of the program, killed as planned or run to its end.
void runChild(const RunPlan& plan, int notifyFd) {
  ProgressFile progress(plan.progress);
  std::int64_t killBatch = -1;
  Program p(conf(plan.log), plan.dir, [&](rill::StreamingContext& ssc) {
    // Defined last: it runs after the batch's state has been computed.
    ssc.receiverStream(std::make_shared<Inbox>()).foreachRDD([&killBatch](const auto&, rill::Time t) {
      if (t.milliseconds() == killBatch) killSelf();
    });
  });
  const std::int64_t first = p.restored ? p.restored->milliseconds() / kStepMs : 0;
  const std::int64_t k = first + plan.offset;
  if (plan.kill == Kill::insideBatch) killBatch = ((k + 1) / kStepsPerBatch + 1) * kStepsPerBatch * kStepMs;
  const std::int64_t end = plan.kill == Kill::none ? k : k + 1000;
  std::int64_t next = 0;
  for (std::int64_t step = first; step < end; ++step) {
    std::vector<std::string> lines;
    for (int i = linesAt(plan.seed, plan.run, step); i > 0; --i) {
      const std::int64_t id = plan.run * 1'000'000 + next++;
      progress.line("S " + std::to_string(id));
      lines.push_back(std::to_string(id) + " step " + std::to_string(step));
    }
    if (step == k && plan.kill == Kill::midAppend) {
      writeHalfABlock(plan.dir, lines);
      killSelf();
    }
    p.inbox->store(lines);
    if (step == k && plan.kill == Kill::afterStore) killSelf();
    p.advance(std::chrono::milliseconds(kStepMs));
    progress.line("D " + std::to_string(step));
    if (step == k && plan.kill == Kill::afterSeal) killSelf();
    if (step == k && plan.kill == Kill::async) {
      const char byte = 'k';
      REQUIRE(::write(notifyFd, &byte, 1) == 1);
    }
  }
  // The end: past the last batch boundary, then a graceful stop.
  p.advance(std::chrono::milliseconds(kStepsPerBatch * kStepMs));
  p.ssc->stop(false, true);
  std::ofstream out(plan.out);
  for (const auto& [id, count] : p.out->state()) out << id << " " << count << "\n";
  out << "restored " << (p.restored ? p.restored->milliseconds() : -1) << "\n";
}

// ---- the test's side -------------------------------------------------------------

std::string selfPath() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  REQUIRE(n > 0);
  return std::string(buf, static_cast<std::size_t>(n));
}

/// Runs one child; with Kill::async it is killed once it reports its step.
int spawnRun(const RunPlan& plan) {
  int fds[2] = {-1, -1};
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  const int childEnd = ::fcntl(fds[1], F_DUPFD, 3);  // without O_CLOEXEC: the child writes to it
  REQUIRE(childEnd >= 0);
  std::vector<std::string> vars = {
      "RILL_WAL_CHILD_DIR=" + plan.dir,           "RILL_WAL_CHILD_RUN=" + std::to_string(plan.run),
      "RILL_WAL_CHILD_SEED=" + std::to_string(plan.seed), "RILL_WAL_CHILD_LOG=" + std::string(plan.log ? "1" : "0"),
      "RILL_WAL_CHILD_KILL=" + std::string(kKillNames[static_cast<int>(plan.kill)]),
      "RILL_WAL_CHILD_OFFSET=" + std::to_string(plan.offset), "RILL_WAL_CHILD_PROGRESS=" + plan.progress,
      "RILL_WAL_CHILD_OUT=" + plan.out,           "RILL_WAL_CHILD_NOTIFY=" + std::to_string(childEnd)};
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  std::string exe = selfPath(), filter = "--test-case=receiver write-ahead log kill child";
  char* argv[] = {exe.data(), filter.data(), nullptr};
  posix_spawn_file_actions_t actions;
  REQUIRE(::posix_spawn_file_actions_init(&actions) == 0);
  REQUIRE(::posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0) == 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(childEnd);
  ::close(fds[1]);
  REQUIRE(rc == 0);
  if (plan.kill == Kill::async) {
    pollfd pfd{fds[0], POLLIN, 0};
    int ready = 0;
    while ((ready = ::poll(&pfd, 1, 120000)) < 0 && errno == EINTR) {
    }
    char byte = 0;
    if (ready == 1 && ::read(fds[0], &byte, 1) == 1) ::kill(pid, SIGKILL);
  }
  ::close(fds[0]);
  return rill_test::waitFor(pid, rill_test::kChildTimeout);
}

/// What a run's progress file says: the ids stored, and those of them synced.
struct Progress {
  std::vector<std::int64_t> stored;
  std::size_t synced = 0;  // stored[0 .. synced) were synced
};

Progress readProgress(const std::string& path) {
  Progress p;
  std::ifstream in(path);
  std::string tag;
  std::int64_t n = 0;
  while (in >> tag >> n) {
    if (tag == "S") p.stored.push_back(n);
    if (tag == "D") p.synced = p.stored.size();
  }
  return p;
}

struct Outcome {
  std::map<std::int64_t, std::int64_t> counts;
  std::set<std::int64_t> stored, synced, unsynced;
  std::vector<std::int64_t> restored;
};

/// Runs the plans in order on one checkpoint directory; every run but the
/// last must die of SIGKILL, the last must finish.
Outcome runAll(const std::string& root, std::uint64_t seed, bool log, const std::vector<std::pair<Kill, int>>& kills) {
  const std::string dir = root + "/checkpoint";
  Outcome o;
  for (int run = 0; run <= static_cast<int>(kills.size()); ++run) {
    const bool last = run == static_cast<int>(kills.size());
    RunPlan plan{dir, run, seed, log, last ? Kill::none : kills[run].first, last ? 15 : kills[run].second,
                 root + "/progress-" + std::to_string(run), root + "/final"};
    CAPTURE(run);
    CAPTURE(kKillNames[static_cast<int>(plan.kill)]);
    const int status = spawnRun(plan);
    if (last) {
      REQUIRE(WIFEXITED(status));
      REQUIRE(WEXITSTATUS(status) == 0);
    } else {
      REQUIRE(WIFSIGNALED(status));
      REQUIRE(WTERMSIG(status) == SIGKILL);
    }
    const auto progress = readProgress(plan.progress);
    for (std::size_t i = 0; i < progress.stored.size(); ++i) {
      o.stored.insert(progress.stored[i]);
      (last || i < progress.synced ? o.synced : o.unsynced).insert(progress.stored[i]);
    }
  }
  std::ifstream in(root + "/final");
  std::string first;
  while (in >> first) {
    std::int64_t second = 0;
    in >> second;
    if (first == "restored")
      o.restored.push_back(second);
    else
      o.counts[std::stoll(first)] = second;
  }
  return o;
}

}  // namespace

TEST_CASE("receiver write-ahead log kill child") {
  if (env("RILL_WAL_CHILD_DIR").empty()) return;  // only in a child the kill tests start
  RunPlan plan{env("RILL_WAL_CHILD_DIR"),
               std::stoi(env("RILL_WAL_CHILD_RUN")),
               std::stoull(env("RILL_WAL_CHILD_SEED")),
               env("RILL_WAL_CHILD_LOG") == "1",
               killNamed(env("RILL_WAL_CHILD_KILL")),
               std::stoll(env("RILL_WAL_CHILD_OFFSET")),
               env("RILL_WAL_CHILD_PROGRESS"),
               env("RILL_WAL_CHILD_OUT")};
  runChild(plan, std::stoi(env("RILL_WAL_CHILD_NOTIFY")));
}

TEST_CASE("with the write-ahead log, every line stored before a SIGKILL whose block was synced is counted once") {
  const std::string root = freshDir("kill");
  std::map<Kill, int> kinds;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    // Four kills: one in the middle of a log append, three of the other kinds.
    std::vector<std::pair<Kill, int>> kills;
    const int midAppendRun = static_cast<int>(mix(seed) % 4);
    for (int run = 0; run < 4; ++run) {
      static constexpr Kill kOthers[] = {Kill::afterStore, Kill::afterSeal, Kill::insideBatch, Kill::async};
      const auto r = mix(seed * 101 + static_cast<std::uint64_t>(run));
      kills.emplace_back(run == midAppendRun ? Kill::midAppend : kOthers[r % 4], 3 + static_cast<int>(r / 4 % 12));
      ++kinds[kills.back().first];
    }
    const std::string dir = root + "/seed-" + std::to_string(seed);
    std::filesystem::create_directories(dir);
    const Outcome o = runAll(dir, seed, true, kills);

    std::size_t twice = 0, phantom = 0, lostSynced = 0, lost = 0;
    for (const auto& [id, count] : o.counts) {
      if (count != 1) ++twice;
      if (o.stored.count(id) == 0) ++phantom;
    }
    for (auto id : o.stored)
      if (o.counts.count(id) == 0) {
        ++lost;
        if (o.synced.count(id) != 0) ++lostSynced;
      }
    std::string plan;
    for (const auto& [kind, offset] : kills) plan += std::string(kKillNames[static_cast<int>(kind)]) + "@+" + std::to_string(offset) + " ";
    MESSAGE("seed " << seed << ": kills " << plan << "| lines stored " << o.stored.size() << ", synced before a kill or "
                    << "in the last run " << o.synced.size() << ", counted " << o.counts.size() << ", lost " << lost
                    << " (all from the last block interval before a kill: " << o.unsynced.size()
                    << " lines there), counted twice " << twice);
    CHECK(twice == 0);
    CHECK(phantom == 0);
    CHECK(lostSynced == 0);
    CHECK(lost <= o.unsynced.size());
    CHECK(o.synced.size() + o.unsynced.size() == o.stored.size());
    CHECK(o.stored.size() > 0);
  }
  CHECK(kinds[Kill::midAppend] == 6);
  CHECK(kinds[Kill::afterStore] > 0);
  CHECK(kinds[Kill::afterSeal] > 0);
  CHECK(kinds[Kill::insideBatch] > 0);
  CHECK(kinds[Kill::async] > 0);
}

TEST_CASE("without the write-ahead log, lines received before a SIGKILL can be lost and are not replayed") {
  const std::string root = freshDir("kill-no-log");
  // Killed at step 8 (1.8 s): batch 1000 and its checkpoint done, steps 5..8 received after it.
  const Outcome o = runAll(root, 3, false, {{Kill::afterSeal, 8}});
  CHECK_FALSE(std::filesystem::exists(root + "/checkpoint/receivedData"));
  std::size_t lost = 0, twice = 0;
  for (auto id : o.stored)
    if (o.counts.count(id) == 0) ++lost;
  for (const auto& [id, count] : o.counts) twice += count != 1;
  MESSAGE("without the log: " << o.stored.size() << " lines stored, " << lost << " lost");
  std::size_t afterCheckpoint = 0;
  for (std::int64_t step = 5; step <= 8; ++step) afterCheckpoint += static_cast<std::size_t>(linesAt(3, 0, step));
  REQUIRE(afterCheckpoint > 0);
  CHECK(lost == afterCheckpoint);  // everything received after the last checkpointed batch
  CHECK(twice == 0);
}
