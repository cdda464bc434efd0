// socketTextStream against a real TCP server on 127.0.0.1: exact lines per
// batch, retries after a refused connection, records kept across a dropped
// connection, overlong lines reported, and a graceful stop that loses nothing
// yet ends while the peer goes on sending.
#include "finishes.hpp"
#include "socket_test_support.hpp"
#include "stream_test_support.hpp"

#include <rill/io/socket.hpp>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

using namespace rill_stream_test;
using rill_socket_test::awaitAcknowledged;
using rill_socket_test::RefusedPort;
using rill_socket_test::resetConnection;
using Lines = std::vector<std::string>;

namespace {

rill::SparkConf quickRestarts() { return conf().set("spark.streaming.receiverRestartDelay", "10"); }

std::string endpoint(int port) { return "127.0.0.1:" + std::to_string(port); }

/// A started context reading host:port.
InputCase<std::string> socketCase(rill::SparkConf c, const std::string& host, int port) {
  return InputCase<std::string>(std::move(c), [&](rill::StreamingContext& ssc) { return ssc.socketTextStream(host, port); });
}

}  // namespace

TEST_CASE("lines sent over TCP arrive in the batch being filled, exactly") {
  rill::io::TcpListener server;
  auto c = socketCase(conf(), "127.0.0.1", server.port());
  auto conn = server.accept(kSafety);
  conn.sendAll("hello world\nsecond\r\n\nthird\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 4, kSafety));
  c.m.clock->advance(1s);
  c.m.clock->advance(1s);
  conn.sendAll("4\n5");
  conn.sendAll("\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 2, kSafety));
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<Lines>{{"hello world", "second", "", "third"}, {}, {"4", "5"}});
}

TEST_CASE("a \\r ends a socket line at once, and a \\r\\n split across two reads is one terminator") {
  rill::io::TcpListener server;
  auto c = socketCase(conf(), "127.0.0.1", server.port());
  auto conn = server.accept(kSafety);
  conn.sendAll("one\rtwo\r");
  // "two" is stored, so the '\r' was the last byte of a read: the '\n' comes in the next one.
  REQUIRE(rill::detail::awaitBuffered(c.input, 2, kSafety));
  conn.sendAll("\nthree\r\r\nend\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 5, kSafety));
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<Lines>{{"one", "two", "three", "", "end"}});
}

TEST_CASE("a refused connection is reported and retried until the server appears") {
  const RefusedPort refused;
  const int port = refused.port();
  auto c = socketCase(quickRestarts(), "127.0.0.1", port);
  REQUIRE(c.events->waitUntil([](const Recorder& r) { return r.receiverErrors().size() >= 2; }));
  const auto first = c.events->receiverErrors()[0];
  CHECK(first.name == "SocketReceiver-0");
  CHECK(first.lastErrorMessage == "rill: cannot connect to " + endpoint(port) + ": Connection refused");

  rill::io::TcpListener server(port);
  auto conn = server.accept(kSafety);
  conn.sendAll("a\nb\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 2, kSafety));
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<Lines>{{"a", "b"}});
}

TEST_CASE("stop() does not wait out a receiver's restart delay") {
  const RefusedPort refused;
  // A 1000 s restart delay: were stop() to wait for it, finishes() would end the test with a message.
  auto c = socketCase(conf().set("spark.streaming.receiverRestartDelay", "1000000"), "127.0.0.1", refused.port());
  REQUIRE(c.events->waitUntil([](const Recorder& r) { return r.receiverErrors().size() == 1; }));
  rill_test::finishes("stop() during a receiver's restart delay", [&] { c.m.ssc.stop(false); });
  CHECK(c.events->receiverStopped().size() == 1);
}

TEST_CASE("records received before the peer disconnects are kept, and the receiver reconnects") {
  rill::io::TcpListener server;
  auto c = socketCase(quickRestarts(), "localhost", server.port());
  {
    auto conn = server.accept(kSafety);
    conn.sendAll("a\nb\nunterminated");
  }  // closed: the receiver sees the end of the stream
  REQUIRE(c.events->waitUntil([](const Recorder& r) { return r.receiverErrors().size() == 1; }));
  CHECK(c.events->receiverErrors()[0].lastErrorMessage ==
        "rill: socketTextStream localhost:" + std::to_string(server.port()) + ": the peer closed the connection");
  REQUIRE(rill::detail::awaitBuffered(c.input, 3, kSafety));
  c.m.clock->advance(1s);

  auto again = server.accept(kSafety);
  again.sendAll("c\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 1, kSafety));
  resetConnection(again);
  REQUIRE(c.events->waitUntil([](const Recorder& r) { return r.receiverErrors().size() == 2; }));
  CHECK(c.events->receiverErrors()[1].lastErrorMessage ==
        "rill: socketTextStream localhost:" + std::to_string(server.port()) +
            ": connection lost: rill: cannot read from localhost:" + std::to_string(server.port()) +
            ": Connection reset by peer");
  auto third = server.accept(kSafety);
  third.sendAll("d\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 2, kSafety));
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<Lines>{{"a", "b", "unterminated"}, {"c", "d"}});
  CHECK(c.events->receiverStarted().size() == 3);
}

TEST_CASE("lines over rill.streaming.maxLineLength are dropped and reported, never buffered") {
  rill::io::TcpListener server;
  auto c = socketCase(conf().set("rill.streaming.maxLineLength", "8"), "127.0.0.1", server.port());
  auto conn = server.accept(kSafety);
  conn.sendAll("short\n0123456789abc\n12345678\n");
  REQUIRE(c.events->waitUntil([](const Recorder& r) { return r.receiverErrors().size() == 1; }));
  conn.sendAll(std::string(1 << 20, 'x'));  // a megabyte with no newline yet
  conn.sendAll("\nok\n");
  REQUIRE(rill::detail::awaitBuffered(c.input, 3, kSafety));
  REQUIRE(c.events->waitUntil([](const Recorder& r) { return r.receiverErrors().size() == 2; }));
  c.m.clock->advance(1s);
  c.m.ssc.stop(false);
  CHECK(c.out->values() == std::vector<Lines>{{"short", "12345678", "ok"}});
  const auto errors = c.events->receiverErrors();
  const std::string prefix = "rill: socketTextStream 127.0.0.1:" + std::to_string(server.port()) + ": dropped 1 line ";
  CHECK(errors[0].lastErrorMessage == prefix + "longer than 8 bytes (rill.streaming.maxLineLength); 1 dropped so far");
  CHECK(errors[1].lastErrorMessage == prefix + "longer than 8 bytes (rill.streaming.maxLineLength); 2 dropped so far");
  CHECK(errors[1].active);  // reported, not restarted
}

TEST_CASE("a graceful stop counts every line the server sent") {
  rill::io::TcpListener server;
  auto c = socketCase(conf(), "127.0.0.1", server.port());
  auto conn = server.accept(kSafety);
  std::string text;
  const int n = 1000;
  for (int i = 0; i < n; ++i) text += "line " + std::to_string(i) + "\n";
  conn.sendAll(text);
  REQUIRE(awaitAcknowledged(conn, kSafety));  // all of it is in the receiver's socket, where a stop still reads it
  c.m.ssc.stop(false, true);
  std::int64_t total = 0;
  for (const auto& b : c.events->completed()) total += b.numRecords;
  CHECK(total == n);
}

namespace {

// A peer that never pauses: every time the receiver reports the overlong lines
// of a chunk it read (on its own thread), the next chunk is already sent, so
// there is always more to read. Counts the reports made once the receiver was
// stopping (ReceiverInfo.active false), sending on for up to 1000 of them.
class EndlessPeer final : public rill::StreamingListener {
 public:
  static constexpr std::string_view kChunk = "0123456789\n0123456789\n";  // two lines over a limit of 8

  void onReceiverError(const rill::ReceiverInfo& r) override {
    std::lock_guard lock(mutex_);
    ++reports_;
    if (!r.active) ++afterStop_;
    if (afterStop_ < 1000) conn_.load()->sendAll(kChunk);
    changed_.notify_all();
  }
  void start(rill::io::TcpConnection& conn) {
    conn_ = &conn;
    conn.sendAll(kChunk);
  }
  bool awaitReports(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kSafety, [&] { return reports_ >= n; });
  }
  int afterStop() {
    std::lock_guard lock(mutex_);
    return afterStop_;
  }

 private:
  std::atomic<rill::io::TcpConnection*> conn_{nullptr};
  std::mutex mutex_;
  std::condition_variable changed_;
  int reports_ = 0;    // guarded by mutex_
  int afterStop_ = 0;  // guarded by mutex_
};

}  // namespace

TEST_CASE("a stop reads what had arrived when it came, not what a peer that never pauses sends after it") {
  rill::io::TcpListener server;
  rill::io::TcpConnection conn;  // outlives the context, which the peer's listener sends from
  ManualContext m(conf().set("rill.streaming.maxLineLength", "8"));
  auto peer = std::make_shared<EndlessPeer>();
  m.ssc.addStreamingListener(peer);
  auto out = collectBatches(m.ssc.socketTextStream("127.0.0.1", server.port()));
  m.ssc.start();
  conn = server.accept(kSafety);
  peer->start(conn);
  REQUIRE(peer->awaitReports(3));
  rill_test::finishes("ssc.stop", [&] { m.ssc.stop(false); });
  // At most the chunk that was there when the stop came, and one sent while it was reported.
  CHECK(peer->afterStop() <= 2);
}

TEST_CASE("a port outside 1..65535 is refused when the stream is defined") {
  ManualContext m;
  for (const int port : {0, -1, 65536, 70000}) {  // 70000 would wrap to 4464 in 16 bits
    CAPTURE(port);
    CHECK_THROWS_WITH_AS(m.ssc.socketTextStream("127.0.0.1", port),
                         ("rill: socketTextStream: port must be in 1..65535, got " + std::to_string(port)).c_str(),
                         std::invalid_argument);
  }
  CHECK(m.ssc.graph().inputs().empty());
  CHECK_NOTHROW(m.ssc.socketTextStream("127.0.0.1", 65535));
}

TEST_CASE("an empty host is refused when the stream is defined, instead of a receiver retrying it forever") {
  ManualContext m;
  CHECK_THROWS_WITH_AS(m.ssc.socketTextStream("", 9999),
                       "rill: socketTextStream needs a host name or address, got an empty one", std::invalid_argument);
  CHECK(m.ssc.graph().inputs().empty());
}
