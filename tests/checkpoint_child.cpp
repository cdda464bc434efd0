// Helper program for test_checkpoint_kill (not a test itself): runs the
// checkpointed word count of checkpoint_program.hpp through getOrCreate until
// batch --batches, then writes what every batch of this run produced to --out.
//   checkpoint_child --dir D --seed S --batches N --out FILE [--block-at B]
// --block-at B: batch B blocks forever in its last job, after the state was
// computed and before its checkpoint is written, so the test can kill it there.
#include "checkpoint_program.hpp"

#include <rill/stream/streaming_context.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

int main(int argc, char** argv) {
  std::string dir, out;
  std::uint64_t seed = 1;
  std::int64_t batches = 10, blockAt = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--dir") dir = value;
    else if (flag == "--out") out = value;
    else if (flag == "--seed") seed = std::stoull(value);
    else if (flag == "--batches") batches = std::stoll(value);
    else if (flag == "--block-at") blockAt = std::stoll(value);
  }
  if (dir.empty() || out.empty()) {
    std::cerr << "usage: checkpoint_child --dir D --seed S --batches N --out FILE [--block-at B]\n";
    return 2;
  }
  rill::SparkContext sc(rill::SparkConf().setAppName("checkpoint-child").setMaster("local[2]"));
  auto clock = std::make_shared<rill::ManualClock>();
  auto log = std::make_shared<ws_test::ProgramLog>();
  auto ssc = rill::StreamingContext::getOrCreate(dir, [&] {
    auto made = ws_test::buildProgram(sc, clock, dir, seed, log);
    if (blockAt > 0)  // defined last, so it runs after the batch's other jobs
      ws_test::functionStream<int>(*made, [](rill::Time) { return std::optional(std::vector<int>{}); })
          .foreachRDD([blockAt](const auto&, rill::Time t) {
            if (t.milliseconds() == blockAt * 1000)
              for (;;) ::pause();
          });
    return made;
  });
  ssc->start();
  clock->setTime(batches * 1000);
  ssc->stop(false);
  std::ofstream file(out, std::ios::trunc);
  const auto restored = ssc->restoredBatchTime();
  file << "restored " << (restored ? restored->milliseconds() : 0) << "\n";
  for (const auto& [t, line] : log->lines()) file << t << " " << line << "\n";
  return file ? 0 : 1;
}
