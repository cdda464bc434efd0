#pragma once
// A receiver-based input stream (Spark's ReceiverInputDStream): the receiver
// runs on its own threads from ssc.start() to ssc.stop() and stores records
// into a bounded buffer; every batch takes what the buffer holds.
#include <rill/stream/block_buffer.hpp>
#include <rill/stream/clock.hpp>
#include <rill/stream/dstream.hpp>
#include <rill/stream/input_node.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/receiver.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/receiver_supervisor.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>

namespace rill::detail {

template <class T>
class ReceiverInputNode final : public InputNode<T> {
 public:
  ReceiverInputNode(DStreamGraph& graph, std::shared_ptr<Receiver<T>> receiver, int streamId,
                    const ReceiverSettings& settings, ListenerBus& bus, Clock& clock)
      : InputNode<T>(graph),
        buffer_(settings.maxBufferedRecords),
        supervisor_(std::move(receiver), streamId, settings, bus, clock, buffer_) {}
  ~ReceiverInputNode() override { supervisor_.stop(); }

  void start() override { supervisor_.start(); }
  void stop() override { supervisor_.stop(); }
  bool hasPendingData() const override { return buffer_.size() > 0; }

  std::size_t bufferedRecords() const { return buffer_.size(); }
  template <class Rep, class Period>
  bool awaitBuffered(std::size_t n, std::chrono::duration<Rep, Period> timeout) const {
    return buffer_.awaitSize(n, timeout);
  }

 protected:
  typename InputNode<T>::Batch takeBatch(Time) override {
    auto records = buffer_.drain();
    const auto n = static_cast<std::int64_t>(records.size());
    return {receivedBatch(this->graph().sparkContext(), std::move(records)), n};
  }

 private:
  BlockBuffer<T> buffer_;
  ReceiverSupervisor<T> supervisor_;
};

/// Registers a receiver stream with the graph; settings come from the SparkConf.
template <class T>
DStream<T> addReceiverStream(DStreamGraph& graph, ListenerBus& bus, Clock& clock,
                             std::shared_ptr<Receiver<T>> receiver) {
  graph.checkNotStarted();
  if (!receiver) throw std::invalid_argument("rill: receiverStream needs a receiver, got a null pointer");
  const auto settings = ReceiverSettings::fromConf(graph.sparkContext().getConf());
  const int streamId = static_cast<int>(graph.inputs().size());
  auto node = std::make_shared<ReceiverInputNode<T>>(graph, std::move(receiver), streamId, settings, bus, clock);
  graph.addInput(node);
  return DStream<T>(node);
}

/// Waits until a receiver stream holds at least n records not yet cut into a
/// batch; false on timeout. Lets tests and demos on a ManualClock know data
/// has arrived before they advance time, without sleeping.
template <class T, class Rep, class Period>
bool awaitBuffered(const DStream<T>& input, std::size_t n, std::chrono::duration<Rep, Period> timeout) {
  auto node = std::dynamic_pointer_cast<ReceiverInputNode<T>>(input.node());
  if (!node) throw std::invalid_argument("rill: awaitBuffered needs the stream a receiver feeds");
  return node->awaitBuffered(n, timeout);
}

}  // namespace rill::detail
