#pragma once
// socketTextStream's receiver: connects to host:port and stores every line it
// reads (what `nc -lk 9999` sends), as Spark's SocketReceiver. A refused or
// dropped connection, or the end of the stream, restarts the receiver (which
// reconnects after the restart delay); lines received before are kept. Lines
// longer than rill.streaming.maxLineLength are dropped, counted and reported.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/io/line_framer.hpp>
#include <rill/io/socket.hpp>
#include <rill/stream/receiver.hpp>
#include <rill/stream/receiver_settings.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill {

class SocketReceiver final : public Receiver<std::string> {
 public:
  /// Throws std::invalid_argument for an empty host (it never resolves, so the
  /// receiver would retry forever) and for a port outside 1..65535 (a wider int
  /// would otherwise be cut to 16 bits and connect somewhere else).
  SocketReceiver(std::string host, int port, const ReceiverSettings& settings);

  RILL_RUNTIME void onStart() override;
  void onStop() override {}  // receive() sees isStopped() within one poll interval and returns
  std::string name() const override { return "SocketReceiver"; }

  /// Lines dropped so far for exceeding the maximum line length.
  std::size_t overlongLines() const { return overlong_.load(); }

 private:
  // How often a waiting read looks at isStopped(): bounds how long ssc.stop() takes.
  static constexpr std::chrono::milliseconds kPoll{50};
  static constexpr std::size_t kReadSize = 64 * 1024;

  static std::string checkedHost(std::string host);
  static int checkedPort(int port);

  std::string endpoint() const { return host_ + ":" + std::to_string(port_); }

  void receive();

  void storeLines(std::vector<std::string>& lines);

  void reportOverlong(const io::LineFramer& framer, std::size_t& reported);

  std::string host_;
  int port_;
  std::size_t maxLineLength_;
  std::chrono::milliseconds connectTimeout_;
  std::atomic<std::size_t> overlong_{0};
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME SocketReceiver::SocketReceiver(std::string host, int port, const ReceiverSettings& settings)
    : host_(checkedHost(std::move(host))),
      port_(checkedPort(port)),
      maxLineLength_(settings.maxLineLength),
      connectTimeout_(settings.connectTimeout) {}

RILL_RUNTIME void SocketReceiver::onStart() {
  spawn([this] { receive(); });
}

RILL_RUNTIME std::string SocketReceiver::checkedHost(std::string host) {
  if (host.empty()) throw std::invalid_argument("rill: socketTextStream needs a host name or address, got an empty one");
  return host;
}

RILL_RUNTIME int SocketReceiver::checkedPort(int port) {
  if (port < 1 || port > 65535)
    throw std::invalid_argument("rill: socketTextStream: port must be in 1..65535, got " + std::to_string(port));
  return port;
}

RILL_RUNTIME void SocketReceiver::receive() {
  io::TcpConnection conn;
  try {
    conn = io::TcpConnection::connect(host_, port_, connectTimeout_);
  } catch (const IoError& e) {
    restart(e.what());
    return;
  }
  io::LineFramer framer(maxLineLength_);
  std::vector<std::string> lines;
  auto collect = [&lines](std::string_view line) { lines.emplace_back(line); };
  std::vector<char> buf(kReadSize);
  std::size_t reported = 0;
  // Once stopping: the bytes that had arrived when the stop came. Only those
  // are still read (a graceful stop loses nothing the peer has delivered, and
  // ends although a peer that never pauses sends on), and the end of the
  // stream if it came after them; a partial line is dropped.
  std::optional<std::size_t> leftToRead;
  try {
    for (;;) {
      if (!leftToRead && isStopped()) leftToRead = conn.available();
      if (leftToRead && *leftToRead == 0 && !conn.atEnd()) return;
      const std::size_t want = leftToRead && *leftToRead > 0 ? std::min(buf.size(), *leftToRead) : buf.size();
      const auto n = conn.readSome(buf.data(), want, leftToRead ? std::chrono::milliseconds(0) : kPoll);
      if (n < 0) {
        if (leftToRead) return;
        continue;
      }
      if (leftToRead) *leftToRead -= std::min(*leftToRead, static_cast<std::size_t>(n));
      if (n == 0) {
        framer.finish(collect);
        storeLines(lines);
        if (!isStopped()) restart("rill: socketTextStream " + endpoint() + ": the peer closed the connection");
        return;
      }
      framer.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)), collect);
      storeLines(lines);
      reportOverlong(framer, reported);
    }
  } catch (const IoError& e) {
    storeLines(lines);
    restart("rill: socketTextStream " + endpoint() + ": connection lost: " + e.what());
  }
}

RILL_RUNTIME void SocketReceiver::storeLines(std::vector<std::string>& lines) {
  if (lines.empty()) return;
  store(std::move(lines));
  lines.clear();
}

RILL_RUNTIME void SocketReceiver::reportOverlong(const io::LineFramer& framer, std::size_t& reported) {
  const std::size_t now = framer.overlongLines();
  if (now == reported) return;
  const std::size_t fresh = now - reported;
  overlong_ += fresh;
  reported = now;
  reportError("rill: socketTextStream " + endpoint() + ": dropped " + std::to_string(fresh) +
              (fresh == 1 ? " line" : " lines") + " longer than " + std::to_string(maxLineLength_) +
              " bytes (rill.streaming.maxLineLength); " + std::to_string(overlong_.load()) + " dropped so far");
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
