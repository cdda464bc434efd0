// libFuzzer target: reading a checkpoint back. The input is the bytes of a
// checkpoint file (the corpus holds real ones, written by the checkpointed
// word count of tests/checkpoint_program.hpp, and crafted ones; see
// tests/test_checkpoint_files.cpp). Each input is read twice:
//   1. as it is: the header's version, length and checksum turn away almost
//      every mutation, which is the point of the header;
//   2. "repaired": the payload after the 32-byte header wrapped in a fresh,
//      valid header, so mutations reach the manifest decoder and the restore
//      into the program's streams (what a checkpoint of another program
//      version, or a checksum collision, would feed it).
// Reading = Checkpointer::readLatest on a directory holding the file, then
// StreamingContext::getOrCreate rebuilding the program and restoring into it,
// then one batch run on what was restored. Either ends in a usable checkpoint
// or in a rill::SparkException; anything else (a crash, UB, another
// exception, a hang, an allocation out of proportion to the input) is a bug.
#include "../tests/checkpoint_program.hpp"

#include <rill/stream/checkpoint.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace {

// A directory of this process's own, removed when the fuzzer exits.
struct ScratchDir {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("rill-fuzz-checkpoint-" + std::to_string(::getpid()))).string();
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

const std::string& scratchDir() {
  static const ScratchDir dir;
  return dir.path;
}

void readAndRestore(std::string_view file) {
  const std::string& dir = scratchDir();
  std::filesystem::remove_all(dir);  // also what the previous input's batch checkpointed
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(rill::detail::checkpointPath(dir, 1000), std::ios::binary | std::ios::trunc);
    out.write(file.data(), static_cast<std::streamsize>(file.size()));
  }
  rill::ListenerBus bus;
  try {
    auto data = rill::detail::Checkpointer::readLatest(dir, bus);
    if (!data) std::abort();  // the file is there: it is either usable or an error
    // Few batches of catch-up for a state restored behind its checkpoint: each input runs fast.
    rill::SparkContext sc(rill::SparkConf()
                              .setAppName("fuzz")
                              .setMaster("local[1]")
                              .set("rill.streaming.state.maxPendingBatches", "64"));
    auto clock = std::make_shared<rill::ManualClock>();
    auto ssc = rill::StreamingContext::getOrCreate(dir, [&] {
      return ws_test::buildProgram(sc, clock, dir, 1, std::make_shared<ws_test::ProgramLog>());
    });
    // A checkpoint the reader accepted must be usable: run the next batch on it.
    const auto restored = ssc->restoredBatchTime();
    if (!restored) return;
    ssc->start();
    clock->setTime(restored->milliseconds() + 1000);
    ssc->stop(false);
  } catch (const rill::SparkException&) {
    // rejected cleanly
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(bytes), size);
  readAndRestore(file);
  if (size >= rill::detail::kCheckpointHeaderSize)
    readAndRestore(rill::detail::encodeCheckpoint(file.substr(rill::detail::kCheckpointHeaderSize)));
  return 0;
}
