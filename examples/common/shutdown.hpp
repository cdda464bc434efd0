#pragma once
// Stopping a streaming program cleanly on Ctrl-C (SIGINT) or SIGTERM: the
// signal only sets a flag; the main thread sees it and calls
// ssc.stop(true, true), a graceful stop, so every record already received is
// processed and output before the program exits (what Spark's
// spark.streaming.stopGracefullyOnShutdown does). Nothing else is safe to do
// inside a signal handler.
#include <rill/stream/streaming_context.hpp>

#include <chrono>
#include <csignal>

namespace examples {

namespace detail {
inline volatile std::sig_atomic_t stopSignal = 0;
extern "C" inline void onStopSignal(int sig) { stopSignal = sig; }
}  // namespace detail

/// Routes SIGINT and SIGTERM to stopRequested(); call before the context starts.
inline void installStopSignals() {
  std::signal(SIGINT, detail::onStopSignal);
  std::signal(SIGTERM, detail::onStopSignal);
}

/// True once SIGINT or SIGTERM arrived.
inline bool stopRequested() { return detail::stopSignal != 0; }

/// ssc.awaitTermination(), except that a stop signal first stops the context
/// gracefully. Rethrows the first exception a batch raised.
inline void awaitTerminationOrSignal(rill::StreamingContext& ssc) {
  while (!stopRequested() && !ssc.awaitTerminationOrTimeout(std::chrono::milliseconds(100))) {
  }
  ssc.stop(true, true);
  ssc.awaitTermination();
}

}  // namespace examples
