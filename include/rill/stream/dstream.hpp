#pragma once
// DStream<T>, the named, storable stream, and PipedDStream<T, Pipe>, a stream
// with a fused chain of stages on top: per batch, the chain runs as one loop
// into whatever consumes the batch (an action, a shuffle's combine table).
#include <rill/fuse/pipeline.hpp>
#include <rill/rdd/rdd.hpp>
#include <rill/stream/derive.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/dstream_ops.hpp>
#include <rill/stream/dstream_pair_ops.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/output_ops.hpp>
#include <rill/stream/state_ops.hpp>
#include <rill/stream/window_ops.hpp>

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

template <class T, class Pipe>
class PipedDStream;

/// Everything a DStream can do. D provides value_type, graph(), sparkContext(),
/// slideDuration(), rddAt(t), baseNode(), then(stage) and toDStream().
template <class D>
class DStreamApi : public DStreamOps<D>,
                   public DStreamPairOps<D>,
                   public DStreamWindowOps<D>,
                   public DStreamStateOps<D>,
                   public DStreamOutputOps<D> {};

template <class T>
class DStream : public DStreamApi<DStream<T>> {
 public:
  using value_type = T;

  DStream() = default;
  explicit DStream(std::shared_ptr<DStreamNode<T>> node) : node_(std::move(node)) {}
  template <class Src, class Pipe>
    requires std::is_same_v<typename PipedDStream<Src, Pipe>::value_type, T>
  DStream(const PipedDStream<Src, Pipe>& chain) : DStream(chain.toDStream()) {}  // NOLINT: implicit by design

  DStreamGraph& graph() const { return node_->graph(); }
  SparkContext& sparkContext() const { return graph().sparkContext(); }
  Duration slideDuration() const { return node_->slideDuration(); }
  const std::shared_ptr<DStreamNode<T>>& node() const { return node_; }
  std::shared_ptr<DStreamBase> baseNode() const { return node_; }
  const DStream& toDStream() const { return *this; }

  /// The batch RDD at time t, or nullopt where the stream has none.
  std::optional<RDD<T>> rddAt(Time t) const { return node_->getOrCompute(t); }
  /// The RDDs of the batches with times in [from, to].
  std::vector<RDD<T>> slice(Time from, Time to) const { return node_->slice(from, to); }

  template <class Stage>
  auto then(Stage stage) const {
    graph().checkNotStarted();
    return PipedDStream<T, fuse::Pipeline<Stage>>(*this, fuse::Pipeline<Stage>{std::move(stage), {}});
  }

 private:
  std::shared_ptr<DStreamNode<T>> node_;
};

template <class Src, class Pipe>
class PipedDStream : public DStreamApi<PipedDStream<Src, Pipe>> {
 public:
  using value_type = typename Pipe::template out<Src>;

  PipedDStream(DStream<Src> source, Pipe pipe) : source_(std::move(source)), pipe_(std::move(pipe)) {}

  DStreamGraph& graph() const { return source_.graph(); }
  SparkContext& sparkContext() const { return source_.sparkContext(); }
  Duration slideDuration() const { return source_.slideDuration(); }
  std::shared_ptr<DStreamBase> baseNode() const { return source_.baseNode(); }

  std::optional<PipedRDD<Src, Pipe>> rddAt(Time t) const {
    auto rdd = source_.rddAt(t);
    if (!rdd) return std::nullopt;
    return PipedRDD<Src, Pipe>(std::move(*rdd), pipe_);
  }

  template <class Stage>
  auto then(Stage stage) const {
    graph().checkNotStarted();
    auto longer = pipe_.append(std::move(stage));
    return PipedDStream<Src, decltype(longer)>(source_, std::move(longer));
  }

  /// The storable form: a node that runs the chain on each batch.
  DStream<value_type> toDStream() const {
    return detail::deriveStream(source_, [pipe = pipe_](const RDD<Src>& rdd) { return PipedRDD<Src, Pipe>(rdd, pipe); });
  }

 private:
  DStream<Src> source_;
  Pipe pipe_;
};

}  // namespace rill
