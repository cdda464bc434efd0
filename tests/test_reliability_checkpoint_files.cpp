// The checkpoint files in fuzz/corpus/checkpoint_reader: real checkpoints of
// the checkpointed word count (checkpoint_program.hpp), the seeds the fuzzer
// mutates. This test checks they still restore with the current reader and go
// on exactly as an uninterrupted run (so the fuzzer starts from structure the
// reader accepts); with RILL_WRITE_FUZZ_CORPUS=1 in the environment it first
// rewrites them with the current writer:
//   RILL_WRITE_FUZZ_CORPUS=1 build/<dir>/tests/test_reliability_checkpoint_files
// Also: payloads that pass the header's checksum but lie about their sizes
// are rejected with an exception, without allocating what they claim.
#include "checkpoint_program.hpp"
#include "window_state_support.hpp"

#include <rill/stream/checkpoint.hpp>
#include <rill/stream/streaming_context.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace ws_test;
namespace fs = std::filesystem;

namespace {

fs::path corpusDir() {
  const char* data = std::getenv("RILL_TEST_DATA");
  REQUIRE(data != nullptr);
  return fs::path(data).parent_path().parent_path() / "fuzz" / "corpus" / "checkpoint_reader";
}

struct Run {
  std::map<std::int64_t, std::string> lines;
  std::optional<rill::Time> restored;
};

/// Runs the checkpointed word count with getOrCreate on dir until the clock reads untilMs.
Run runProgram(const std::string& dir, std::uint64_t seed, std::int64_t untilMs) {
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  auto log = std::make_shared<ProgramLog>();
  auto ssc = rill::StreamingContext::getOrCreate(dir, [&] { return buildProgram(sc, clock, dir, seed, log); });
  ssc->start();
  clock->setTime(untilMs);
  ssc->stop(false);
  return Run{log->lines(), ssc->restoredBatchTime()};
}

// The corpus: (seed, batch) pairs small enough for the fuzzer's 4 KiB max_len.
struct Seed {
  std::uint64_t seed;
  std::int64_t batches;
};
const Seed kCorpus[] = {{1, 1}, {2, 3}, {3, 5}, {4, 8}};

std::string corpusName(const Seed& s) {
  return "seed" + std::to_string(s.seed) + "-checkpoint-" + std::to_string(s.batches * 1000);
}

void writeCorpus() {
  fs::create_directories(corpusDir());
  for (const auto& s : kCorpus) {
    const std::string dir = freshDir("write-" + std::to_string(s.seed));
    runProgram(dir, s.seed, s.batches * 1000);
    fs::copy_file(rill::detail::checkpointPath(dir, s.batches * 1000), corpusDir() / corpusName(s),
                  fs::copy_options::overwrite_existing);
  }
}

/// A checkpoint file whose payload is `payload` (valid header, so only the payload decides).
std::string withValidHeader(const std::string& payload) { return rill::detail::encodeCheckpoint(payload); }

/// Reads the newest checkpoint of a directory holding just `file`.
std::optional<rill::detail::CheckpointData> readFile(const std::string& file) {
  const std::string dir = freshDir("read");
  std::ofstream(rill::detail::checkpointPath(dir, 1000), std::ios::binary) << file;
  rill::ListenerBus bus;
  return rill::detail::Checkpointer::readLatest(dir, bus);
}

void putU64(std::string& s, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

TEST_CASE("the fuzz corpus's checkpoints restore with this reader and go on as an uninterrupted run") {
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
    REQUIRE(resumed.lines.size() == 3);
    for (const auto& entry : resumed.lines) {
      const std::int64_t time = entry.first;  // not a structured binding: clang 14 cannot capture those
      CAPTURE(time);
      CHECK(entry.second == reference.lines.at(time));
    }
  }
}

TEST_CASE("a checkpoint payload that claims more data than it holds is rejected without allocating it") {
  rill::detail::CheckpointData data{1000, 0, 5000, {{"a stream", "its bytes"}}};
  const std::string good = rill::detail::toBytes(data);
  REQUIRE(readFile(withValidHeader(good)).has_value());
  // Layout: 3 x int64, then the vector's size (u64), then the first pair's string size (u64).
  const std::size_t vectorSize = 24, firstString = 32;
  for (std::size_t at : {vectorSize, firstString}) {
    for (std::uint64_t claim : {std::uint64_t{1} << 40, std::uint64_t{1} << 62, ~std::uint64_t{0}}) {
      CAPTURE(at);
      CAPTURE(claim);
      std::string bad = good;
      putU64(bad, at, claim);
      CHECK_THROWS_WITH_AS(readFile(withValidHeader(bad)), doctest::Contains("all 1 checkpoint files are unusable"),
                           rill::SparkException);
    }
  }
}

TEST_CASE("a checkpoint whose times are not a batch of its stream is unusable, and the previous one is used") {
  // Each record decodes and has a valid checksum; only its times are impossible.
  const std::vector<std::pair<rill::detail::CheckpointData, std::string>> bad{
      {{0, 0, 5000, {}}, "batch duration 0 ms"},
      {{-1000, 0, 5000, {}}, "batch duration -1000 ms"},
      {{1000, 0, std::int64_t{1} << 60, {}}, "batch time out of range"},
      {{1000, std::int64_t{-1} << 60, 5000, {}}, "batch time out of range"},
      {{1000, 5000, 5000, {}}, "batch time 5000 ms is not a batch after the start (5000 ms, every 1000 ms)"},
      {{1000, 0, 5500, {}}, "batch time 5500 ms is not a batch after the start (0 ms, every 1000 ms)"},
  };
  for (const auto& entry : bad) {
    const rill::detail::CheckpointData& data = entry.first;
    const std::string& why = entry.second;  // not a structured binding: clang 14 cannot capture those
    CAPTURE(why);
    const std::string dir = freshDir("implausible");
    const rill::detail::CheckpointData previous{1000, 0, 4000, {{"a stream", "older bytes"}}};
    std::ofstream(rill::detail::checkpointPath(dir, 4000), std::ios::binary)
        << withValidHeader(rill::detail::toBytes(previous));
    std::ofstream(rill::detail::checkpointPath(dir, 5000), std::ios::binary)
        << withValidHeader(rill::detail::toBytes(data));
    rill::ListenerBus bus;
    std::vector<std::string> warnings;
    struct Warnings : rill::StreamingListener {
      std::vector<std::string>* out;
      explicit Warnings(std::vector<std::string>* o) : out(o) {}
      void onWarning(const std::string& w) override { out->push_back(w); }
    };
    bus.add(std::make_shared<Warnings>(&warnings));
    const auto read = rill::detail::Checkpointer::readLatest(dir, bus);
    REQUIRE(read.has_value());
    CHECK(read->time == 4000);
    CHECK(read->streams == previous.streams);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == "rill: checkpoint file '" + rill::detail::checkpointPath(dir, 5000) + "' is unusable (" +
                             why + "); trying the previous one");
  }
}
