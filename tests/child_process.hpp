#pragma once
// Waiting for a child process with a deadline, for the tests that run rill
// programs as children and kill them: a child that hangs is killed and fails
// the test with a message instead of hanging the test run. The wait is a
// poll() on a pidfd (Linux 5.3; glibc names no wrapper before 2.36, hence the
// syscall), so it neither sleeps nor polls waitpid().
#include <doctest/doctest.h>

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

namespace rill_test {

/// Longer than any test's child takes, short enough that a hung child fails the test.
inline constexpr std::chrono::seconds kChildTimeout{120};

/// Waits for child `pid` to end and returns its wait status. A child still
/// running after `timeout` is killed with SIGKILL and reaped, and the test fails.
inline int waitFor(pid_t pid, std::chrono::milliseconds timeout) {
  std::string problem;
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) {
    problem = std::string("pidfd_open failed: ") + std::strerror(errno);
  } else {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
      if (ready > 0) break;
      if (ready < 0 && errno == EINTR) continue;
      problem = ready == 0 ? "it did not end within " + std::to_string(timeout.count()) + " ms"
                           : std::string("poll failed: ") + std::strerror(errno);
      break;
    }
    ::close(fd);
  }
  if (!problem.empty()) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) REQUIRE(errno == EINTR);
  if (!problem.empty()) FAIL("child process " << pid << " killed: " << problem);
  return status;
}

}  // namespace rill_test
