#pragma once
// Minimal TCP over POSIX sockets: enough for a socketTextStream receiver and
// for tests/demos that play the server side (Spark users run `nc -lk 9999`).
//
// Sockets are non-blocking and every wait goes through poll() with a timeout,
// so a receiver thread can notice its stop flag between reads instead of
// hanging in recv() forever. Sends use MSG_NOSIGNAL so a vanished peer is an
// IoError rather than a process-killing SIGPIPE.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/io/system_error.hpp>
#include <rill/io/unique_fd.hpp>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace rill::io {

namespace detail {

// poll() on one descriptor; returns false on timeout. EINTR restarts the wait
// with the remaining time so a signal cannot stretch or cut short a deadline.
RILL_RUNTIME bool pollFor(int fd, short events, std::chrono::milliseconds timeout, const std::string& what);

inline std::string endpointName(const std::string& host, int port) {
  return host + ":" + std::to_string(port);
}

// "ip:port" of a connected socket's peer, used to name accepted connections.
RILL_RUNTIME std::string peerName(int fd);

}  // namespace detail

/// One connected TCP stream. Move-only; closes on destruction. readSome and
/// sendAll may run on different threads; shutdownBoth() may be called from any
/// thread to wake a reader, but close/destroy must not race with other calls.
class TcpConnection {
 public:
  TcpConnection() = default;
  TcpConnection(UniqueFd fd, std::string peer) : fd_(std::move(fd)), peer_(std::move(peer)) {}

  /// Connects to host:port, trying every address getaddrinfo returns, within
  /// `timeout` per address. Throws IoError naming host:port and the reason.
  static TcpConnection connect(const std::string& host, int port, std::chrono::milliseconds timeout);

  /// Waits up to pollTimeout for data. Returns the number of bytes read, 0 on
  /// orderly EOF, or -1 if nothing arrived in time (so the caller can check a
  /// stop flag and call again). Throws IoError on a reset or other failure.
  std::ptrdiff_t readSome(char* buf, std::size_t n, std::chrono::milliseconds pollTimeout);

  /// Sends every byte, waiting for buffer space as needed.
  void sendAll(std::string_view bytes);

  /// Bytes that have arrived and wait to be read (FIONREAD); throws IoError on failure.
  std::size_t available() const;
  /// True when the peer has closed its side and every byte it sent was read; never waits.
  bool atEnd() const;

  /// Shuts down both directions: the peer sees EOF and a local reader wakes
  /// with EOF. Errors (e.g. already disconnected) are ignored on purpose.
  void shutdownBoth() noexcept;

  void close() noexcept { fd_.reset(); }
  bool valid() const noexcept { return fd_.valid(); }
  int fd() const noexcept { return fd_.get(); }
  /// "host:port" as given to connect(), or the numeric peer of an accepted one.
  const std::string& peer() const noexcept { return peer_; }

 private:
  // Returns an invalid fd and sets lastError when this address fails.
  static UniqueFd tryConnect(const addrinfo& ai, std::chrono::milliseconds timeout, std::string& lastError);

  UniqueFd fd_;
  std::string peer_;
};

/// A TCP server socket on 127.0.0.1, for tests and demos. Port 0 (the
/// default) picks a free ephemeral port; port() reports it.
class TcpListener {
 public:
  explicit TcpListener(int port = 0);

  int port() const noexcept { return port_; }

  /// Waits up to `timeout` for a client; throws IoError on timeout or failure.
  TcpConnection accept(std::chrono::milliseconds timeout);

  void close() noexcept { fd_.reset(); }

 private:
  UniqueFd fd_;
  int port_ = 0;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME bool detail::pollFor(int fd, short events, std::chrono::milliseconds timeout, const std::string& what) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const auto ms = std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, INT_MAX);
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(ms));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) throwSystemError(what, errno);
  }
}

RILL_RUNTIME std::string detail::peerName(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "unknown peer";
  char host[NI_MAXHOST];
  char port[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "unknown peer";
  }
  return std::string(host) + ":" + port;
}

RILL_RUNTIME TcpConnection TcpConnection::connect(const std::string& host, int port,
                                                  std::chrono::milliseconds timeout) {
  const std::string name = detail::endpointName(host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    const std::string reason = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
    throw IoError("rill: cannot resolve host '" + host + "' to connect to " + name + ": " + reason);
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> list(found, ::freeaddrinfo);
  std::string lastError = "no addresses";
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd = tryConnect(*ai, timeout, lastError);
    if (fd.valid()) return TcpConnection(std::move(fd), name);
  }
  throw IoError("rill: cannot connect to " + name + ": " + lastError);
}

RILL_RUNTIME std::ptrdiff_t TcpConnection::readSome(char* buf, std::size_t n, std::chrono::milliseconds pollTimeout) {
  if (!detail::pollFor(fd_.get(), POLLIN, pollTimeout, "cannot wait for data from " + peer_)) {
    return -1;
  }
  for (;;) {
    const ssize_t got = ::recv(fd_.get(), buf, n, 0);
    if (got >= 0) return static_cast<std::ptrdiff_t>(got);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
    throwSystemError("cannot read from " + peer_, errno);
  }
}

RILL_RUNTIME void TcpConnection::sendAll(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // Blocking semantics: wait (in one-hour slices) until the peer drains.
      detail::pollFor(fd_.get(), POLLOUT, std::chrono::hours(1), "cannot send to " + peer_);
    } else if (errno != EINTR) {
      throwSystemError("cannot send to " + peer_, errno);
    }
  }
}

RILL_RUNTIME std::size_t TcpConnection::available() const {
  int queued = 0;
  if (::ioctl(fd_.get(), FIONREAD, &queued) != 0) throwSystemError("cannot query data from " + peer_, errno);
  return static_cast<std::size_t>(std::max(queued, 0));
}

RILL_RUNTIME bool TcpConnection::atEnd() const {
  char next = 0;
  return ::recv(fd_.get(), &next, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

RILL_RUNTIME void TcpConnection::shutdownBoth() noexcept {
  if (fd_.valid()) ::shutdown(fd_.get(), SHUT_RDWR);
}

RILL_RUNTIME UniqueFd TcpConnection::tryConnect(const addrinfo& ai, std::chrono::milliseconds timeout,
                                                std::string& lastError) {
  UniqueFd fd(::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol));
  if (!fd.valid()) {
    lastError = std::strerror(errno);
    return {};
  }
  if (::connect(fd.get(), ai.ai_addr, ai.ai_addrlen) == 0) return fd;
  if (errno != EINPROGRESS) {
    lastError = std::strerror(errno);
    return {};
  }
  if (!detail::pollFor(fd.get(), POLLOUT, timeout, "cannot connect")) {
    lastError = "timed out after " + std::to_string(timeout.count()) + " ms";
    return {};
  }
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) {
    lastError = std::strerror(err);
    return {};
  }
  return fd;
}

RILL_RUNTIME TcpListener::TcpListener(int port) {
  const std::string name = detail::endpointName("127.0.0.1", port);
  fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd_.valid()) throwSystemError("cannot create socket to listen on " + name, errno);
  // Lets a restarted demo rebind while old connections sit in TIME_WAIT.
  const int one = 1;
  if (::setsockopt(fd_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
    throwSystemError("cannot set SO_REUSEADDR on " + name, errno);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throwSystemError("cannot bind " + name, errno);
  }
  if (::listen(fd_.get(), SOMAXCONN) != 0) throwSystemError("cannot listen on " + name, errno);
  socklen_t len = sizeof addr;
  if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throwSystemError("cannot query port of " + name, errno);
  }
  port_ = ntohs(addr.sin_port);
}

RILL_RUNTIME TcpConnection TcpListener::accept(std::chrono::milliseconds timeout) {
  const std::string name = detail::endpointName("127.0.0.1", port_);
  for (;;) {
    if (!detail::pollFor(fd_.get(), POLLIN, timeout, "cannot wait for connections on " + name)) {
      throw IoError("rill: no connection on " + name + " within " + std::to_string(timeout.count()) + " ms");
    }
    UniqueFd conn(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (conn.valid()) {
      std::string peer = detail::peerName(conn.get());
      return TcpConnection(std::move(conn), std::move(peer));
    }
    // The client may have given up between poll and accept; wait again.
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED && errno != EINTR) {
      throwSystemError("cannot accept on " + name, errno);
    }
  }
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::io
