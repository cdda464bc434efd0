#pragma once
// RDD<T>, the named, storable RDD, and PipedRDD<T, Pipe>, an RDD<T> with a
// fused chain of stages on top. Both get every operation from the same mixins;
// a PipedRDD converts to RDD<U> (implicitly, or with toRDD()).
#include <rill/core/ref.hpp>
#include <rill/exec/cancellation.hpp>
#include <rill/fuse/pipeline.hpp>
#include <rill/rdd/actions.hpp>
#include <rill/rdd/approx.hpp>
#include <rill/rdd/derived_nodes.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/histogram.hpp>
#include <rill/rdd/node.hpp>
#include <rill/rdd/numeric.hpp>
#include <rill/rdd/pair_ops.hpp>
#include <rill/rdd/partitioner.hpp>
#include <rill/rdd/sampling.hpp>
#include <rill/rdd/save.hpp>
#include <rill/rdd/set_ops.hpp>
#include <rill/rdd/transformations.hpp>
#include <rill/rdd/tree_ops.hpp>
#include <rill/rdd/value_stages.hpp>
#include <rill/rdd/zip.hpp>

#include <algorithm>
#include <cstddef>
#include <span>
#include <type_traits>
#include <utility>

namespace rill {

/// Everything an RDD can do. D provides value_type, numPartitions(), context(),
/// owner(p, ranks), partitioner(), runPartition(p, sink), then(stage) and toRDD().
template <class D>
class RDDApi : public TransformOps<D>, public ActionOps<D>, public NumericOps<D>, public PairOps<D>,
               public SetOps<D>, public SaveOps<D>, public SamplingOps<D>, public ZipOps<D>,
               public HistogramOps<D>, public TreeOps<D>, public ApproxOps<D> {};

template <class T>
class RDD : public RDDApi<RDD<T>> {
 public:
  using value_type = T;

  /// An RDD with no partitions and no context (a placeholder to assign to).
  RDD() = default;
  /// `partitioner`: how a keyed shuffle placed the keys (null when unknown).
  RDD(SparkContext& sc, Ref<const RDDNode<T>> node, Ref<const AnyPartitioner> partitioner = nullptr)
      : sc_(&sc), node_(std::move(node)), partitioner_(std::move(partitioner)) {}
  /// A chain converts to the storable form.
  template <class Src, class Pipe>
    requires std::is_same_v<typename PipedRDD<Src, Pipe>::value_type, T>
  RDD(const PipedRDD<Src, Pipe>& chain) : RDD(chain.toRDD()) {}  // NOLINT: implicit by design

  std::size_t numPartitions() const { return node_ ? node_->numPartitions() : 0; }
  std::size_t getNumPartitions() const { return numPartitions(); }
  SparkContext& context() const { return *sc_; }
  const Ref<const RDDNode<T>>& node() const { return node_; }
  const RDD& toRDD() const { return *this; }
  /// Spark's rdd.partitioner: set on keyed shuffle results, kept by mapValues/filter.
  const Ref<const AnyPartitioner>& partitioner() const { return partitioner_; }
  /// The rank that computes partition p when jobs run on `ranks` ranks.
  std::size_t owner(std::size_t p, std::size_t ranks) const { return ranks == 1 ? 0 : node_->owner(p, ranks); }

  /// Pushes partition p into `sink` (push/finish); false when the sink stopped early.
  template <class Sink>
  bool runPartition(std::size_t p, Sink& sink) const {
    struct Adapter final : ChunkSink<T> {
      Sink* sink;
      explicit Adapter(Sink* s) : sink(s) {}
      bool consume(std::span<const T> chunk) override { return pushAll(chunk, *sink); }
      // In blocks, so a task of a failed job stops within one block (see exec/cancellation.hpp).
      static bool pushAll(std::span<const T> chunk, Sink& to) {
        constexpr std::size_t kBlock = 4096;
        for (std::size_t at = 0; at < chunk.size(); at += kBlock) {
          exec::throwIfCancelled();
          if (!pushBlock(chunk.subspan(at, std::min(kBlock, chunk.size() - at)), to)) return false;
        }
        return true;
      }
      // A LocalizableSink is pushed to as a copy made here, in the function holding the
      // loop: clang optimises a callee's loop before inlining it, and on a copy passed by
      // reference it kept the sink's state in two registers (count: 1.14x the hand loop's
      // instructions). A PrimingSink is pushed to until primed, then in a second loop
      // that says so before each push, where the compiler sees it and drops the sink's test.
      static bool pushBlock(std::span<const T> block, Sink& to) {
        fuse::LocalCopy<Sink> local(to);
        Sink& s = local.sink();
        std::size_t i = 0;
        if constexpr (detail::PrimingSink<Sink>) {
          for (; i < block.size() && !s.primed(); ++i)
            if (!s.push(block[i])) return false;
        }
        for (; i < block.size(); ++i) {
          if constexpr (detail::PrimingSink<Sink>) s.setPrimed();  // already true here
          if (!s.push(block[i])) return false;
        }
        return true;
      }
    } adapter(&sink);
    return node_->compute(p, adapter) && sink.finish();
  }

  template <class Stage>
  auto then(Stage stage) const {
    return PipedRDD<T, fuse::Pipeline<Stage>>(*this, fuse::Pipeline<Stage>{std::move(stage), {}});
  }

 private:
  SparkContext* sc_ = nullptr;
  Ref<const RDDNode<T>> node_;
  Ref<const AnyPartitioner> partitioner_;
};

template <class Src, class Pipe>
class PipedRDD : public RDDApi<PipedRDD<Src, Pipe>> {
 public:
  using value_type = typename Pipe::template out<Src>;

  PipedRDD(RDD<Src> source, Pipe pipe) : source_(std::move(source)), pipe_(std::move(pipe)) {}

  std::size_t numPartitions() const { return source_.numPartitions(); }
  std::size_t getNumPartitions() const { return numPartitions(); }
  SparkContext& context() const { return source_.context(); }
  /// A chain runs where its source's partition lives.
  std::size_t owner(std::size_t p, std::size_t ranks) const { return source_.owner(p, ranks); }
  Ref<const AnyPartitioner> partitioner() const {
    if constexpr (detail::keeps_partitioning<Pipe>) return source_.partitioner();
    else return nullptr;
  }

  template <class Sink>
  bool runPartition(std::size_t p, Sink& sink) const {
    if constexpr (fuse::LocalizableSink<Sink>) {
      // The chain ends in a copy of the sink, so the source's loop can keep the
      // whole chain in registers (see LocalizableSink); the state comes back after.
      auto bound = pipe_.template bindCopy<Src>(p, sink);
      if constexpr (detail::PrimingSink<Sink>) {
        PrimingChain<decltype(bound)> chain{bound};
        const bool goOn = source_.runPartition(p, chain);
        fuse::copyBack(sink, Pipe::finalSink(chain.bound));
        return goOn;
      } else {
        const bool goOn = source_.runPartition(p, bound);
        fuse::copyBack(sink, Pipe::finalSink(bound));
        return goOn;
      }
    } else {
      auto bound = pipe_.template bind<Src>(p, sink);
      return source_.runPartition(p, bound);
    }
  }

  template <class Stage>
  auto then(Stage stage) const {
    auto longer = pipe_.append(std::move(stage));
    return PipedRDD<Src, decltype(longer)>(source_, std::move(longer));
  }

  /// A chain ending in a PrimingSink, primed when that sink is.
  template <class Bound>
  struct PrimingChain {
    Bound bound;
    template <class X>
    bool push(X&& x) {
      return bound.push(std::forward<X>(x));
    }
    bool finish() { return bound.finish(); }
    bool primed() { return Pipe::finalSink(bound).primed(); }
    void setPrimed() { Pipe::finalSink(bound).setPrimed(); }
  };

  /// The storable form: the chain runs when a partition of the result is computed.
  RDD<value_type> toRDD() const {
    return RDD<value_type>(context(), makeNode<detail::ChainNode<PipedRDD>>(*this), partitioner());
  }

 private:
  RDD<Src> source_;
  Pipe pipe_;
};

}  // namespace rill
