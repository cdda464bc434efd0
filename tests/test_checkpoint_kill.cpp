// A checkpointed program killed with SIGKILL mid-run resumes with getOrCreate
// and ends with exactly the results of an uninterrupted run fed the same input.
// The program is tests/checkpoint_child.cpp (its input at batch i is a pure
// function of the seed and i); it checkpoints every batch. For each seed the
// child is killed once the checkpoint of batch k is on disk: blocked inside
// batch k + 1 (state computed, checkpoint not yet written), or running freely.
#include "checkpoint_program.hpp"
#include "window_state_support.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef RILL_CHECKPOINT_CHILD
#error "tests/CMakeLists.txt passes the path of checkpoint_child as RILL_CHECKPOINT_CHILD"
#endif

extern char** environ;

using namespace ws_test;

namespace {

constexpr std::int64_t kBatches = 20;

pid_t spawnChild(const std::string& dir, std::uint64_t seed, const std::string& out, std::int64_t blockAt) {
  std::vector<std::string> args = {RILL_CHECKPOINT_CHILD, "--dir", dir, "--seed", std::to_string(seed), "--batches",
                                   std::to_string(kBatches), "--out", out};
  if (blockAt > 0) {
    args.push_back("--block-at");
    args.push_back(std::to_string(blockAt));
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
  return pid;
}

int waitFor(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return status;
}

/// Polls (every 2 ms, at most kSafety) until `path` exists or the child exits.
bool waitForFileOrExit(const std::string& path, pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(path)) return true;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  FAIL("the child wrote no checkpoint " << path << " within 60 s");
  return false;
}

struct ChildOutput {
  std::int64_t restored = -1;
  std::map<std::int64_t, std::string> lines;
};

ChildOutput runToEnd(const std::string& dir, std::uint64_t seed, const std::string& out) {
  const int status = waitFor(spawnChild(dir, seed, out, -1));
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  ChildOutput result;
  std::ifstream in(out);
  std::string word;
  in >> word >> result.restored;
  std::int64_t t = 0;
  while (in >> t) {
    std::string line;
    std::getline(in, line);
    result.lines[t] = line;
  }
  return result;
}

}  // namespace

TEST_CASE("a program killed with SIGKILL at a random batch resumes and ends as an uninterrupted run") {
  const std::string root = freshDir("kill");
  for (std::uint64_t seed : {21u, 22u, 23u, 24u}) {
    CAPTURE(seed);
    const auto reference = runToEnd(root + "/reference-" + std::to_string(seed), seed, root + "/reference.out");
    REQUIRE(reference.restored == 0);
    REQUIRE(reference.lines.size() == static_cast<std::size_t>(kBatches));

    const std::int64_t k = 2 + static_cast<std::int64_t>(splitmix64(seed) % (kBatches - 4));  // 2 .. kBatches-3
    const bool blocked = seed % 2 == 1;
    CAPTURE(k);
    CAPTURE(blocked);
    const std::string dir = root + "/killed-" + std::to_string(seed);
    const pid_t pid = spawnChild(dir, seed, root + "/killed.out", blocked ? k + 1 : -1);
    const bool seen = waitForFileOrExit(dir + "/checkpoint-" + std::to_string(k * 1000), pid);
    if (seen) {
      ::kill(pid, SIGKILL);
      const int status = waitFor(pid);
      CHECK((WIFSIGNALED(status) || (!blocked && WIFEXITED(status))));
    }

    const auto resumed = runToEnd(dir, seed, root + "/resumed.out");
    if (blocked) CHECK(resumed.restored == k * 1000);  // batch k + 1 never finished
    CHECK(resumed.restored >= k * 1000);
    // Every batch after the restart, the last one (the final running totals) included,
    // is what the uninterrupted run produced.
    CHECK(resumed.lines.size() == static_cast<std::size_t>(kBatches - resumed.restored / 1000));
    for (const auto& entry : resumed.lines) {
      const std::int64_t t = entry.first;
      CAPTURE(t);
      CHECK(entry.second == reference.lines.at(t));
    }
    if (resumed.restored < kBatches * 1000) CHECK(resumed.lines.at(kBatches * 1000) == reference.lines.at(kBatches * 1000));
  }
}
