#pragma once
// Receiver<T>: a user-written source of records (Spark's Receiver). Subclass it,
// implement onStart() (set up and begin receiving, usually on a thread made
// with spawn(); it should not block for long) and onStop() (release what
// onStart set up), and call store() with what arrives. Feed it to
// ssc.receiverStream(receiver); every batch takes what was stored since the last.
//
// store() blocks while the receiver's buffer is full or its rate limit is
// reached. restart(reason) makes the supervisor call onStop(), report the
// reason to the listeners (onReceiverError), wait the restart delay and call
// onStart() again; an exception from onStart() or from a spawn()ed thread
// does the same. stop(reason) ends the receiver for good (the context runs on).
// Receiving loops poll isStopped(), which turns true as soon as a restart or a
// stop is requested.
#include <rill/core/errors.hpp>
#include <rill/stream/receiver_supervisor.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace rill {

template <class T>
class Receiver {
 public:
  using record_type = T;

  Receiver() = default;
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;
  virtual ~Receiver() = default;

  virtual void onStart() = 0;
  virtual void onStop() = 0;
  /// Names the receiver in listener events ("<name>-<streamId>").
  virtual std::string name() const { return "Receiver"; }

  /// Stores one record for the next batch; blocks while the buffer is full or
  /// the rate limit is reached.
  void store(T record) { control().store(std::move(record)); }
  /// Stores records in order (cheaper than one at a time: one lock per call).
  void store(std::vector<T> records) { control().storeAll(std::move(records)); }
  /// Asks the supervisor to stop and start this receiver again, after the restart delay.
  void restart(const std::string& reason) { control().requestRestart(reason); }
  /// Stops this receiver for good.
  void stop(const std::string& reason) { control().requestStop(reason); }
  /// True once a restart or a stop was requested, and before the receiver runs.
  bool isStopped() const {
    auto* s = supervisor_.load();
    return s == nullptr || s->isStopped();
  }
  /// Reports a problem to the listeners (onReceiverError) without restarting.
  void reportError(const std::string& message) { control().reportError(message); }
  int streamId() const { return control().streamId(); }

 protected:
  /// Runs body on a new thread, joined after onStop(); an exception escaping it
  /// restarts the receiver. Bodies should return soon after isStopped() turns true.
  void spawn(std::function<void()> body) { control().spawn(std::move(body)); }

 private:
  friend class detail::ReceiverSupervisor<T>;
  detail::ReceiverSupervisor<T>& control() const {
    auto* s = supervisor_.load();
    if (s == nullptr)
      throw IllegalStateException("rill: a Receiver can store, restart or stop only while a StreamingContext runs it "
                                  "(ssc.receiverStream(receiver))");
    return *s;
  }

  std::atomic<detail::ReceiverSupervisor<T>*> supervisor_{nullptr};
};

}  // namespace rill
