#pragma once
// A windowed stream: at every multiple of its slide it combines the parent's
// batches with times in (t - window, t] (Spark's WindowedDStream). A window
// reaching back before the stream's start holds only the batches that exist.
// What "combine" means is the op's: a union for window(), a per-key merge of
// aligned partitions for the keyed window ops.
#include <rill/core/runtime.hpp>
#include <rill/rdd/rdd.hpp>
#include <rill/stream/checkpoint_streams.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/time.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rill {

template <class T>
class DStream;

namespace detail {

/// Spark's rule, checked when the stream is defined: window and slide are positive
/// multiples of the parent's slide. `what` names the operation in the message.
RILL_RUNTIME void requireWindowDurations(const char* what, Duration window, Duration slide, Duration parentSlide);

template <class In, class Out>
class WindowNode final : public DStreamNode<Out> {
 public:
  /// combine(the parent's RDDs in the window, oldest first) -> the window's RDD.
  using Combine = std::function<RDD<Out>(std::vector<RDD<In>>)>;

  WindowNode(std::shared_ptr<DStreamNode<In>> parent, Duration window, Duration slide, Combine combine)
      : DStreamNode<Out>(parent->graph(), slide, {parent}),
        parent_(std::move(parent)),
        window_(window),
        combine_(std::move(combine)) {}

 protected:
  std::optional<RDD<Out>> compute(Time t) override {
    return combine_(parent_->slice(t - window_ + parent_->slideDuration(), t));
  }
  // The parent keeps what the oldest window that may still be asked for covers.
  Duration parentRememberDuration() const override { return this->rememberDuration() + window_; }

 private:
  std::shared_ptr<DStreamNode<In>> parent_;
  Duration window_;
  Combine combine_;
};

/// The parent's batches in each window, combined. Validates the durations and
/// has checkpoints save the parent's batches a restarted window still needs.
template <class Out, class In, class Combine>
DStream<Out> windowStream(const char* what, const DStream<In>& parent, Duration window, Duration slide,
                          Combine combine) {
  parent.graph().checkNotStarted();
  requireWindowDurations(what, window, slide, parent.slideDuration());
  parent.graph().checkpoints().add(std::make_shared<BatchesParticipant<In>>(parent.node(), "the batches windows read"));
  return DStream<Out>(std::make_shared<WindowNode<In, Out>>(parent.node(), window, slide, std::move(combine)));
}

}  // namespace detail

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void detail::requireWindowDurations(const char* what, Duration window, Duration slide,
                                                 Duration parentSlide) {
  requirePositiveDuration(window, "window duration");
  requirePositiveDuration(slide, "slide duration");
  auto require = [&](const char* name, Duration d) {
    if (!isMultipleOf(d, parentSlide))
      throw std::invalid_argument(std::string("rill: ") + what + ": the " + name + " (" + toString(d) +
                                  ") must be a multiple of the parent DStream's slide duration (" +
                                  toString(parentSlide) + ")");
  };
  require("window duration", window);
  require("slide duration", slide);
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
