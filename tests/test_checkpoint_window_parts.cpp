// The window parts of a checkpoint (the previous window of an incremental
// reduceByKeyAndWindow, and the per-batch reductions it subtracts) are judged
// before anything is restored, as the state parts are: one that does not
// decode, or holds a time that is no batch of its stream up to the
// checkpoint's, makes that checkpoint unusable, and the previous one is used
// with a warning (before, getOrCreate threw once the other parts were in place).
//
// The crafted checkpoints are in the fuzz corpus (fuzz/corpus/checkpoint_reader,
// crafted-window-*); with RILL_WRITE_FUZZ_CORPUS=1 in the environment this test
// writes them again first.
#include "checkpoint_test_support.hpp"
#include "window_state_support.hpp"

#include <rill/core/serialization.hpp>
#include <rill/stream/checkpoint_file.hpp>
#include <rill/stream/checkpoint_manifest.hpp>
#include <rill/stream/streaming_context.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace ws_test;
namespace fs = std::filesystem;
using rill::detail::CheckpointManifest;

namespace {

constexpr std::uint64_t kSeed = 3;
constexpr std::int64_t kMs = 5000;  // the crafted checkpoint's batch; the previous is at 4 s

using Rows = std::vector<std::vector<std::pair<std::string, int>>>;
using WindowSaved = std::optional<std::pair<std::int64_t, Rows>>;
using BatchesSaved = std::vector<std::pair<std::int64_t, Rows>>;

const std::string kRow = rill::detail::typeName<std::pair<std::string, int>>();
const std::string kWindow = "the previous window of reduceByKeyAndWindow (" + kRow + ")";
const std::string kBatches = "the per-batch reductions an incremental window subtracts (" + kRow + ")";

std::string readBytes(const std::string& path) { return rill::io::readFile(path); }
void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

/// The checkpoint file with the bytes of the part named `name` changed by change(bytes).
std::string withPartBytes(const std::string& file, const std::string& name,
                          const std::function<void(std::string&)>& change) {
  auto manifest = rill::detail::fromBytes<CheckpointManifest>(rill::detail::checkpointPayload(file));
  int changed = 0;
  for (auto& part : manifest.parts)
    if (part.name == name) {
      change(part.bytes);
      ++changed;
    }
  REQUIRE(changed == 1);
  return rill::detail::encodeCheckpoint(rill::detail::toBytes(manifest));
}

/// The same through the part's saved type.
template <class Saved, class Change>
std::string withPart(const std::string& file, const std::string& name, Change change) {
  return withPartBytes(file, name, [&](std::string& bytes) {
    auto saved = rill::detail::fromBytes<Saved>(bytes);
    change(saved);
    bytes = rill::detail::toBytes(saved);
  });
}

fs::path corpusDir() {
  const char* data = std::getenv("RILL_TEST_DATA");
  REQUIRE(data != nullptr);
  return fs::path(data).parent_path().parent_path() / "fuzz" / "corpus" / "checkpoint_reader";
}

struct Crafted {
  std::string name;  // its corpus file's
  std::function<std::string(const std::string&)> make;  // from the real checkpoint
  std::string problem;                                    // how the warning's reason starts
};

std::vector<Crafted> crafted() {
  const std::string beyond = ", which is not a batch of its stream (every 1000 ms from 0 ms) up to the checkpoint's "
                             "batch at 5000 ms";
  auto cut = [](std::string& bytes) { bytes.resize(bytes.size() / 2); };
  return {
      {"crafted-window-cut-short", [cut](const std::string& f) { return withPartBytes(f, kWindow, cut); }, ""},
      {"crafted-window-after-checkpoint",
       [](const std::string& f) { return withPart<WindowSaved>(f, kWindow, [](WindowSaved& s) { s->first = 6000; }); },
       kWindow + " holds a batch at 6000 ms" + beyond},
      {"crafted-window-between-batches",
       [](const std::string& f) { return withPart<WindowSaved>(f, kWindow, [](WindowSaved& s) { s->first = 4500; }); },
       kWindow + " holds a batch at 4500 ms" + beyond},
      {"crafted-window-batches-cut-short", [cut](const std::string& f) { return withPartBytes(f, kBatches, cut); }, ""},
      {"crafted-window-batch-long-before-start",
       [](const std::string& f) {
         return withPart<BatchesSaved>(f, kBatches, [](BatchesSaved& s) { s.front().first = -1000000000000; });
       },
       kBatches + " holds a batch at -1000000000000 ms" + beyond},
      {"crafted-window-batches-out-of-order",
       [](const std::string& f) {
         return withPart<BatchesSaved>(f, kBatches, [](BatchesSaved& s) { std::swap(s.front(), s.back()); });
       },
       "rill: the saved batches of " + kBatches + " are not in time order"},
  };
}

}  // namespace

TEST_CASE("a checkpoint whose window parts cannot be restored is skipped for the previous one, with a warning") {
  const auto reference = runProgram(freshDir("window-parts-reference"), kSeed, kMs + 3000);
  const std::string realDir = freshDir("window-parts-real");
  runProgram(realDir, kSeed, kMs);
  const std::string real = readBytes(rill::detail::checkpointPath(realDir, kMs));
  // The real checkpoint has both parts, and the per-batch reductions of more than one batch.
  std::size_t batches = 0;
  withPart<BatchesSaved>(real, kBatches, [&](BatchesSaved& s) { batches = s.size(); });
  REQUIRE(batches >= 2);
  withPart<WindowSaved>(real, kWindow, [](WindowSaved& s) { REQUIRE(s.has_value()); });
  if (std::getenv("RILL_WRITE_FUZZ_CORPUS") != nullptr)
    for (const auto& c : crafted()) writeBytes((corpusDir() / c.name).string(), c.make(real));
  for (const auto& c : crafted()) {
    CAPTURE(c.name);
    const fs::path file = corpusDir() / c.name;
    REQUIRE(fs::exists(file));
    CHECK(fs::file_size(file) <= 4096);  // the fuzzer's -max_len
    CHECK(readBytes(file.string()) == c.make(real));  // the corpus holds what this test makes
    const std::string dir = freshDir("window-parts");
    runProgram(dir, kSeed, kMs - 1000);  // checkpoints up to 4 s
    const std::string newest = rill::detail::checkpointPath(dir, kMs);
    writeBytes(newest, c.make(real));
    const auto resumed = runProgram(dir, kSeed, kMs + 3000);
    REQUIRE(resumed.restored.has_value());
    CHECK(resumed.restored->milliseconds() == kMs - 1000);
    checkSameFrom(resumed, reference, kMs);
    REQUIRE(resumed.warnings.size() == 1);
    const std::string start = "rill: checkpoint file '" + newest + "' is unusable (" + c.problem;
    CHECK(resumed.warnings[0].substr(0, start.size()) == start);
  }
}

TEST_CASE("a window more slides behind its checkpoint than rill.streaming.state.maxPendingBatches is unusable") {
  // The restart would make every window since, one after another.
  const auto conf = programConf().set("rill.streaming.state.maxPendingBatches", "2");
  const auto reference = runProgram(freshDir("window-behind-reference"), kSeed, kMs + 2000, 0, conf);
  const std::string dir = freshDir("window-behind");
  runProgram(dir, kSeed, kMs, 0, conf);
  const std::string newest = rill::detail::checkpointPath(dir, kMs);
  writeBytes(newest, withPart<WindowSaved>(readBytes(newest), kWindow, [](WindowSaved& s) { s->first = 2000; }));
  const auto resumed = runProgram(dir, kSeed, kMs + 2000, 0, conf);
  REQUIRE(resumed.restored.has_value());
  CHECK(resumed.restored->milliseconds() == kMs - 1000);
  checkSameFrom(resumed, reference, kMs);
  CHECK(resumed.warnings == std::vector<std::string>{"rill: checkpoint file '" + newest + "' is unusable (" + kWindow +
                                                     " was last updated at 2000 ms, 3 batches before the checkpoint's "
                                                     "batch at 5000 ms: more than "
                                                     "rill.streaming.state.maxPendingBatches (2)); trying the previous "
                                                     "one"});
}
