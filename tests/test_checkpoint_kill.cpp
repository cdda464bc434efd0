// A checkpointed program killed with SIGKILL mid-run resumes with getOrCreate
// and ends with exactly the results of an uninterrupted run fed the same input.
// The program is tests/checkpoint_child.cpp (its input at batch i is a pure
// function of the seed and i); it checkpoints every batch and runs its manual
// clock one batch at a time. For each seed the test picks a batch k and a place
// for the kill: between batches k and k + 1 (checkpoint k written, batch k + 1
// not started), or blocked inside batch k + 1 (its state computed, its
// checkpoint not written). The child tells the test through a pipe when it is
// there and then waits, so the kill always lands mid-run at that batch: no
// polling, no sleeping, and no seed whose child finishes before the kill.
#include "checkpoint_program.hpp"
#include "child_process.hpp"
#include "window_state_support.hpp"

#include <rill/stream/checkpoint_file.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#ifndef RILL_CHECKPOINT_CHILD
#error "tests/CMakeLists.txt passes the path of checkpoint_child as RILL_CHECKPOINT_CHILD"
#endif

extern char** environ;

using namespace ws_test;

namespace {

constexpr std::int64_t kBatches = 20;

enum class KillPoint { none, betweenBatches, insideBatch };

/// Spawns the child; with a kill point, its notify pipe's write end is notifyFd.
pid_t spawnChild(const std::string& dir, std::uint64_t seed, const std::string& out, KillPoint where = KillPoint::none,
                 std::int64_t k = 0, int notifyFd = -1, int closeInChild = -1) {
  std::vector<std::string> args = {RILL_CHECKPOINT_CHILD, "--dir", dir, "--seed", std::to_string(seed), "--batches",
                                   std::to_string(kBatches), "--out", out};
  if (where != KillPoint::none) {
    args.insert(args.end(), {"--notify-fd", std::to_string(notifyFd)});
    if (where == KillPoint::betweenBatches)
      args.insert(args.end(), {"--pause-after", std::to_string(k)});
    else
      args.insert(args.end(), {"--block-at", std::to_string(k + 1)});
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  REQUIRE(::posix_spawn_file_actions_init(&actions) == 0);
  if (closeInChild >= 0) REQUIRE(::posix_spawn_file_actions_addclose(&actions, closeInChild) == 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

struct ChildOutput {
  std::int64_t restored = -1;
  std::map<std::int64_t, std::string> lines;
};

ChildOutput runToEnd(const std::string& dir, std::uint64_t seed, const std::string& out) {
  const int status = rill_test::waitFor(spawnChild(dir, seed, out), rill_test::kChildTimeout);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  ChildOutput result;
  std::ifstream in(out);
  std::string word;
  in >> word >> result.restored;
  REQUIRE(word == "restored");
  std::int64_t t = 0;
  while (in >> t) {
    std::string line;
    std::getline(in, line);
    result.lines[t] = line;
  }
  return result;
}

/// Runs the child until it reports reaching the kill point, then kills it with
/// SIGKILL. Fails (does not hang) if the child does not get there within 120 s.
void runAndKill(const std::string& dir, std::uint64_t seed, const std::string& out, KillPoint where, std::int64_t k) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  // The write end must survive exec in the child: a copy without O_CLOEXEC.
  const int childEnd = ::fcntl(fds[1], F_DUPFD, 3);
  REQUIRE(childEnd >= 0);
  const pid_t pid = spawnChild(dir, seed, out, where, k, childEnd, fds[0]);
  ::close(childEnd);
  ::close(fds[1]);
  pollfd p{fds[0], POLLIN, 0};
  int ready = 0;
  while ((ready = ::poll(&p, 1, 120000)) < 0 && errno == EINTR) {
  }
  char byte = 0;
  const bool reached = ready == 1 && ::read(fds[0], &byte, 1) == 1;
  ::close(fds[0]);
  ::kill(pid, SIGKILL);
  const int status = rill_test::waitFor(pid, rill_test::kChildTimeout);
  REQUIRE_MESSAGE(reached, "the child did not reach its kill point (poll " << ready << ", exited "
                                                                          << WIFEXITED(status) << ")");
  // Killed while it waited at the kill point: it had not finished.
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  REQUIRE_FALSE(std::filesystem::exists(out));
}

}  // namespace

TEST_CASE("a program killed with SIGKILL at a random batch resumes and ends as an uninterrupted run") {
  const std::string root = freshDir("kill");
  int killedBetween = 0, killedInside = 0;
  for (std::uint64_t seed : {21u, 22u, 23u, 24u, 25u, 26u}) {
    CAPTURE(seed);
    const auto reference = runToEnd(root + "/reference-" + std::to_string(seed), seed, root + "/reference.out");
    REQUIRE(reference.restored == 0);
    REQUIRE(reference.lines.size() == static_cast<std::size_t>(kBatches));

    const std::int64_t k = 2 + static_cast<std::int64_t>(splitmix64(seed) % (kBatches - 4));  // 2 .. kBatches-3
    const KillPoint where = seed % 2 == 1 ? KillPoint::insideBatch : KillPoint::betweenBatches;
    CAPTURE(k);
    CAPTURE(where == KillPoint::insideBatch);
    (where == KillPoint::insideBatch ? killedInside : killedBetween)++;
    const std::string dir = root + "/killed-" + std::to_string(seed);
    const std::string killedOut = root + "/killed-" + std::to_string(seed) + ".out";
    runAndKill(dir, seed, killedOut, where, k);
    // Batch k + 1 never finished either way: checkpoint k is the newest on disk.
    const auto onDisk = rill::detail::listCheckpoints(dir);
    REQUIRE_FALSE(onDisk.empty());
    CHECK(onDisk.front().first == k * 1000);

    const auto resumed = runToEnd(dir, seed, root + "/resumed.out");
    // Resumed from batch k, before the end: batches k + 1 .. kBatches ran again.
    REQUIRE(resumed.restored == k * 1000);
    REQUIRE(resumed.restored < kBatches * 1000);
    REQUIRE(resumed.lines.size() == static_cast<std::size_t>(kBatches - k));
    CHECK(resumed.lines.begin()->first == (k + 1) * 1000);
    // Every batch after the restart is what the uninterrupted run produced,
    // the last one (the final running totals) included.
    for (const auto& entry : resumed.lines) {
      const std::int64_t t = entry.first;
      CAPTURE(t);
      REQUIRE(reference.lines.count(t) == 1);
      CHECK(entry.second == reference.lines.at(t));
    }
    REQUIRE(resumed.lines.count(kBatches * 1000) == 1);
    CHECK(resumed.lines.at(kBatches * 1000) == reference.lines.at(kBatches * 1000));
    CHECK(resumed.lines.at(kBatches * 1000).find("totals=[") != std::string::npos);
  }
  CHECK(killedBetween == 3);
  CHECK(killedInside == 3);
}
