#pragma once
// Helpers for the tests that talk TCP on 127.0.0.1: a port that refuses
// connections and stays ours, a peer that resets instead of closing, and
// knowing that bytes sent have reached the other end.
#include <doctest/doctest.h>

#include <rill/io/socket.hpp>

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace rill_socket_test {

/// A port on 127.0.0.1 that refuses connections, held for as long as this
/// lives: a socket is bound to it and does not listen. A port found by opening
/// and closing a listener could be taken by another test meanwhile; this one
/// cannot, as the kernel never hands a bound port to a bind to port 0. Both
/// sides set SO_REUSEADDR, so a TcpListener may still be opened on it explicitly.
class RefusedPort {
 public:
  RefusedPort() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    const int on = 1;
    REQUIRE(::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  RefusedPort(const RefusedPort&) = delete;
  RefusedPort& operator=(const RefusedPort&) = delete;
  ~RefusedPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

/// Closes with a TCP reset instead of an orderly shutdown, as a crashed peer would.
inline void resetConnection(rill::io::TcpConnection& conn) {
  const linger hard{1, 0};
  REQUIRE(::setsockopt(conn.fd(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard) == 0);
  conn.close();
}

/// Waits (up to `timeout`) until the peer's TCP stack has acknowledged every
/// byte sent on conn: they are then in the peer's socket, where a receiver that
/// is stopping still reads them. The kernel offers no notification for this,
/// so it polls SIOCOUTQ.
inline bool awaitAcknowledged(const rill::io::TcpConnection& conn, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int unacked = 0;
    REQUIRE(::ioctl(conn.fd(), SIOCOUTQ, &unacked) == 0);
    if (unacked == 0) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace rill_socket_test
