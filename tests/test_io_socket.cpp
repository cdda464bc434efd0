// Tests for rill::io TCP: a loopback server thread sends lines, the client
// frames them exactly; refused connections and timeouts give precise errors.
#include <doctest/doctest.h>
#include <rill/io/line_framer.hpp>
#include <rill/io/socket.hpp>

#include "socket_test_support.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using rill::io::TcpConnection;
using rill::io::TcpListener;
using Lines = std::vector<std::string>;

// Reads until EOF, framing lines; the deadline only guards against a hang.
Lines readLinesUntilEof(TcpConnection& conn) {
  rill::io::LineFramer framer;
  Lines out;
  auto collect = [&](std::string_view line) { out.emplace_back(line); };
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  for (;;) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    const auto n = conn.readSome(buf, sizeof buf, 100ms);
    if (n == 0) break;
    if (n > 0) framer.feed(std::string_view(buf, static_cast<std::size_t>(n)), collect);
  }
  framer.finish(collect);
  return out;
}

}  // namespace

TEST_CASE("lines sent by a loopback server arrive exactly") {
  TcpListener listener;
  REQUIRE(listener.port() > 0);
  Lines expected{"hello world", "", "crlf line", "unterminated"};
  std::string big(300000, 'b');  // forces partial sends and reads
  expected.insert(expected.begin() + 2, big);

  std::string serverError;
  std::thread server([&] {
    try {
      TcpConnection conn = listener.accept(20s);
      conn.sendAll("hello world\n\n");
      conn.sendAll(big + "\ncrlf li");
      conn.sendAll("ne\r\nunterminated");
      conn.shutdownBoth();
    } catch (const std::exception& e) {
      serverError = e.what();
    }
  });
  TcpConnection client = TcpConnection::connect("127.0.0.1", listener.port(), 5s);
  CHECK(client.peer() == "127.0.0.1:" + std::to_string(listener.port()));
  const Lines got = readLinesUntilEof(client);
  server.join();
  CHECK(serverError.empty());
  CHECK(got == expected);
}

TEST_CASE("readSome returns -1 while the peer is silent, then the data") {
  TcpListener listener;
  TcpConnection client = TcpConnection::connect("localhost", listener.port(), 5s);
  TcpConnection server = listener.accept(5s);
  char buf[16];
  CHECK(client.readSome(buf, sizeof buf, 10ms) == -1);
  server.sendAll("ping\n");
  std::ptrdiff_t n = -1;
  for (int i = 0; i < 200 && n == -1; ++i) n = client.readSome(buf, sizeof buf, 100ms);
  REQUIRE(n == 5);
  CHECK(std::string(buf, 5) == "ping\n");
  server.close();
  for (int i = 0; i < 200 && n != 0; ++i) n = client.readSome(buf, sizeof buf, 100ms);
  CHECK(n == 0);
}

TEST_CASE("shutdownBoth from another thread wakes a polling reader with EOF") {
  TcpListener listener;
  TcpConnection client = TcpConnection::connect("127.0.0.1", listener.port(), 5s);
  TcpConnection server = listener.accept(5s);
  std::thread stopper([&] { client.shutdownBoth(); });
  char buf[16];
  std::ptrdiff_t n = -1;
  for (int i = 0; i < 200 && n == -1; ++i) n = client.readSome(buf, sizeof buf, 100ms);
  stopper.join();
  CHECK(n == 0);
}

TEST_CASE("connecting to a closed port is refused with host and port in the message") {
  const rill_socket_test::RefusedPort refused;
  const int port = refused.port();
  const std::string expected =
      "rill: cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused";
  CHECK_THROWS_WITH_AS(TcpConnection::connect("127.0.0.1", port, 2s), expected.c_str(),
                       rill::IoError);
}

TEST_CASE("an unknown host and an accept timeout give precise errors") {
  try {
    TcpConnection::connect("no-such-host.invalid", 9999, 2s);
    FAIL("expected IoError");
  } catch (const rill::IoError& e) {
    const std::string what = e.what();
    CHECK(what.find("no-such-host.invalid") != std::string::npos);
    CHECK(what.find("9999") != std::string::npos);
  }
  TcpListener listener;
  const std::string expected =
      "rill: no connection on 127.0.0.1:" + std::to_string(listener.port()) + " within 1 ms";
  CHECK_THROWS_WITH_AS(listener.accept(1ms), expected.c_str(), rill::IoError);
}

TEST_CASE("sending to a peer that went away raises IoError, not SIGPIPE") {
  TcpListener listener;
  TcpConnection client = TcpConnection::connect("127.0.0.1", listener.port(), 5s);
  {
    TcpConnection server = listener.accept(5s);
  }  // server closes its end
  const std::string chunk(64 * 1024, 's');
  bool threw = false;
  try {
    for (int i = 0; i < 1000; ++i) client.sendAll(chunk);
  } catch (const rill::IoError& e) {
    threw = true;
    CHECK(std::string(e.what()).find("cannot send to 127.0.0.1:") != std::string::npos);
  }
  CHECK(threw);
}
