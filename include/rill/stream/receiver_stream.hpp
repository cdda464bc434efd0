#pragma once
// A receiver-based input stream (Spark's ReceiverInputDStream): the receiver
// runs on its own threads from ssc.start() to ssc.stop() and stores records
// into a bounded buffer; every batch takes what the buffer holds. With
// spark.streaming.receiver.writeAheadLog.enable the records go through blocks
// logged in the checkpoint directory first (block_generator.hpp), and a
// restarted program gets back those its restored checkpoint had not counted.
#include <rill/core/errors.hpp>
#include <rill/stream/block_buffer.hpp>
#include <rill/stream/block_generator.hpp>
#include <rill/stream/checkpoint_streams.hpp>
#include <rill/stream/clock.hpp>
#include <rill/stream/dstream.hpp>
#include <rill/stream/input_node.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/logged_input.hpp>
#include <rill/stream/rate_controller.hpp>
#include <rill/stream/receiver.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/receiver_supervisor.hpp>
#include <rill/stream/write_ahead_log.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rill::detail {

template <class T>
class ReceiverInputNode final : public InputNode<T>, public LoggedInput {
 public:
  ReceiverInputNode(DStreamGraph& graph, std::shared_ptr<Receiver<T>> receiver, int streamId,
                    const ReceiverSettings& settings, const WriteAheadLogSettings& logSettings, ListenerBus& bus,
                    Clock& clock)
      : InputNode<T>(graph),
        streamId_(streamId),
        settings_(settings),
        logSettings_(logSettings),
        bus_(&bus),
        clock_(&clock),
        buffer_(settings),
        supervisor_(std::move(receiver), streamId, settings, bus, clock, buffer_) {
    attachRateController(bus, streamId, graph.batchDuration(), settings, supervisor_.rateLimiter());
  }
  ~ReceiverInputNode() override { stop(); }

  void openLog(const std::string& checkpointDirectory, std::optional<Time> restored) override {
    if (!logSettings_.enabled) return;
    if (checkpointDirectory.empty()) throw IllegalStateException(kNeedsCheckpoint);
    if (generator_) {
      if (generator_->checkpointDirectory() == checkpointDirectory) return;
      throw IllegalStateException("rill: the write-ahead log of " + supervisor_.name() + " is already open in '" +
                                  generator_->checkpointDirectory() + "'");
    }
    if (auto reason = unsupportedTypes<T>("the records of " + supervisor_.name() + " in its write-ahead log"))
      throw IllegalStateException(*reason);
    ReceivedBlockLog log(checkpointDirectory, static_cast<std::uint32_t>(streamId_), logSettings_.rollingInterval,
                         clock_->getTimeMillis());
    generator_ = std::make_unique<BlockGenerator<T>>(
        std::move(log), restored, logSettings_.blockInterval, buffer_, *clock_, *bus_, supervisor_.name(),
        typename BlockGenerator<T>::MemoryBound{settings_.maxBufferedRecords, settings_.maxBufferedBytes});
    supervisor_.setGate(generator_.get());
  }
  void addLogRanges(Time t, std::vector<LogRange>& out) override {
    if (generator_) generator_->addRanges(t, out);
  }

  void start() override {
    if (logSettings_.enabled && !generator_) throw IllegalStateException(kNeedsCheckpoint);
    if (generator_) generator_->start();
    supervisor_.start();
  }
  void stop() override {
    supervisor_.stop();
    if (generator_) generator_->stop();
  }
  bool hasPendingData() const override { return generator_ ? generator_->hasPendingData() : buffer_.size() > 0; }

  std::size_t bufferedRecords() const { return buffer_.size(); }
  template <class Rep, class Period>
  bool awaitBuffered(std::size_t n, std::chrono::duration<Rep, Period> timeout) const {
    return buffer_.awaitSize(n, timeout);
  }

 protected:
  typename InputNode<T>::Batch takeBatch(Time t) override {
    auto records = generator_ ? generator_->takeBatch(t) : buffer_.drain();
    const auto n = static_cast<std::int64_t>(records.size());
    return {receivedBatch(this->graph().sparkContext(), std::move(records)), n};
  }

 private:
  static constexpr const char* kNeedsCheckpoint =
      "rill: spark.streaming.receiver.writeAheadLog.enable needs a checkpoint directory: call "
      "ssc.checkpoint(directory) (or use StreamingContext::getOrCreate) before start()";

  int streamId_;
  ReceiverSettings settings_;
  WriteAheadLogSettings logSettings_;
  ListenerBus* bus_;
  Clock* clock_;
  BlockBuffer<T> buffer_;
  ReceiverSupervisor<T> supervisor_;
  std::unique_ptr<BlockGenerator<T>> generator_;  // with the log on, once openLog ran
};

/// Registers a receiver stream with the graph; settings come from the SparkConf.
template <class T>
DStream<T> addReceiverStream(DStreamGraph& graph, ListenerBus& bus, Clock& clock,
                             std::shared_ptr<Receiver<T>> receiver) {
  graph.checkNotStarted();
  if (!receiver) throw std::invalid_argument("rill: receiverStream needs a receiver, got a null pointer");
  const auto& conf = graph.sparkContext().getConf();
  const auto settings = ReceiverSettings::fromConf(conf);
  const auto logSettings = WriteAheadLogSettings::fromConf(conf);
  const int streamId = graph.nextInputId();
  auto node =
      std::make_shared<ReceiverInputNode<T>>(graph, std::move(receiver), streamId, settings, logSettings, bus, clock);
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
