#pragma once
// SIGINT and SIGTERM as a request to stop (Spark's
// spark.streaming.stopGracefullyOnShutdown): while a hook is registered, the
// signal handler only writes the signal number to a pipe, the one thing a
// handler may safely do; a watcher thread reads it and runs the hooks. The
// handlers that were installed before come back when the last hook goes.
#include <rill/core/runtime.hpp>
#include <rill/exec/start_thread.hpp>

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include <signal.h>

namespace rill::detail {

// Written by the signal handler: a lock-free atomic is safe to read there.
inline std::atomic<int> shutdownSignalPipe{-1};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" RILL_RUNTIME void rillOnShutdownSignal(int sig);

class ShutdownSignals {
 public:
  using Hook = std::function<void()>;

  /// Runs `hook` on the watcher thread when SIGINT or SIGTERM arrives, until
  /// remove(id). The first hook installs the handlers.
  static std::uint64_t add(Hook hook) { return instance().addHook(std::move(hook)); }

  /// Unregisters a hook; once it returns, the hook is not running and will not
  /// run (unless called from the hook itself). The last one restores the
  /// handlers that were there before.
  static void remove(std::uint64_t id) { instance().removeHook(id); }

 private:
  static constexpr int kSignals[] = {SIGINT, SIGTERM};
  static constexpr std::size_t kCount = 2;

  // Never destroyed: the watcher thread may run while statics are destroyed at exit.
  static ShutdownSignals& instance();

  std::uint64_t addHook(Hook hook);
  void removeHook(std::uint64_t id);

  // One watcher per process, started with the first hook and kept: it sleeps
  // in read() while no signal comes. A child made by fork() has no threads but
  // the forking one, so it starts its own.
  void startWatcher();

  void watch(int in);
  void runHooks();  // those registered when the signal was read, in order

  std::mutex mutex_;
  std::condition_variable idle_;
  std::map<std::uint64_t, Hook> hooks_;
  std::uint64_t lastId_ = 0;
  std::uint64_t running_ = 0;  // the hook the watcher is running, 0 for none
  struct sigaction previous_[kCount] {};
  pid_t watcherPid_ = 0;
  std::thread::id watcherThread_;
};

#if RILL_RUNTIME_BODIES

extern "C" RILL_RUNTIME void rillOnShutdownSignal(int sig) {
  const int savedErrno = errno;
  const unsigned char byte = static_cast<unsigned char>(sig);
  const int fd = shutdownSignalPipe.load();
  if (fd >= 0) {
    [[maybe_unused]] const auto written = ::write(fd, &byte, 1);  // a full pipe already holds a request
  }
  errno = savedErrno;
}

RILL_RUNTIME ShutdownSignals& ShutdownSignals::instance() {
  static ShutdownSignals* const signals = new ShutdownSignals;
  return *signals;
}

RILL_RUNTIME std::uint64_t ShutdownSignals::addHook(Hook hook) {
  std::lock_guard lock(mutex_);
  startWatcher();
  if (hooks_.empty()) {
    struct sigaction action {};
    action.sa_handler = rillOnShutdownSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (std::size_t i = 0; i < kCount; ++i) ::sigaction(kSignals[i], &action, &previous_[i]);
  }
  hooks_.emplace(++lastId_, std::move(hook));
  return lastId_;
}

RILL_RUNTIME void ShutdownSignals::removeHook(std::uint64_t id) {
  std::unique_lock lock(mutex_);
  if (hooks_.erase(id) == 0) return;
  if (hooks_.empty())
    for (std::size_t i = 0; i < kCount; ++i) ::sigaction(kSignals[i], &previous_[i], nullptr);
  if (std::this_thread::get_id() != watcherThread_) idle_.wait(lock, [&] { return running_ != id; });
}

RILL_RUNTIME void ShutdownSignals::startWatcher() {
  if (watcherPid_ == ::getpid()) return;
  int fds[2];
  if (::pipe(fds) != 0) return;  // then the signals keep their previous effect
  shutdownSignalPipe = fds[1];
  watcherPid_ = ::getpid();
  std::thread watcher = exec::startThread([this, in = fds[0]] { watch(in); });
  watcherThread_ = watcher.get_id();
  watcher.detach();
}

RILL_RUNTIME void ShutdownSignals::watch(int in) {
  for (;;) {
    unsigned char byte = 0;
    const auto n = ::read(in, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    runHooks();
  }
}

RILL_RUNTIME void ShutdownSignals::runHooks() {
  std::unique_lock lock(mutex_);
  // A hook added after the signal came (a context started while another one
  // stops) was not asked to stop.
  const std::uint64_t newest = lastId_;
  for (std::uint64_t next = 0;;) {
    auto it = hooks_.upper_bound(next);
    if (it == hooks_.end() || it->first > newest) return;
    next = it->first;
    Hook hook = it->second;
    running_ = next;
    lock.unlock();
    try {
      hook();
    } catch (...) {  // a stop that failed must not end the watcher (nor the process)
    }
    lock.lock();
    running_ = 0;
    idle_.notify_all();
  }
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
