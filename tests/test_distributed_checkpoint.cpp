// Checkpoints of a streaming job on several ranks (the in-process cluster,
// ranks as threads): every rank writes the parts it owns, rank 0 the manifest
// last. A run killed after some batches (its contexts dropped without a
// graceful stop) and restarted with getOrCreate on as many ranks goes on
// exactly as one uninterrupted process does; another number of ranks is
// refused, and a checkpoint missing a rank's parts is skipped for the previous.
#include <doctest/doctest.h>

#include <rill/core/serialization.hpp>
#include <rill/core/show.hpp>
#include <rill/exec/local_cluster.hpp>
#include <rill/stream/checkpoint_file.hpp>
#include <rill/stream/checkpoint_manifest.hpp>
#include <rill/stream/streaming_context.hpp>

#include "checkpoint_program.hpp"
#include "distributed_checkpoint_job.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using dc_test::kBatches;
using ws_test::Warnings;
using dc_test::Output;

constexpr std::chrono::milliseconds kTimeout{60'000};

rill::SparkConf conf(std::size_t threads) {
  return rill::SparkConf()
      .setAppName("rill-distributed-checkpoint-test")
      .setMaster("local[" + std::to_string(threads) + "]");
}

/// What one rank's run saw, or the exception getOrCreate threw.
struct Run {
  Output out;
  std::optional<std::int64_t> restored;  // ms
  std::vector<std::string> warnings;
  std::string error;
};

/// One rank's run of the job (dc_test::runJob) up to batch `until`, then
/// "killed": its contexts dropped without a graceful stop.
Run runRank(rill::SparkContext& sc, const std::string& dir, std::int64_t until) {
  Run run;
  auto warnings = std::make_shared<Warnings>();
  try {
    auto job = dc_test::runJob(sc, dir, until, warnings, kTimeout);
    run.out = std::move(job.out);
    run.restored = job.restored;
  } catch (const std::exception& e) {
    run.error = e.what();
  }
  run.warnings = warnings->seen();
  return run;
}

/// runRank on each of `ranks` in-process ranks of local[threads], by rank.
std::vector<Run> onRanks(std::size_t ranks, std::size_t threads, const std::string& dir, std::int64_t until) {
  std::vector<Run> runs(ranks);
  rill::exec::runLocalCluster(
      ranks,
      [&](rill::exec::Cluster& cluster) {
        rill::SparkContext sc(conf(threads), cluster);
        runs[cluster.rank()] = runRank(sc, dir, until);
      },
      kTimeout);
  return runs;
}

Run inOneProcess(std::size_t threads, const std::string& dir, std::int64_t until) {
  rill::SparkContext sc(conf(threads));
  return runRank(sc, dir, until);
}

/// The batches of `output` from `fromMs` on.
Output from(const Output& output, std::int64_t fromMs) {
  return Output(output.lower_bound(fromMs), output.end());
}

std::vector<std::string> filesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string unusable(const std::string& dir, std::int64_t ms, const std::string& problem) {
  return "rill: checkpoint file '" + rill::detail::checkpointPath(dir, ms) + "' is unusable (" + problem +
         "); trying the previous one";
}

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace

TEST_CASE("a job on 2 and 3 ranks killed after some batches resumes from its checkpoint as one uninterrupted process") {
  struct Case {
    std::size_t ranks, threads;
    std::int64_t killedAfter;
  };
  for (const Case c : {Case{2, 1, 4}, Case{2, 2, 1}, Case{3, 1, 5}}) {
    CAPTURE(c.ranks);
    CAPTURE(c.threads);
    CAPTURE(c.killedAfter);
    rill_test::TempDir tmp("distributed-checkpoint");
    const Run expected = inOneProcess(c.ranks * c.threads, tmp.file("one-process"), kBatches);
    REQUIRE(expected.out.size() == static_cast<std::size_t>(kBatches));

    const std::string dir = tmp.file("ranks");
    const auto killed = onRanks(c.ranks, c.threads, dir, c.killedAfter);
    const auto resumed = onRanks(c.ranks, c.threads, dir, kBatches);
    for (std::size_t r = 0; r < c.ranks; ++r) {
      CAPTURE(r);
      CHECK(killed[r].error.empty());
      CHECK_FALSE(killed[r].restored.has_value());
      CHECK(killed[r].out == Output(expected.out.begin(), expected.out.lower_bound(c.killedAfter * 1000 + 1)));
      CHECK(resumed[r].error.empty());
      CHECK(resumed[r].restored == c.killedAfter * 1000);
      CHECK(resumed[r].out == from(expected.out, c.killedAfter * 1000 + 1));
      CHECK(resumed[r].warnings.empty());
    }
    // The newest 3 checkpoints, each a manifest and one parts file per rank.
    std::vector<std::string> want;
    for (std::int64_t b = kBatches - 2; b <= kBatches; ++b) {
      want.push_back("checkpoint-" + std::to_string(b * 1000));
      for (std::size_t r = 0; r < c.ranks; ++r) want.push_back(rill::detail::rankPartsName(b * 1000, r));
    }
    std::sort(want.begin(), want.end());
    CHECK(rill::toString(filesIn(dir)) == rill::toString(want));
  }
}

TEST_CASE("a checkpoint of 2 ranks is refused on 3 ranks and on one process, naming both counts, on every rank") {
  rill_test::TempDir tmp("distributed-checkpoint-ranks");
  const std::string dir = tmp.file("checkpoints");
  onRanks(2, 1, dir, 3);
  const std::string error = "rill: the checkpoint in '" + dir +
                            "' was written by a job of 2 processes; this one has 3 (restart it with 2 processes, or "
                            "start afresh with another checkpoint directory)";
  for (const auto& run : onRanks(3, 1, dir, kBatches)) CHECK(run.error == error);
  CHECK(inOneProcess(2, dir, kBatches).error ==
        "rill: the checkpoint in '" + dir +
            "' was written by a job of 2 processes; this one has 1 (restart it with 2 processes, or start afresh "
            "with another checkpoint directory)");

  // And a checkpoint of one process on 2 ranks.
  const std::string single = tmp.file("single");
  inOneProcess(2, single, 3);
  for (const auto& run : onRanks(2, 1, single, kBatches))
    CHECK(run.error == "rill: the checkpoint in '" + single +
                           "' was written by a job of 1 process; this one has 2 (restart it with 1 process, or start "
                           "afresh with another checkpoint directory)");
}

TEST_CASE("a checkpoint missing a rank's parts, or holding parts written since, is skipped for the previous one") {
  rill_test::TempDir tmp("distributed-checkpoint-parts");
  const Run expected = inOneProcess(2, tmp.file("one-process"), kBatches);
  const std::string dir = tmp.file("checkpoints");
  onRanks(2, 1, dir, 5);
  // Rank 1's parts of 5 s are gone; rank 0's of 4 s are those of 3 s.
  fs::remove(rill::io::joinPath(dir, rill::detail::rankPartsName(5000, 1)));
  fs::copy_file(rill::io::joinPath(dir, rill::detail::rankPartsName(3000, 0)),
                rill::io::joinPath(dir, rill::detail::rankPartsName(4000, 0)), fs::copy_options::overwrite_existing);
  const auto resumed = onRanks(2, 1, dir, kBatches);
  const std::string missing = rill::io::joinPath(dir, rill::detail::rankPartsName(5000, 1));
  for (const auto& run : resumed) {
    CHECK(run.error.empty());
    CHECK(run.restored == 3000);
    CHECK(run.out == from(expected.out, 3001));
    CHECK(run.warnings ==
          std::vector<std::string>{
              unusable(dir, 5000,
                       "rank 1: its parts file 'checkpoint-5000.rank-1': rill: cannot open file '" + missing +
                           "': No such file or directory"),
              unusable(dir, 4000,
                       "rank 0: its parts file 'checkpoint-4000.rank-0' is not the one it names (written again "
                       "since, by a later run)"),
          });
  }

  // With no usable checkpoint left, every rank fails alike.
  const std::string gone = tmp.file("gone");
  onRanks(2, 1, gone, 2);
  for (std::int64_t ms : {1000, 2000}) fs::remove(rill::io::joinPath(gone, rill::detail::rankPartsName(ms, 0)));
  for (const auto& run : onRanks(2, 1, gone, kBatches))
    CHECK(run.error.find("rill: failed to read a checkpoint from '" + gone +
                         "': all 2 checkpoint files are unusable (the newest, '" +
                         rill::detail::checkpointPath(gone, 2000) + "': rank 0: its parts file") == 0);
}

TEST_CASE("a checkpoint of format version 3 (one process, before parts files) still restores") {
  rill_test::TempDir tmp("checkpoint-version-3");
  const Run expected = inOneProcess(2, tmp.file("one-process"), kBatches);
  const std::string dir = tmp.file("checkpoints");
  inOneProcess(2, dir, 4);
  // Version 3's manifest is version 4's without the parts files.
  const std::string path = rill::detail::checkpointPath(dir, 4000);
  auto manifest = rill::detail::fromBytes<rill::detail::CheckpointManifest>(
      rill::detail::checkpointPayload(readBytes(path)));
  REQUIRE(manifest.rankFiles.empty());
  std::string payload;
  rill::detail::BinaryWriter archive(payload);
  manifest.serializeVersion3(archive);
  std::string file = rill::detail::encodeCheckpoint(payload);
  file[8] = 3;  // the format version, little-endian u32
  writeBytes(path, file);
  REQUIRE(rill::detail::judgeCheckpointHeader(file, file.size()).version == 3);

  const Run resumed = inOneProcess(2, dir, kBatches);
  CHECK(resumed.error.empty());
  CHECK(resumed.restored == 4000);
  CHECK(resumed.out == from(expected.out, 4001));
  CHECK(resumed.warnings.empty());
}
