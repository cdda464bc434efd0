// Helper program for test_checkpoint_kill (not a test itself): runs the
// checkpointed word count of checkpoint_program.hpp through getOrCreate, one
// batch at a time, until batch --batches, then writes what every batch of this
// run produced to --out.
//   checkpoint_child --dir D --seed S --batches N --out FILE
//                    [--notify-fd FD (--pause-after K | --block-at B)]
// --pause-after K: once batch K is complete (its checkpoint written), write one
//   byte to FD and wait forever, between two batches.
// --block-at B: batch B writes one byte to FD and waits forever in its last job,
//   after the state was computed and before its checkpoint is written.
// Either way the test kills the child while it waits: the kill always lands
// mid-run, at the batch the test chose, and the test never has to poll or sleep.
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

namespace {

[[noreturn]] void notifyAndWait(int fd) {
  const char byte = 'k';
  while (::write(fd, &byte, 1) != 1) {
  }
  for (;;) ::pause();
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, out;
  std::uint64_t seed = 1;
  std::int64_t batches = 10, blockAt = -1, pauseAfter = -1;
  int notifyFd = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--dir") dir = value;
    else if (flag == "--out") out = value;
    else if (flag == "--seed") seed = std::stoull(value);
    else if (flag == "--batches") batches = std::stoll(value);
    else if (flag == "--block-at") blockAt = std::stoll(value);
    else if (flag == "--pause-after") pauseAfter = std::stoll(value);
    else if (flag == "--notify-fd") notifyFd = std::stoi(value);
  }
  if (dir.empty() || out.empty() || ((blockAt > 0 || pauseAfter > 0) && notifyFd < 0)) {
    std::cerr << "usage: checkpoint_child --dir D --seed S --batches N --out FILE "
                 "[--notify-fd FD (--pause-after K | --block-at B)]\n";
    return 2;
  }
  rill::SparkContext sc(rill::SparkConf().setAppName("checkpoint-child").setMaster("local[2]"));
  auto clock = std::make_shared<rill::ManualClock>();
  auto log = std::make_shared<ws_test::ProgramLog>();
  auto ssc = rill::StreamingContext::getOrCreate(dir, [&] {
    auto made = ws_test::buildProgram(sc, clock, dir, seed, log);
    if (blockAt > 0)  // defined last, so it runs after the batch's other jobs
      ws_test::functionStream<int>(*made, [](rill::Time) { return std::optional(std::vector<int>{}); })
          .foreachRDD([blockAt, notifyFd](const auto&, rill::Time t) {
            if (t.milliseconds() == blockAt * 1000) notifyAndWait(notifyFd);
          });
    return made;
  });
  ssc->start();
  for (std::int64_t b = 1; b <= batches; ++b) {
    clock->setTime(b * 1000);  // returns once batch b (and its checkpoint) is complete
    if (b == pauseAfter) notifyAndWait(notifyFd);
  }
  ssc->stop(false);
  std::ofstream file(out, std::ios::trunc);
  const auto restored = ssc->restoredBatchTime();
  file << "restored " << (restored ? restored->milliseconds() : 0) << "\n";
  for (const auto& [t, line] : log->lines()) file << t << " " << line << "\n";
  return file ? 0 : 1;
}
