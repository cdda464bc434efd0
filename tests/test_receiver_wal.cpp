// The receiver write-ahead log (spark.streaming.receiver.writeAheadLog.enable):
// the append log's records, torn tails and failed writes (reported by the
// next sync), blocks sealed every block interval on the streaming clock, a
// restart that gives back what the restored checkpoint had not counted, old
// segments deleted, the settings checked, and without the setting nothing
// logged and nothing replayed.
#include "receiver_wal_support.hpp"

#include <rill/io/append_log.hpp>
#include <rill/stream/write_ahead_log.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace wal_test;
namespace fs = std::filesystem;

namespace {

struct Scanned {
  std::vector<std::string> payloads;
  rill::io::LogScan scan;
};

Scanned scan(const std::string& path, std::uint64_t segment = 1) {
  Scanned s;
  s.scan = rill::io::scanLogSegment(path, segment, [&](const rill::io::LogSpan&, std::string_view p) {
    s.payloads.emplace_back(p);
  });
  return s;
}

void appendBytes(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

std::string logDir(const std::string& checkpointDir) { return checkpointDir + "/receivedData/0"; }

/// The kinds of the records of a receiver log ('B' block, 'A' allocation), segment after segment.
std::string recordKinds(const std::string& checkpointDir) {
  std::string kinds;
  const auto dir = logDir(checkpointDir);
  for (auto n : rill::io::listLogSegments(dir))
    rill::io::scanLogSegment(dir + "/" + rill::io::logSegmentName(n), n,
                             [&](const rill::io::LogSpan&, std::string_view p) { kinds += p[0]; });
  return kinds;
}

std::vector<std::string> linesOf(std::int64_t from, std::int64_t to) {
  std::vector<std::string> v;
  for (auto id = from; id < to; ++id) v.push_back(std::to_string(id) + " line");
  return v;
}

std::map<std::int64_t, std::int64_t> onceEach(std::initializer_list<std::pair<std::int64_t, std::int64_t>> ranges) {
  std::map<std::int64_t, std::int64_t> m;
  for (auto [from, to] : ranges) m.merge(once(from, to));
  return m;
}

/// Holds this process's file size limit at `bytes` while it lives: a write
/// past the limit fails (EFBIG), as on a full disk, instead of raising SIGXFSZ.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved_) == 0);
    REQUIRE(bytes <= saved_.rlim_max);
    savedSignal_ = std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limited{bytes, saved_.rlim_max};
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, savedSignal_);
  }

 private:
  rlimit saved_{};
  void (*savedSignal_)(int) = SIG_DFL;
};

}  // namespace

TEST_CASE("an append log reads back its records in order and stops at a torn or corrupt one") {
  const std::string dir = freshDir("append-log");
  rill::io::AppendLog log(dir);
  CHECK(log.currentSegment() == 1);
  const auto a = log.append("first");
  const auto b = log.append(std::string(1000, 'x'));
  const auto c = log.append("");
  log.sync();
  // Records start on 4 KiB boundaries (for O_DIRECT); the span ends with the data.
  CHECK(a == rill::io::LogSpan{1, 0, 24 + 5});
  CHECK(b == rill::io::LogSpan{1, 4096, 4096 + 24 + 1000});
  CHECK(c == rill::io::LogSpan{1, 8192, 8192 + 24});
  const std::string path = dir + "/log-0000000001";
  REQUIRE(fs::exists(path));
  auto s = scan(path);
  CHECK(s.payloads == std::vector<std::string>{"first", std::string(1000, 'x'), ""});
  CHECK(fs::file_size(path) == 3 * 4096);
  CHECK(s.scan.end == 3 * 4096);
  CHECK_FALSE(s.scan.torn());
  CHECK(rill::io::readLogRecord(path, b) == std::string(1000, 'x'));

  SUBCASE("a torn last record (the writer died inside an append) is ignored") {
    const std::string whole = rill::io::encodeLogRecord("the record being written");
    for (std::size_t cut : {std::size_t{3}, std::size_t{24}, whole.size() - 1}) {
      CAPTURE(cut);
      fs::resize_file(path, 3 * 4096);
      appendBytes(path, whole.substr(0, cut));
      s = scan(path);
      CHECK(s.payloads.size() == 3);
      CHECK(s.scan.end == 3 * 4096);
      CHECK(s.scan.torn());
    }
  }
  SUBCASE("a corrupted record ends the intact part of its segment") {
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(b.from + 24 + 500));
    f.put('y');
    f.close();
    s = scan(path);
    CHECK(s.payloads == std::vector<std::string>{"first"});
    CHECK(s.scan.end == 4096);
    CHECK_THROWS_AS(rill::io::readLogRecord(path, b), rill::IoError);
  }
  SUBCASE("a new log, and one after a roll, append to a new segment; old ones can be removed") {
    rill::io::AppendLog again(dir);
    CHECK(again.append("second run") == rill::io::LogSpan{2, 0, 24 + 10});
    CHECK(again.append("and more") == rill::io::LogSpan{2, 4096, 4096 + 24 + 8});
    again.roll();
    CHECK(again.append("rolled").segment == 3);
    again.removeSegmentsBefore(3);
    CHECK(rill::io::listLogSegments(dir) == std::vector<std::uint64_t>{3});
  }
  CHECK(rill::io::parseLogSegmentName("log-0000000042") == 42u);
  CHECK_FALSE(rill::io::parseLogSegmentName("log-12x").has_value());
  CHECK_FALSE(rill::io::parseLogSegmentName(".log-1.tmp").has_value());
}

TEST_CASE("a sync after a failed append closed its segment reports that the appends before it may be lost") {
  const std::string dir = freshDir("append-log-failed-write");
  const std::string first = dir + "/log-0000000001";
  rill::io::AppendLog log(dir);
  REQUIRE(log.append("synced") == rill::io::LogSpan{1, 0, 24 + 6});
  log.sync();

  SUBCASE("appends not yet synced when the segment closed: the next sync throws, naming the segment, once") {
    REQUIRE(log.append("not yet synced") == rill::io::LogSpan{1, 4096, 4096 + 24 + 14});
    {
      const FileSizeLimit full(2 * 4096);  // the next record would start at 8192
      const std::string failed = "cannot append to log segment '" + first + "'";
      CHECK_THROWS_WITH_AS(log.append("past the end"), doctest::Contains(failed.c_str()), rill::IoError);
    }
    const std::string closed = "log segment '" + first + "' was closed by a failure";
    CHECK_THROWS_WITH_AS(log.sync(), doctest::Contains(closed.c_str()), rill::IoError);
    // The failure was reported: what is appended after it (to a new segment) syncs.
    CHECK(log.append("after") == rill::io::LogSpan{2, 0, 24 + 5});
    CHECK_NOTHROW(log.sync());
    CHECK(scan(dir + "/log-0000000002", 2).payloads == std::vector<std::string>{"after"});
  }
  SUBCASE("every append before the failure was synced: nothing is lost, the sync succeeds") {
    {
      const FileSizeLimit full(4096);
      CHECK_THROWS_AS(log.append("past the end"), rill::IoError);
    }
    CHECK_NOTHROW(log.sync());
    CHECK(log.append("after").segment == 2);
  }
  CHECK(scan(first).payloads.front() == "synced");
}

TEST_CASE("the log settings are checked when the stream is defined") {
  auto define = [](rill::SparkConf c) {
    rill::SparkContext sc(c.setMaster("local[2]"));
    rill::StreamingContext ssc(sc, 1s);
    ssc.receiverStream(std::make_shared<Inbox>());
  };
  CHECK_NOTHROW(define(conf(true, "1s")));
  CHECK_NOTHROW(define(conf(true, "50")));
  CHECK_THROWS_WITH_AS(define(conf(true, "0ms")), doctest::Contains("spark.streaming.blockInterval"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(define(conf(true, "fast")), doctest::Contains("spark.streaming.blockInterval"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(define(conf(true).set("spark.streaming.receiver.writeAheadLog.enable", "yes")),
                       doctest::Contains("writeAheadLog.enable"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(define(conf(true).set("spark.streaming.receiver.writeAheadLog.rollingIntervalSecs", "0")),
                       doctest::Contains("rollingIntervalSecs"), std::invalid_argument);
}

TEST_CASE("with the log on, a context without a checkpoint directory refuses to start") {
  rill::SparkContext sc(conf(true));
  rill::StreamingContext ssc(sc, 1s, std::make_shared<rill::ManualClock>());
  ssc.receiverStream(std::make_shared<Inbox>()).foreachRDD([](const auto&) {});
  // What StreamingContext::start() calls first (with no directory here).
  CHECK_THROWS_WITH_AS(rill::detail::openReceiverLogs(ssc.graph(), "", std::nullopt),
                       doctest::Contains("needs a checkpoint directory"), rill::IllegalStateException);
}

TEST_CASE("with the log on, records a type cannot be saved as are refused at start") {
  struct Opaque {
    int* p = nullptr;
  };
  struct Source final : rill::Receiver<Opaque> {
    void onStart() override {}
    void onStop() override {}
  };
  rill::SparkContext sc(conf(true));
  rill::StreamingContext ssc(sc, 1s, std::make_shared<rill::ManualClock>());
  ssc.checkpoint(freshDir("opaque"));
  ssc.receiverStream(std::make_shared<Source>()).foreachRDD([](const auto&) {});
  CHECK_THROWS_WITH_AS(rill::detail::openReceiverLogs(ssc.graph(), freshDir("opaque"), std::nullopt),
                       doctest::Contains("cannot be serialised"), rill::IllegalStateException);
}

TEST_CASE("stored records are logged as a block every block interval, and each batch logs what it took") {
  const std::string dir = freshDir("blocks");
  Program p(conf(true), dir);
  p.store(1, 4);
  CHECK(recordKinds(dir).empty());  // stored, not yet a block
  p.advance(200ms);                 // returns once the block is logged
  CHECK(recordKinds(dir) == "B");
  p.store(4, 6);
  p.advance(200ms);
  p.advance(200ms);  // nothing stored: no block
  CHECK(recordKinds(dir) == "BB");
  p.store(6, 7);
  p.advance(400ms);  // batch 1000 seals the last block and logs its allocation
  CHECK(recordKinds(dir) == "BBBA");
  CHECK(p.out->batches() == std::map<std::int64_t, std::vector<std::string>>{{1000, linesOf(1, 7)}});
  p.advance(1s);  // an empty batch logs an (empty) allocation too
  CHECK(recordKinds(dir) == "BBBAA");

  // The blocks as logged: the records in order, in the checkpoint archive's bytes.
  const std::string segment = logDir(dir) + "/log-0000000001";
  auto s = scan(segment);
  REQUIRE(s.payloads.size() == 5);
  CHECK(rill::detail::fromBytes<std::vector<std::string>>(std::string_view(s.payloads[0]).substr(1)) == linesOf(1, 4));
  CHECK(rill::detail::fromBytes<std::vector<std::string>>(std::string_view(s.payloads[2]).substr(1)) == linesOf(6, 7));

  // Each checkpoint names the log range its batch took: contiguous, each
  // ending with the batch's allocation record.
  auto manifestOf = [&](std::int64_t t) {
    return rill::detail::fromBytes<rill::detail::CheckpointManifest>(
        rill::detail::readCheckpointPayload(rill::detail::checkpointPath(dir, t)));
  };
  const auto first = manifestOf(1000).receiverLog, second = manifestOf(2000).receiverLog;
  REQUIRE(first.size() == 1);
  REQUIRE(second.size() == 1);
  CHECK(first[0] == rill::detail::LogRange{0, 1000, "receivedData/0/log-0000000001", 0, second[0].from});
  CHECK(second[0].batchTime == 2000);
  CHECK(rill::io::nextLogRecordAt(second[0].until) == fs::file_size(segment));
}

TEST_CASE("records logged and not yet in a batch count against the buffer bound: store() waits for the batch") {
  // Stores 0, 1, ... one at a time from its own thread.
  struct Counter final : rill::Receiver<int> {
    void onStart() override {
      spawn([this] {
        for (int i = 0; i < 10 && !isStopped(); ++i) store(i);
      });
    }
    void onStop() override {}
  };
  // Blocks every 700 ms: no block boundary falls on a batch time up to 7 s.
  rill::SparkContext sc(conf(true, "700ms").set("rill.streaming.receiver.maxBufferedRecords", "3"));
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  const std::string dir = freshDir("bound");
  ssc.checkpoint(dir);
  auto input = ssc.receiverStream(std::make_shared<Counter>());
  auto batches = rill_stream_test::collectBatches(input);
  rill::detail::openReceiverLogs(ssc.graph(), dir, std::nullopt);
  ssc.start();
  // One block boundary at a time: a boundary the clock jumps over is sealed
  // late, and could take a record stored after the batch.
  auto nextBoundary = [&] { return (clock->getTimeMillis() / 700 + 1) * 700; };
  for (std::int64_t batch = 1; batch <= 3; ++batch) {
    REQUIRE(rill::detail::awaitBuffered(input, 3, kSafety));  // full
    clock->setTime(nextBoundary());                           // logged: out of the buffer, still no room
    while (nextBoundary() < batch * 1000) clock->setTime(nextBoundary());
    clock->setTime(batch * 1000);
  }
  REQUIRE(rill::detail::awaitBuffered(input, 1, kSafety));
  clock->advance(1s);
  ssc.stop(false);
  CHECK(batches->values() == std::vector<std::vector<int>>{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9}});
}

TEST_CASE("a restart gives back every logged block the restored checkpoint had not counted, once") {
  const std::string dir = freshDir("restart");
  {
    Program p(conf(true), dir);
    p.store(1, 6);
    p.advance(1s);  // batch 1000 and its checkpoint
    p.store(6, 8);
    p.advance(200ms);  // a logged block no batch took
    p.store(8, 9);     // stored, not yet sealed: the stop logs it
  }                    // stop(false): a forced stop, with no batch for 6..8
  Program p(conf(true), dir);
  REQUIRE(p.restored == rill::Time(1000));
  p.advance(1s);
  CHECK(p.out->batches() == std::map<std::int64_t, std::vector<std::string>>{{2000, linesOf(6, 9)}});
  CHECK(p.out->state() == once(1, 9));
}

TEST_CASE("batches after the restored checkpoint run again with the blocks they had") {
  const std::string dir = freshDir("rerun");
  std::map<std::int64_t, std::vector<std::string>> before;
  {
    Program p(conf(true), dir);
    p.store(1, 3);
    p.advance(1s);
    p.store(3, 5);
    p.advance(600ms);
    p.store(5, 6);
    p.advance(400ms);  // batch 2000
    p.store(6, 9);
    p.advance(1s);  // batch 3000
    before = p.out->batches();
    // Batches 2000 and 3000 ran, but only checkpoint 1000 stays: as if the
    // program died before writing theirs.
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename() == "checkpoint-2000" || e.path().filename() == "checkpoint-3000") fs::remove(e.path());
    p.store(9, 11);
    p.advance(200ms);
  }
  Program p(conf(true), dir);
  REQUIRE(p.restored == rill::Time(1000));
  p.store(100, 102);
  p.advance(3s);
  const auto after = p.out->batches();
  CHECK(after.at(2000) == before.at(2000));
  CHECK(after.at(3000) == before.at(3000));
  auto fourth = linesOf(9, 11);
  for (auto& l : linesOf(100, 102)) fourth.push_back(l);
  CHECK(after.at(4000) == fourth);
  CHECK(p.out->state() == onceEach({{1, 11}, {100, 102}}));
}

TEST_CASE("a graceful stop runs the batch of what the receiver still holds and checkpoints it, without warnings") {
  const std::string dir = freshDir("graceful-stop");
  // Short stop timeouts bound the test: a last batch whose checkpoint waited for
  // the receiver's stopped log thread made the stop give up after them, warning.
  auto c = conf(true).set("spark.streaming.gracefulStopTimeout", "3s").set("rill.streaming.forcedStopTimeout", "2s");
  struct Warnings final : rill::StreamingListener {
    void onWarning(const std::string& w) override {
      std::lock_guard lock(m);
      seen.push_back(w);
    }
    std::mutex m;
    std::vector<std::string> seen;
  };
  auto warnings = std::make_shared<Warnings>();
  Program p(c, dir, [&](rill::StreamingContext& ssc) { ssc.addStreamingListener(warnings); });
  p.store(1, 4);
  p.advance(1s);  // batch 1000 and its checkpoint
  p.store(4, 6);  // stored after it: the graceful stop runs one more batch for it
  p.ssc->stop(false, true);
  CHECK(p.out->state() == once(1, 6));
  CHECK(fs::exists(dir + "/checkpoint-2000"));
  std::lock_guard lock(warnings->m);
  CHECK(warnings->seen.empty());
}

TEST_CASE("a torn block at the end of the log is ignored on restart, with a warning") {
  const std::string dir = freshDir("torn");
  {
    Program p(conf(true), dir);
    p.store(1, 4);
    p.advance(1s);
    p.store(4, 6);
    p.advance(200ms);
  }
  // A crash inside the append of the next block leaves half of it.
  const auto segments = rill::io::listLogSegments(logDir(dir));
  REQUIRE_FALSE(segments.empty());
  std::string payload(1, rill::detail::kLoggedBlock);
  rill::detail::BinaryWriter writer(payload);
  writer(linesOf(6, 9));
  const std::string record = rill::io::encodeLogRecord(payload);
  appendBytes(logDir(dir) + "/" + rill::io::logSegmentName(segments.back()), record.substr(0, record.size() / 2));

  struct Warnings final : rill::StreamingListener {
    void onWarning(const std::string& w) override { seen += w + "\n"; }
    std::string seen;
  };
  auto warnings = std::make_shared<Warnings>();
  Program p(conf(true), dir, [&](rill::StreamingContext& ssc) { ssc.addStreamingListener(warnings); });
  p.advance(1s);
  CHECK(p.out->state() == once(1, 6));
  CHECK(warnings->seen.find("replaying 1 blocks") != std::string::npos);
  CHECK(warnings->seen.find("torn") != std::string::npos);
}

TEST_CASE("log segments no checkpoint needs any more are deleted") {
  const std::string dir = freshDir("cleanup");
  auto c = conf(true).set("spark.streaming.receiver.writeAheadLog.rollingIntervalSecs", "1");
  {
    Program p(c, dir);
    for (int i = 0; i < 12; ++i) {
      p.store(i * 10, i * 10 + 3);
      p.advance(1s);
    }
    // Exactly, whatever the threads' timing: every advance() returns after its
    // batch's checkpoint, which waits for the batch's allocation record to be
    // written, the segment rolled (each second, so batch k's block and
    // allocation are in segment k) and the segments before the one the oldest
    // checkpoint on disk needs deleted. Before checkpoint 12000 was written
    // the oldest was 9000: segments 9 to 12 remain (13 opens with the next append).
    CHECK(rill::io::listLogSegments(logDir(dir)) == std::vector<std::uint64_t>{9, 10, 11, 12});
    CHECK(p.out->state().size() == 36);
  }
  // The oldest checkpoint still restores: the newest two are gone.
  fs::remove(dir + "/checkpoint-12000");
  fs::remove(dir + "/checkpoint-11000");
  Program p(c, dir);
  REQUIRE(p.restored == rill::Time(10000));
  p.advance(2s);
  std::map<std::int64_t, std::int64_t> expected;
  for (int i = 0; i < 12; ++i) expected.merge(once(i * 10, i * 10 + 3));
  CHECK(p.out->state() == expected);
}

TEST_CASE("a program that died before its first checkpoint gets all its logged blocks back") {
  const std::string dir = freshDir("before-first");
  {
    Program p(conf(true), dir);
    p.store(1, 4);
    p.advance(200ms);
  }
  Program p(conf(true), dir);
  CHECK_FALSE(p.restored.has_value());
  p.advance(1s);
  CHECK(p.out->state() == once(1, 4));
}

TEST_CASE("without the setting nothing is logged and a restart does not replay: at most once") {
  const std::string dir = freshDir("no-log");
  {
    Program p(conf(false), dir);
    p.store(1, 4);
    p.advance(1s);
    p.store(4, 6);
    p.advance(200ms);
  }
  CHECK_FALSE(fs::exists(dir + "/receivedData"));
  Program p(conf(false), dir);
  REQUIRE(p.restored == rill::Time(1000));
  p.advance(1s);
  CHECK(p.out->state() == once(1, 4));  // 4 and 5 were received, then lost with the process
}

TEST_CASE("a checkpoint between two slides of a window keeps the batch no output has read yet") {
  // window(4 s, 2 s) over the mapped lines and a running count read every 2 s:
  // at the checkpoint of 3000 nothing has read batch 3000 yet. The restart,
  // whose log gives back nothing of batches up to 3000, must still count it.
  const std::string dir = freshDir("between-slides");
  auto windows = std::make_shared<Outputs>();
  const auto extra = [windows](rill::StreamingContext& ssc) {
    auto lines = rill::DStream<std::string>(std::dynamic_pointer_cast<rill::DStreamNode<std::string>>(
        ssc.graph().inputs().front()));
    lines.map([](const std::string& l) { return l; })
        .window(rill::Seconds(4), rill::Seconds(2))
        .foreachRDD([windows](const auto& rdd, rill::Time t) {
          auto v = rdd.collect();
          std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return idOf(a) < idOf(b); });
          windows->batch(t.milliseconds(), std::move(v));
        });
    lines.map([](const std::string& l) { return std::pair<std::int64_t, std::int64_t>(idOf(l), 1); })
        .updateStateByKey([](const std::vector<std::int64_t>& v, std::optional<std::int64_t> s) {
          return std::optional<std::int64_t>(s.value_or(0) + static_cast<std::int64_t>(v.size()));
        })
        .window(rill::Seconds(2), rill::Seconds(2))
        .foreachRDD([windows](const auto& rdd, rill::Time t) {
          std::map<std::int64_t, std::int64_t> last;  // the window holds two states: keep the newer counts
          for (const auto& [id, n] : rdd.collect()) last[id] = std::max(last[id], n);
          windows->state(t.milliseconds(), {last.begin(), last.end()});
        });
  };
  {
    Program p(conf(true), dir, extra);
    p.store(1, 3);
    p.advance(1s);
    p.store(3, 5);
    p.advance(1s);
    p.store(5, 7);
    p.advance(1s);  // batch 3000 and its checkpoint
  }
  Program p(conf(true), dir, extra);
  REQUIRE(p.restored == rill::Time(3000));
  p.store(7, 9);
  p.advance(1s);
  CHECK(rill::toString(windows->batches().at(4000)) == rill::toString(linesOf(1, 9)));
  CHECK(rill::toString(windows->state()) == rill::toString(once(1, 9)));
}
