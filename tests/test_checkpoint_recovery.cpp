// Checkpointing and recovery in one process: a program stopped after batch k
// and rebuilt with getOrCreate goes on with batch k + 1 and then produces
// exactly what an uninterrupted run produces, state, windows and all. Also:
// the newest checkpoint corrupt (the previous one is used, with a warning),
// a kill during a checkpoint write (its temporaries ignored and removed),
// the last N kept, graphs that do not fit, types that cannot be saved.
#include "checkpoint_test_support.hpp"
#include "window_state_support.hpp"

#include <rill/stream/checkpoint_file.hpp>
#include <rill/stream/streaming_context.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ws_test;


TEST_CASE("a stopped program restarts with getOrCreate after its last batch and matches an uninterrupted run") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    const auto reference = runProgram(freshDir("reference"), seed, 20000);
    REQUIRE(reference.lines.size() == 20);
    CHECK_FALSE(reference.restored.has_value());
    const std::string dir = freshDir("restarted");
    const auto first = runProgram(dir, seed, 8000);
    checkSameFrom(first, reference, 1000);
    CHECK(filesIn(dir) == std::vector<std::string>{"checkpoint-6000", "checkpoint-7000", "checkpoint-8000"});
    const auto second = runProgram(dir, seed, 20000);
    REQUIRE(second.restored.has_value());
    CHECK(second.restored->milliseconds() == 8000);
    checkSameFrom(second, reference, 9000);
    CHECK(second.warnings.empty());
  }
}

TEST_CASE("a program restarted long after its checkpoint first catches up on the batches it missed") {
  const auto reference = runProgram(freshDir("reference"), 5, 16000);
  const std::string dir = freshDir("late");
  runProgram(dir, 5, 4000);
  // The clock already reads 12 s: batches 5 s .. 12 s run back to back, then the rest.
  const auto late = runProgram(dir, 5, 16000, 12000);
  REQUIRE(late.restored.has_value());
  CHECK(late.restored->milliseconds() == 4000);
  checkSameFrom(late, reference, 5000);
  CHECK(late.lines.size() == 12);
}

TEST_CASE("a corrupt or truncated newest checkpoint is skipped for the previous one, with a warning") {
  const auto reference = runProgram(freshDir("reference"), 7, 12000);
  for (bool truncate : {true, false}) {
    CAPTURE(truncate);
    const std::string dir = freshDir("corrupt");
    runProgram(dir, 7, 6000);
    const std::string newest = dir + "/checkpoint-6000";
    auto bytes = rill::io::readFile(newest);
    if (truncate)
      bytes.resize(bytes.size() / 2);
    else
      bytes[bytes.size() - 3] ^= 0x5a;  // one flipped byte in the payload
    std::ofstream(newest, std::ios::binary | std::ios::trunc) << bytes;

    const auto resumed = runProgram(dir, 7, 12000);
    REQUIRE(resumed.restored.has_value());
    CHECK(resumed.restored->milliseconds() == 5000);
    checkSameFrom(resumed, reference, 6000);
    REQUIRE(resumed.warnings.size() == 1);
    CHECK(resumed.warnings[0].find("checkpoint-6000' is unusable (" +
                                   std::string(truncate ? "length mismatch" : "checksum mismatch")) !=
          std::string::npos);
  }
}

TEST_CASE("no usable checkpoint at all, or a checkpoint of another program, is an error") {
  const std::string dir = freshDir("unusable");
  runProgram(dir, 1, 2000);
  for (const auto& name : filesIn(dir)) std::ofstream(dir + "/" + name, std::ios::trunc) << "garbage";
  CHECK_THROWS_WITH_AS(runProgram(dir, 1, 3000), doctest::Contains("all 2 checkpoint files are unusable"),
                       rill::SparkException);

  const std::string other = freshDir("other");
  runProgram(other, 1, 2000);
  rill::SparkContext sc(conf());
  auto different = [&] {
    auto ssc = std::make_unique<rill::StreamingContext>(sc, std::chrono::seconds(1), std::make_shared<rill::ManualClock>());
    auto s = scriptedStream<std::string>(*ssc, present(Batches<std::string>{{"a"}}));
    s.map([](const std::string& w) { return std::pair<std::string, long>(w, 1); })
        .updateStateByKey([](const std::vector<long>& v, std::optional<long> st) {
          return std::optional<long>(st.value_or(0) + static_cast<long>(v.size()));
        })
        .print();
    return ssc;
  };
  CHECK_THROWS_WITH_AS(rill::StreamingContext::getOrCreate(other, different), doctest::Contains("does not fit"),
                       rill::SparkException);
}

TEST_CASE("checkpoint(interval) sets how often checkpoints are written; only the newest `keep` stay") {
  const std::string dir = freshDir("interval");
  {
    rill::SparkContext sc(conf());
    auto clock = std::make_shared<rill::ManualClock>();
    rill::StreamingContext ssc(sc, std::chrono::seconds(1), clock);
    ssc.checkpoint(dir, 2);
    auto s = scriptedStream<int>(ssc, present(Batches<int>{{1}, {2}}));
    auto state = s.map([](int x) { return std::pair<int, int>(x % 2, x); })
                     .updateStateByKey([](const std::vector<int>& v, std::optional<int> st) {
                       return std::optional<int>(st.value_or(0) + static_cast<int>(v.size()));
                     })
                     .checkpoint(rill::Seconds(3));
    state.print();
    CHECK_THROWS_WITH_AS(state.checkpoint(rill::Milliseconds(1500)),
                         "rill: the checkpoint interval (1500 ms) must be a multiple of the DStream's slide duration "
                         "(1000 ms)",
                         std::invalid_argument);
    std::ostringstream sink;
    ssc.setPrintStream(sink);
    ssc.start();
    clock->setTime(10000);
    ssc.stop(false);
  }
  CHECK(filesIn(dir) == std::vector<std::string>{"checkpoint-6000", "checkpoint-9000"});
}

namespace {
struct NotSerialisable {
  int value = 0;
};
}  // namespace

TEST_CASE("state of a type that cannot be serialised: fine without checkpointing, refused at start with it") {
  static_assert(!rill::Checkpointable<NotSerialisable>);
  auto define = [](rill::StreamingContext& ssc) {
    scriptedStream<int>(ssc, present(Batches<int>{{1}}))
        .map([](int x) { return std::pair<int, int>(x, x); })
        .updateStateByKey([](const std::vector<int>& v, std::optional<NotSerialisable> st) {
          NotSerialisable s = st.value_or(NotSerialisable{});
          s.value += static_cast<int>(v.size());
          return std::optional<NotSerialisable>(s);
        })
        .foreachRDD([](const auto&) {});
  };
  rill::SparkContext sc(conf());
  {
    auto clock = std::make_shared<rill::ManualClock>();
    rill::StreamingContext ssc(sc, std::chrono::seconds(1), clock);
    define(ssc);
    ssc.start();
    clock->advance(std::chrono::seconds(2));
    ssc.stop(false);
  }
  rill::StreamingContext ssc(sc, std::chrono::seconds(1), std::make_shared<rill::ManualClock>());
  ssc.checkpoint(freshDir("unserialisable"));
  define(ssc);
  CHECK_THROWS_WITH_AS(ssc.start(), doctest::Contains("NotSerialisable cannot be serialised; give it a serialize function"),
                       rill::IllegalStateException);
}

TEST_CASE("a kill during a checkpoint write: its temporaries are ignored, removed, and the last good file restores") {
  namespace fs = std::filesystem;
  const auto reference = runProgram(freshDir("reference"), 9, 12000);
  const std::string dir = freshDir("killed-while-writing");
  runProgram(dir, 9, 6000);
  CHECK(filesIn(dir) == std::vector<std::string>{"checkpoint-4000", "checkpoint-5000", "checkpoint-6000"});

  // What a process killed inside writeFileAtomically leaves (temporaries are
  // ".<name>.tmp-<pid>-<n>"): a complete, valid checkpoint of batch 7 that was
  // written and synced but never renamed (killed before the rename), a
  // checkpoint of batch 8 cut off halfway through its write, and an empty one
  // (killed right after creating it). The complete one is newer than every
  // real checkpoint and would restore fine: only its name says it never
  // became a checkpoint.
  const std::string other = freshDir("ahead");
  runProgram(other, 9, 8000);
  const std::string complete = rill::io::readFile(other + "/checkpoint-7000");
  std::string half = rill::io::readFile(other + "/checkpoint-8000");
  REQUIRE_NOTHROW(rill::detail::checkpointPayload(complete));
  half.resize(half.size() / 2);
  const std::vector<std::string> temps = {".checkpoint-7000.tmp-4242-0", ".checkpoint-8000.tmp-4242-1",
                                          ".checkpoint-9000.tmp-4243-0"};
  std::ofstream(dir + "/" + temps[0], std::ios::binary) << complete;
  std::ofstream(dir + "/" + temps[1], std::ios::binary) << half;
  std::ofstream(dir + "/" + temps[2], std::ios::binary);
  std::ofstream(dir + "/notes.txt") << "not the checkpointer's";  // a file of someone else: left alone
  for (const auto& t : temps) REQUIRE(fs::exists(dir + "/" + t));

  // getOrCreate alone (before start) restores from checkpoint-6000 and clears the temporaries.
  {
    rill::SparkContext sc(conf());
    auto clock = std::make_shared<rill::ManualClock>();
    auto log = std::make_shared<ProgramLog>();
    auto warnings = std::make_shared<Warnings>();
    auto ssc = rill::StreamingContext::getOrCreate(dir, [&] {
      auto made = buildProgram(sc, clock, dir, 9, log);
      made->addStreamingListener(warnings);
      return made;
    });
    REQUIRE(ssc->restoredBatchTime().has_value());
    CHECK(ssc->restoredBatchTime()->milliseconds() == 6000);
    CHECK(filesIn(dir) == std::vector<std::string>{"checkpoint-4000", "checkpoint-5000", "checkpoint-6000", "notes.txt"});
    CHECK(warnings->seen().empty());
  }
  // And the program goes on from batch 7 exactly as an uninterrupted run.
  const auto resumed = runProgram(dir, 9, 12000);
  REQUIRE(resumed.restored.has_value());
  CHECK(resumed.restored->milliseconds() == 6000);
  REQUIRE(resumed.lines.size() == 6);
  checkSameFrom(resumed, reference, 7000);
  CHECK(resumed.warnings.empty());
  CHECK(filesIn(dir) == std::vector<std::string>{"checkpoint-10000", "checkpoint-11000", "checkpoint-12000", "notes.txt"});
}
