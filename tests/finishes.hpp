#pragma once
// finishes(what, body): runs a call that could hang (a deadlock, a stop that
// waits for something that never comes) under a time limit, so that a broken
// rill fails the test with a message instead of running into CTest's timeout.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>

namespace rill_test {

/// Runs `body` on a thread of its own and waits for it at most `limit`; rethrows
/// what it threw. A body that hangs cannot be stopped or joined (and what it
/// uses cannot be destroyed), so a timeout ends the test program with a message.
template <class Body>
void finishes(const char* what, Body body, std::chrono::seconds limit = std::chrono::seconds(60)) {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;  // guarded by m
  std::exception_ptr error;
  std::thread runner([&] {
    try {
      body();
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(m);
    done = true;
    cv.notify_all();
  });
  bool finished = false;
  {
    std::unique_lock lock(m);
    finished = cv.wait_for(lock, limit, [&] { return done; });
  }
  if (!finished) {
    std::fprintf(stderr, "%s did not return within %llds; it cannot be stopped, so the test program ends here\n", what,
                 static_cast<long long>(limit.count()));
    std::_Exit(EXIT_FAILURE);
  }
  runner.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace rill_test
