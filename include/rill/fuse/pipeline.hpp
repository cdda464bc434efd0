#pragma once
// A pipeline is the type-level list of stages an RDD chain has accumulated.
// Appending a stage makes a new type; binding it for a partition folds the
// stages, last to first, into one nested sink object the compiler inlines.
#include <rill/fuse/sink.hpp>

#include <concepts>
#include <cstddef>
#include <utility>

namespace rill::fuse {

// Stored as a head and the rest, so appending and binding are each one
// recursion over the list.
template <class... Stages>
struct Pipeline;

template <>
struct Pipeline<> {
  template <class In>
  using out = In;

  template <class Stage>
  Pipeline<Stage> append(Stage s) const {
    return {std::move(s), {}};
  }
  template <class In, class Tail>
  Tail bindAll(std::size_t, Tail tail) const {
    return tail;
  }
};

template <class Stage, class... Rest>
struct Pipeline<Stage, Rest...> {
  // A chain is a value: appending a stage, converting it to an RDD and running
  // it on each stream batch copy it. Checked here, once for every operation.
  static_assert(std::copy_constructible<Stage>,
                "rill: the functions of map, filter, flatMap and the other element-wise operations must be "
                "copyable (rill copies a chain as Spark copies closures): keep move-only state behind a "
                "std::shared_ptr");
  Stage first;
  [[no_unique_address]] Pipeline<Rest...> rest;

  /// The element type that comes out of the pipeline when `In` goes in.
  template <class In>
  using out = typename Pipeline<Rest...>::template out<typename Stage::template out<In>>;

  template <class Next>
  Pipeline<Stage, Rest..., Next> append(Next s) const {
    return {first, rest.append(std::move(s))};
  }

  /// The per-partition sink that runs every stage and ends in `sink`.
  template <class In, class Sink>
  auto bind(std::size_t partition, Sink& sink) const {
    return bindAll<In>(partition, SinkRef<Sink>{&sink});
  }

  /// Like bind(), but the chain ends in a copy of `sink`, so a copy of the whole
  /// chain carries the sink's state (see LocalizableSink); finalSink() reaches it.
  template <class In, LocalizableSink Sink>
  auto bindCopy(std::size_t partition, const Sink& sink) const {
    return bindAll<In>(partition, SinkValue<Sink>{sink});
  }

  /// The sink a chain from bindCopy() ends in.
  template <class Bound>
  static auto& finalSink(Bound& bound) {
    return nextOf<1 + sizeof...(Rest)>(bound).sink;
  }

  /// Binds the stages last to first around `tail`: each stage's bound sink
  /// holds the rest of the chain.
  template <class In, class Tail>
  auto bindAll(std::size_t partition, Tail tail) const {
    using Next = typename Stage::template out<In>;
    return first.template bind<In>(partition, rest.template bindAll<Next>(partition, std::move(tail)));
  }

 private:
  template <std::size_t N, class Bound>
  static auto& nextOf(Bound& bound) {
    if constexpr (N == 0) {
      return bound;
    } else {
      static_assert(requires { bound.next; },
                    "rill: a stage's bound sink must keep the rest of the chain in a member named `next`");
      return nextOf<N - 1>(bound.next);
    }
  }
};

}  // namespace rill::fuse
