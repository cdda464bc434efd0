// Reliability of socketTextStream against a real TCP peer on 127.0.0.1:
// a graceful stop on the system clock counts every line sent, in order; a
// non-graceful stop drops what was received but not yet cut into a batch;
// and a misbehaving peer (a reset mid-line, invalid UTF-8, a 10 MB line,
// binary garbage) costs exactly the records it should, no crash, no
// unbounded memory.
#include "line_reference.hpp"
#include "socket_test_support.hpp"
#include "stream_test_support.hpp"

#include <rill/io/socket.hpp>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace rill_stream_test;
using rill_socket_test::awaitAcknowledged;
using rill_socket_test::resetConnection;
using Lines = std::vector<std::string>;

namespace {

/// A started context on a ManualClock reading 127.0.0.1:port.
InputCase<std::string> socketCase(rill::SparkConf c, int port) {
  return InputCase<std::string>(std::move(c),
                                [&](rill::StreamingContext& ssc) { return ssc.socketTextStream("127.0.0.1", port); });
}

rill::SparkConf quickRestarts() { return conf().set("spark.streaming.receiverRestartDelay", "10"); }

/// Every line of every batch, in batch order.
Lines concatenated(const Batches<std::string>& batches) {
  Lines all;
  for (auto& b : batches.values()) all.insert(all.end(), b.begin(), b.end());
  return all;
}

#if defined(__SANITIZE_THREAD__)
constexpr long kShadowFactor = 4;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr long kShadowFactor = 4;
#else
constexpr long kShadowFactor = 1;
#endif
#else
constexpr long kShadowFactor = 1;
#endif

/// The process's peak resident set in KiB (VmHWM), -1 if unknown.
long peakRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = -1;
  while (status >> key) {
    if (key == "VmHWM:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 12, '\n');
  }
  return -1;
}

/// Resets VmHWM to the current RSS (Linux >= 4.0); false if not allowed.
bool resetPeakRss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

}  // namespace

TEST_CASE("a graceful stop on the system clock counts every line the peer sent, in order") {
  rill::io::TcpListener server;
  rill::SparkContext sc(conf());
  rill::StreamingContext ssc(sc, 20ms);  // system clock: batches run while lines arrive
  auto lines = ssc.socketTextStream("127.0.0.1", server.port());
  auto counted = std::make_shared<std::atomic<std::int64_t>>(0);
  lines.foreachRDD([counted](const auto& rdd) { *counted += static_cast<std::int64_t>(rdd.count()); });
  auto out = collectBatches(lines);
  ssc.start();
  auto conn = server.accept(kSafety);
  const int n = 100'000;  // ~1.3 MB: more than the socket buffers hold, so batches cut it mid-stream
  std::string text;
  Lines expected;
  for (int i = 0; i < n; ++i) {
    expected.push_back("record " + std::to_string(i));
    text += expected.back() + "\n";
  }
  conn.sendAll(text);
  REQUIRE(awaitAcknowledged(conn, kSafety));
  ssc.stop(false, true);  // the connection stays open, as with `nc -lk`
  CHECK(counted->load() == n);
  CHECK(concatenated(*out) == expected);
}

TEST_CASE("a non-graceful stop drops the records received but not yet cut into a batch") {
  rill::io::TcpListener server;
  auto c = socketCase(conf(), server.port());
  auto conn = server.accept(kSafety);
  conn.sendAll("one\ntwo\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 2, kSafety));
  c.m.clock->advance(1s);
  conn.sendAll("three\nfour\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 2, kSafety));
  c.m.ssc.stop(false);  // not graceful: batch 2000 never runs
  CHECK(c.out->values() == std::vector<Lines>{{"one", "two"}});
  CHECK(c.events->completed().size() == 1);
}

TEST_CASE("a peer that resets the connection mid-line: complete lines kept, the partial line lost, reconnected") {
  rill::io::TcpListener server;
  auto c = socketCase(quickRestarts(), server.port());
  auto conn = server.accept(kSafety);
  conn.sendAll("one\ntwo\nthr");
  REQUIRE(rill::detail::awaitBuffered(c.input, 2, kSafety));
  resetConnection(conn);
  auto again = server.accept(kSafety);  // the receiver reconnects after its restart delay
  again.sendAll("four\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 3, kSafety));
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<Lines>{{"one", "two", "four"}});
  const auto errors = c.events->receiverErrors();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].lastErrorMessage.find("connection lost") != std::string::npos);
}

TEST_CASE("invalid UTF-8 passes through byte for byte") {
  rill::io::TcpListener server;
  auto c = socketCase(conf(), server.port());
  auto conn = server.accept(kSafety);
  const Lines sent{"caf\xc3", "\xff\xfe\xfd", "\xed\xa0\x80 surrogate", "\xc0\xaf overlong", std::string("nul\0byte", 8),
                   "ok"};
  std::string text;
  for (const auto& l : sent) text += l + "\n";
  conn.sendAll(text);
  REQUIRE(rill::detail::awaitBuffered(c.input, sent.size(), kSafety));
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<Lines>{sent});
  CHECK(c.events->receiverErrors().empty());
}

TEST_CASE("a 10 MB line is dropped and reported; the receiver's memory stays within the line limit") {
  rill::io::TcpListener server;
  auto c = socketCase(conf(), server.port());  // default rill.streaming.maxLineLength: 1 MiB
  auto conn = server.accept(kSafety);
  conn.sendAll("before\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 1, kSafety));
  const bool measured = resetPeakRss();
  const long before = peakRssKiB();
  const std::string chunk(64 * 1024, 'x');  // sent in pieces, so the test itself holds 64 KiB, not 10 MB
  for (int i = 0; i < 160; ++i) conn.sendAll(chunk);
  conn.sendAll("\nafter\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 2, kSafety));
  const long growthKiB = peakRssKiB() - before;
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<Lines>{{"before", "after"}});
  const auto errors = c.events->receiverErrors();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].lastErrorMessage.find("dropped 1 line longer than 1048576 bytes (rill.streaming.maxLineLength)") !=
        std::string::npos);
  CHECK(errors[0].active);  // reported, not restarted
  if (measured && before > 0) {
    MESSAGE("peak RSS growth while receiving the 10 MB line: " << growthKiB << " KiB");
    // Buffering the line would take >= 10 MiB (natively; TSan adds 4x shadow
    // memory to every byte, so its bound is scaled alike).
    CHECK(growthKiB < 6 * 1024 * kShadowFactor);
  }
}

TEST_CASE("binary garbage is split at its line ends like any text, exactly") {
  rill::io::TcpListener server;
  auto c = socketCase(conf(), server.port());
  auto conn = server.accept(kSafety);
  std::mt19937 random(6);
  std::string garbage(256 * 1024, '\0');
  for (auto& ch : garbage) ch = static_cast<char>(random() & 0xff);
  garbage += "\n";
  const Lines expected = rill_test::referenceLines(garbage);  // ended at '\n', "\r\n" and a lone '\r'
  conn.sendAll(garbage);
  REQUIRE(rill::detail::awaitBuffered(c.input, expected.size(), kSafety));
  c.m.clock->advance(1s);
  conn.sendAll("still alive\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 1, kSafety));
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<Lines>{expected, {"still alive"}});
  CHECK(c.events->receiverErrors().empty());
}
