// Checkpoint files as a restarted program meets them: real ones, crafted ones,
// ones of another format version, ones that lie about their size (sparse
// 8 GiB files among them), and ones whose reading throws. An unusable
// checkpoint is skipped for the previous one with a warning that says why;
// getOrCreate lets no exception but SparkException out, and never reads a
// file its header rules out.
//
// The fuzz corpus (fuzz/corpus/checkpoint_reader) holds real checkpoints of the
// checkpointed word count (checkpoint_program.hpp) and the crafted ones made
// here; this test checks each is still what it stands for (the real ones in
// the repository are of format version 3: they check that it still restores). With
// RILL_WRITE_FUZZ_CORPUS=1 in the environment it first writes them again:
//   RILL_WRITE_FUZZ_CORPUS=1 build/<dir>/tests/test_checkpoint_files
#include "checkpoint_test_support.hpp"
#include "window_state_support.hpp"

#include <rill/core/serialization.hpp>
#include <rill/stream/checkpoint.hpp>
#include <rill/stream/checkpoint_file.hpp>
#include <rill/stream/checkpoint_manifest.hpp>
#include <rill/stream/streaming_context.hpp>

#include <sys/resource.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace ws_test;
namespace fs = std::filesystem;
using rill::detail::CheckpointManifest;

namespace {

fs::path corpusDir() {
  const char* data = std::getenv("RILL_TEST_DATA");
  REQUIRE(data != nullptr);
  return fs::path(data).parent_path().parent_path() / "fuzz" / "corpus" / "checkpoint_reader";
}

std::string readBytes(const fs::path& path) { return rill::io::readFile(path.string()); }
void writeBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

CheckpointManifest manifestOf(const std::string& file) {
  return rill::detail::fromBytes<CheckpointManifest>(rill::detail::checkpointPayload(file));
}
std::string fileOf(const CheckpointManifest& manifest) {
  return rill::detail::encodeCheckpoint(rill::detail::toBytes(manifest));
}

/// The manifest readLatest finds in a directory holding `files` (batch ms -> bytes), and its warnings.
struct Read {
  std::optional<CheckpointManifest> manifest;
  std::vector<std::string> warnings;
};
Read readDirectory(const std::map<std::int64_t, std::string>& files) {
  const std::string dir = freshDir("read");
  for (const auto& [t, bytes] : files) writeBytes(rill::detail::checkpointPath(dir, t), bytes);
  rill::ListenerBus bus;
  auto warnings = std::make_shared<Warnings>();
  bus.add(warnings);
  auto manifest = rill::detail::Checkpointer::readLatest(dir, bus);
  return Read{std::move(manifest), warnings->seen()};
}

std::string unusable(const std::string& path, const std::string& problem) {
  return "rill: checkpoint file '" + path + "' is unusable (" + problem + "); trying the previous one";
}

// --- the real checkpoints of the corpus -------------------------------------------

// (seed, batches) pairs small enough for the fuzzer's 4 KiB max_len.
struct Seed {
  std::uint64_t seed;
  std::int64_t batches;
};
const Seed kCorpus[] = {{1, 1}, {2, 3}, {3, 5}, {4, 8}};

std::string corpusName(const Seed& s) {
  return "seed" + std::to_string(s.seed) + "-checkpoint-" + std::to_string(s.batches * 1000);
}

/// The checkpoint of batch ms of the program with `seed`, written by a real run.
std::string realCheckpoint(std::uint64_t seed, std::int64_t ms) {
  const std::string dir = freshDir("real");
  runProgram(dir, seed, ms);
  return readBytes(rill::detail::checkpointPath(dir, ms));
}

// --- crafted checkpoints -------------------------------------------------------------

// Each is the checkpoint of batch 5 s of seed 3 with one thing changed; the
// program reads it as unusable, for the reason given, and goes on from 4 s.
constexpr std::uint64_t kCraftSeed = 3;
constexpr std::int64_t kCraftMs = 5000;

using UpdateSaved = std::vector<std::pair<std::int64_t, std::optional<std::vector<std::vector<std::pair<std::string, int>>>>>>;
using MapSaved = std::tuple<std::optional<std::int64_t>, bool, std::vector<std::vector<std::tuple<std::string, int, std::int64_t>>>>;

/// Changes the bytes of the part whose name starts with `prefix`, through its saved type.
template <class Saved, class Change>
std::string withPart(const std::string& file, const std::string& prefix, Change change) {
  CheckpointManifest manifest = manifestOf(file);
  for (auto& part : manifest.parts)
    if (part.name.rfind(prefix, 0) == 0) {
      auto saved = rill::detail::fromBytes<Saved>(part.bytes);
      change(saved);
      part.bytes = rill::detail::toBytes(saved);
    }
  return fileOf(manifest);
}
std::string withUpdateStateTime(const std::string& file, std::int64_t ms) {
  return withPart<UpdateSaved>(file, "the state of updateStateByKey", [ms](UpdateSaved& s) { s.back().first = ms; });
}
std::string withMapStateTime(const std::string& file, std::int64_t ms) {
  return withPart<MapSaved>(file, "the state of mapWithState", [ms](MapSaved& s) { std::get<0>(s) = ms; });
}
std::string withHeaderVersion(std::string file, std::uint32_t version) {
  for (int i = 0; i < 4; ++i) file[8 + static_cast<std::size_t>(i)] = static_cast<char>((version >> (8 * i)) & 0xff);
  return file;
}

struct Crafted {
  std::string name;
  std::function<std::string(const std::string&)> make;  // from the real checkpoint
  std::string problem;                                    // the warning's reason
};

const std::string kUpdateState =
    "the state of updateStateByKey (" + rill::detail::typeName<std::pair<std::string, int>>() + ")";
const std::string kMapState = "the state of mapWithState (" + rill::detail::typeName<std::pair<std::string, int>>() + ")";

std::vector<Crafted> crafted() {
  const std::string beyond = ", which is not a batch of its stream (every 1000 ms from 0 ms) up to the checkpoint's "
                             "batch at 5000 ms";
  return {
      {"crafted-update-state-long-before-start", [](const std::string& f) { return withUpdateStateTime(f, -1000000000000); },
       kUpdateState + " was last updated at -1000000000000 ms" + beyond},
      {"crafted-update-state-after-checkpoint", [](const std::string& f) { return withUpdateStateTime(f, 6000); },
       kUpdateState + " was last updated at 6000 ms" + beyond},
      {"crafted-update-state-between-batches", [](const std::string& f) { return withUpdateStateTime(f, 4500); },
       kUpdateState + " was last updated at 4500 ms" + beyond},
      {"crafted-map-state-long-before-start", [](const std::string& f) { return withMapStateTime(f, -1000000000000); },
       kMapState + " was last updated at -1000000000000 ms" + beyond},
      {"crafted-map-state-after-checkpoint", [](const std::string& f) { return withMapStateTime(f, 7000); },
       kMapState + " was last updated at 7000 ms" + beyond},
      {"crafted-map-state-between-batches", [](const std::string& f) { return withMapStateTime(f, 3001); },
       kMapState + " was last updated at 3001 ms" + beyond},
      {"crafted-format-version-1", [](const std::string& f) { return withHeaderVersion(f, 1); },
       "written in checkpoint format version 1 by an older rill (this rill reads versions 3 to 4)"},
      // Version 2 placed keys by std::hash, not rill::Hash: its keyed state is refused.
      {"crafted-format-version-2", [](const std::string& f) { return withHeaderVersion(f, 2); },
       "written in checkpoint format version 2 by an older rill (this rill reads versions 3 to 4)"},
      {"crafted-format-version-5", [](const std::string& f) { return withHeaderVersion(f, 5); },
       "unknown checkpoint format version 5 (this rill reads versions 3 to 4)"},
  };
}

void writeCorpus() {
  fs::create_directories(corpusDir());
  for (const auto& s : kCorpus) writeBytes(corpusDir() / corpusName(s), realCheckpoint(s.seed, s.batches * 1000));
  const std::string real = realCheckpoint(kCraftSeed, kCraftMs);
  for (const auto& c : crafted()) writeBytes(corpusDir() / c.name, c.make(real));
}

/// Peak resident memory of this process so far, in bytes.
std::int64_t peakMemory() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::int64_t>(usage.ru_maxrss) * 1024;
}

}  // namespace

TEST_CASE("the fuzz corpus's real checkpoints restore and go on as an uninterrupted run") {
  if (std::getenv("RILL_WRITE_FUZZ_CORPUS") != nullptr) writeCorpus();
  for (const auto& s : kCorpus) {
    CAPTURE(corpusName(s));
    const fs::path file = corpusDir() / corpusName(s);
    REQUIRE(fs::exists(file));
    CHECK(fs::file_size(file) <= 4096);  // the fuzzer's -max_len
    const std::int64_t t = s.batches * 1000;
    const std::string dir = freshDir("restore");
    fs::copy_file(file, rill::detail::checkpointPath(dir, t));

    const auto reference = runProgram(freshDir("reference"), s.seed, t + 3000);
    const auto resumed = runProgram(dir, s.seed, t + 3000);
    REQUIRE(resumed.restored.has_value());
    CHECK(resumed.restored->milliseconds() == t);
    CHECK(resumed.lines.size() == 3);
    checkSameFrom(resumed, reference, t + 1000);
    CHECK(resumed.warnings.empty());
  }
}

TEST_CASE("crafted checkpoints (state times outside the stream, other format versions) are skipped for the previous") {
  // Before they were refused, a state time long before the stream's start made
  // the restart walk every slide since (a hang), one after the checkpoint failed
  // every batch, and a file of format version 1 was read as if it were current.
  const auto reference = runProgram(freshDir("reference"), kCraftSeed, kCraftMs + 3000);
  const std::string real = realCheckpoint(kCraftSeed, kCraftMs);
  for (const auto& c : crafted()) {
    CAPTURE(c.name);
    const fs::path file = corpusDir() / c.name;
    REQUIRE(fs::exists(file));
    CHECK(fs::file_size(file) <= 4096);
    CHECK(readBytes(file) == c.make(real));  // the corpus holds what this test makes

    const std::string dir = freshDir("crafted");
    runProgram(dir, kCraftSeed, kCraftMs - 1000);  // checkpoints up to 4 s
    fs::copy_file(file, rill::detail::checkpointPath(dir, kCraftMs));
    const auto resumed = runProgram(dir, kCraftSeed, kCraftMs + 3000);
    REQUIRE(resumed.restored.has_value());
    CHECK(resumed.restored->milliseconds() == kCraftMs - 1000);
    checkSameFrom(resumed, reference, kCraftMs);
    CHECK(resumed.warnings == std::vector<std::string>{unusable(rill::detail::checkpointPath(dir, kCraftMs), c.problem)});

    // Alone, it leaves no checkpoint to use: an error that says why.
    const std::string alone = freshDir("alone");
    fs::copy_file(file, rill::detail::checkpointPath(alone, kCraftMs));
    const std::string error = "rill: failed to read a checkpoint from '" + alone +
                              "': all 1 checkpoint files are unusable (the newest, '" +
                              rill::detail::checkpointPath(alone, kCraftMs) + "': " + c.problem + ")";
    CHECK_THROWS_WITH_AS(runProgram(alone, kCraftSeed, kCraftMs + 1000), error.c_str(), rill::SparkException);
  }
}

TEST_CASE("a state more batches behind its checkpoint than rill.streaming.state.maxPendingBatches is unusable") {
  const auto conf = programConf().set("rill.streaming.state.maxPendingBatches", "2");
  const auto reference = runProgram(freshDir("reference"), kCraftSeed, kCraftMs + 2000, 0, conf);
  const std::string dir = freshDir("behind");
  runProgram(dir, kCraftSeed, kCraftMs, 0, conf);
  const std::string newest = rill::detail::checkpointPath(dir, kCraftMs);
  writeBytes(newest, withPart<UpdateSaved>(readBytes(newest), "the state of updateStateByKey", [](UpdateSaved& saved) {
               saved = {{2000, saved.back().second}};  // 3 batches behind
             }));
  const auto resumed = runProgram(dir, kCraftSeed, kCraftMs + 2000, 0, conf);
  REQUIRE(resumed.restored.has_value());
  CHECK(resumed.restored->milliseconds() == kCraftMs - 1000);
  checkSameFrom(resumed, reference, kCraftMs);
  CHECK(resumed.warnings ==
        std::vector<std::string>{unusable(newest, kUpdateState + " was last updated at 2000 ms, 3 batches before the "
                                                                 "checkpoint's batch at 5000 ms: more than "
                                                                 "rill.streaming.state.maxPendingBatches (2)")});
}

TEST_CASE("a checkpoint is judged by its header and size before it is read: sparse 8 GiB files are not read") {
  constexpr std::uintmax_t k8GiB = std::uintmax_t{8} << 30;
  const std::string dir = freshDir("sparse");
  runProgram(dir, kCraftSeed, kCraftMs);
  const std::string real = readBytes(rill::detail::checkpointPath(dir, kCraftMs));
  const std::int64_t memory = static_cast<std::int64_t>(rill::detail::physicalMemoryBytes());

  // Newer than every real checkpoint: zeros (truncate -s 8G), a real checkpoint
  // followed by zeros up to 8 GiB, and a header declaring more than this
  // machine's memory in a file that long.
  const std::string zeros = rill::detail::checkpointPath(dir, 9000);
  writeBytes(zeros, "");
  fs::resize_file(zeros, k8GiB);
  const std::string padded = rill::detail::checkpointPath(dir, 8000);
  writeBytes(padded, real);
  fs::resize_file(padded, k8GiB);
  const std::string huge = rill::detail::checkpointPath(dir, 7000);
  std::string header = real.substr(0, rill::detail::kCheckpointHeaderSize);
  const auto declared = static_cast<std::uint64_t>(memory) + 1;
  for (int i = 0; i < 8; ++i) header[16 + static_cast<std::size_t>(i)] = static_cast<char>((declared >> (8 * i)) & 0xff);
  writeBytes(huge, header);
  fs::resize_file(huge, rill::detail::kCheckpointHeaderSize + declared);

  const std::int64_t before = peakMemory();
  const auto resumed = runProgram(dir, kCraftSeed, kCraftMs + 1000);
  CHECK(peakMemory() - before < (std::int64_t{256} << 20));
  REQUIRE(resumed.restored.has_value());
  CHECK(resumed.restored->milliseconds() == kCraftMs);
  CHECK(resumed.warnings ==
        std::vector<std::string>{
            unusable(zeros, "not a rill checkpoint"),
            unusable(padded, "length mismatch (header says " + std::to_string(real.size() - 32) +
                                 " bytes, file has " + std::to_string(k8GiB - 32) + ")"),
            unusable(huge, "it declares " + std::to_string(declared) + " bytes, more than this machine's memory (" +
                               std::to_string(memory) + " bytes)"),
        });
  for (const auto& f : {zeros, padded, huge}) fs::remove(f);
}

namespace {

/// A state whose reading throws std::bad_alloc when it holds `poison`, as a
/// state too large for memory would.
struct Fragile {
  int count = 0;
  static constexpr int poison = 3;

  template <class Archive>
  void save(Archive& ar) const {
    ar(count);
  }
  template <class Archive>
  void load(Archive& ar) {
    ar(count);
    if (count == poison) throw std::bad_alloc();
  }
};

std::map<std::int64_t, int> runFragile(const std::string& dir, std::int64_t untilMs, std::shared_ptr<Warnings> warnings) {
  rill::SparkContext sc(programConf());
  auto clock = std::make_shared<rill::ManualClock>();
  auto seen = std::make_shared<std::map<std::int64_t, int>>();
  auto ssc = rill::StreamingContext::getOrCreate(dir, [&] {
    auto made = std::make_unique<rill::StreamingContext>(sc, 1s, clock);
    made->addStreamingListener(warnings);
    functionStream<int>(*made, [](rill::Time) { return std::optional(std::vector<int>{7}); })
        .map([](int k) { return std::pair<int, int>(k, 1); })
        .updateStateByKey([](const std::vector<int>& values, std::optional<Fragile> state) {
          Fragile f = state.value_or(Fragile{});
          f.count += static_cast<int>(values.size());
          return std::optional<Fragile>(f);
        })
        .foreachRDD([seen](const auto& rdd, rill::Time t) {
          for (const auto& kv : rdd.collect()) (*seen)[t.milliseconds()] = kv.second.count;
        });
    return made;
  });
  ssc->start();
  clock->setTime(untilMs);
  ssc->stop(false);
  return *seen;
}

}  // namespace

TEST_CASE("std::bad_alloc while a checkpoint is read makes it unusable: the previous one is used") {
  const std::string dir = freshDir("bad-alloc");
  runFragile(dir, 3000, std::make_shared<Warnings>());  // the checkpoint of 3 s holds the poison
  auto warnings = std::make_shared<Warnings>();
  const auto seen = runFragile(dir, 5000, warnings);
  CHECK(seen == std::map<std::int64_t, int>{{3000, 3}, {4000, 4}, {5000, 5}});  // went on from 2 s
  CHECK(warnings->seen() == std::vector<std::string>{unusable(rill::detail::checkpointPath(dir, 3000),
                                                              "not enough memory to read it (std::bad_alloc)")});
}

TEST_CASE("a manifest names its parts, the receiver log ranges and source offsets, and they read back as written") {
  CheckpointManifest manifest{1000, 0, 5000, 1, {{"a stream", 0, "its bytes"}, {"another", 0, ""}}, {}, {}};
  manifest.receiverLog = {{0, 4000, "receiver-0.log", 0, 4096}, {0, 5000, "receiver-0.log", 4096, 9000}};
  manifest.sourceOffsets = {{1, 5000, "words", 2, 100, 160}, {1, 5000, "words", 3, 7, 7}};
  const auto read = readDirectory({{5000, fileOf(manifest)}});
  REQUIRE(read.manifest.has_value());
  CHECK(*read.manifest == manifest);
  CHECK(read.warnings.empty());
}

TEST_CASE("a manifest of another shape of job: parts of absent processes are unusable, other process counts refused") {
  const CheckpointManifest older{1000, 0, 4000, 1, {}, {}, {}};
  CheckpointManifest strayPart{1000, 0, 5000, 1, {{"a stream", 1, "bytes of process 1"}}, {}, {}};
  const auto read = readDirectory({{4000, fileOf(older)}, {5000, fileOf(strayPart)}});
  REQUIRE(read.manifest.has_value());
  CHECK(read.manifest->time == 4000);
  REQUIRE(read.warnings.size() == 1);
  CHECK(read.warnings[0].find("(a part of process 1 in a checkpoint of 1)") != std::string::npos);

  // A checkpoint of a job of 3 processes does not fit a job of 1: an error, not a fallback.
  const std::string dir = freshDir("ranks");
  runProgram(dir, kCraftSeed, kCraftMs);
  const std::string newest = rill::detail::checkpointPath(dir, kCraftMs);
  CheckpointManifest three = manifestOf(readBytes(newest));
  three.ranks = 3;
  writeBytes(newest, fileOf(three));
  const std::string error = "rill: the checkpoint in '" + dir +
                            "' was written by a job of 3 processes; this one has 1 (restart it with 3 processes, or "
                            "start afresh with another checkpoint directory)";
  CHECK_THROWS_WITH_AS(runProgram(dir, kCraftSeed, kCraftMs + 1000), error.c_str(), rill::SparkException);
}

TEST_CASE("a manifest that claims more data than it holds is rejected without allocating it") {
  const CheckpointManifest manifest{1000, 0, 5000, 1, {{"a stream", 0, "its bytes"}}, {}, {}};
  const std::string good = rill::detail::toBytes(manifest);
  REQUIRE(readDirectory({{5000, rill::detail::encodeCheckpoint(good)}}).manifest.has_value());
  // Layout: 3 x int64, the process count (u32), the parts' count (u64), the first part's name size (u64).
  const std::size_t partsCount = 28, firstName = 36;
  for (std::size_t at : {partsCount, firstName}) {
    for (std::uint64_t claim : {std::uint64_t{1} << 40, std::uint64_t{1} << 62, ~std::uint64_t{0}}) {
      CAPTURE(at);
      CAPTURE(claim);
      std::string bad = good;
      for (int i = 0; i < 8; ++i) bad[at + static_cast<std::size_t>(i)] = static_cast<char>((claim >> (8 * i)) & 0xff);
      CHECK_THROWS_WITH_AS(readDirectory({{5000, rill::detail::encodeCheckpoint(bad)}}),
                           doctest::Contains("all 1 checkpoint files are unusable"), rill::SparkException);
    }
  }
}

TEST_CASE("a manifest whose times are not a batch of its stream is unusable, and the previous one is used") {
  // Each decodes and has a valid checksum; only its times are impossible.
  const std::vector<std::pair<CheckpointManifest, std::string>> bad{
      {{0, 0, 5000, 1, {}, {}, {}}, "batch duration 0 ms"},
      {{-1000, 0, 5000, 1, {}, {}, {}}, "batch duration -1000 ms"},
      {{1000, 0, std::int64_t{1} << 60, 1, {}, {}, {}}, "batch time out of range"},
      {{1000, std::int64_t{-1} << 60, 5000, 1, {}, {}, {}}, "batch time out of range"},
      {{1000, 5000, 5000, 1, {}, {}, {}}, "batch time 5000 ms is not a batch after the start (5000 ms, every 1000 ms)"},
      {{1000, 0, 5500, 1, {}, {}, {}}, "batch time 5500 ms is not a batch after the start (0 ms, every 1000 ms)"},
      {{1000, 0, 5000, 0, {}, {}, {}}, "a checkpoint of 0 processes"},
  };
  const CheckpointManifest previous{1000, 0, 4000, 1, {{"a stream", 0, "older bytes"}}, {}, {}};
  for (const auto& entry : bad) {
    const std::string& why = entry.second;  // not a structured binding: clang 14 cannot capture those
    CAPTURE(why);
    const auto read = readDirectory({{4000, fileOf(previous)}, {5000, fileOf(entry.first)}});
    REQUIRE(read.manifest.has_value());
    CHECK(*read.manifest == previous);
    REQUIRE(read.warnings.size() == 1);
    CHECK(read.warnings[0].find("is unusable (" + why + "); trying the previous one") != std::string::npos);
  }
}

TEST_CASE("a saved time at the stream's zero is a state's last update, never a batch a stream remembers") {
  using rill::detail::SavedTime;
  const rill::CheckpointTimes times{rill::Time(0), rill::Time(5000)};
  const rill::Duration slide(1000);
  auto check = [&](std::int64_t ms, SavedTime kind) {
    rill::detail::checkSavedTime(rill::Time(ms), times, slide, kind, "it");
  };
  const std::string beyond = ", which is not a batch of its stream (every 1000 ms from 0 ms) up to the checkpoint's "
                             "batch at 5000 ms";
  CHECK_NOTHROW(check(0, SavedTime::stateUpdate));
  CHECK_THROWS_WITH_AS(check(0, SavedTime::batch), ("it holds a batch at 0 ms" + beyond).c_str(), rill::SparkException);
  for (const SavedTime kind : {SavedTime::stateUpdate, SavedTime::batch}) {
    CHECK_NOTHROW(check(1000, kind));
    CHECK_NOTHROW(check(5000, kind));
  }
  CHECK_THROWS_WITH_AS(check(-1000, SavedTime::stateUpdate), ("it was last updated at -1000 ms" + beyond).c_str(),
                       rill::SparkException);
  CHECK_THROWS_WITH_AS(check(6000, SavedTime::batch), ("it holds a batch at 6000 ms" + beyond).c_str(),
                       rill::SparkException);
}
