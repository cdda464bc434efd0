#pragma once
// A pipeline is the type-level list of stages an RDD chain has accumulated.
// Appending a stage makes a new type; binding it for a partition folds the
// stages, last to first, into one nested sink object the compiler inlines.
#include <rill/fuse/sink.hpp>

#include <cstddef>
#include <tuple>
#include <utility>

namespace rill::fuse {

template <class... Stages>
struct Pipeline {
  std::tuple<Stages...> stages;

  template <class In, std::size_t I = 0>
  struct OutOf {
    using type = In;
  };
  template <class In, std::size_t I>
    requires(I < sizeof...(Stages))
  struct OutOf<In, I> {
    using stage = std::tuple_element_t<I, std::tuple<Stages...>>;
    using type = typename OutOf<typename stage::template out<In>, I + 1>::type;
  };
  /// The element type that comes out of the pipeline when `In` goes in.
  template <class In>
  using out = typename OutOf<In>::type;

  template <class Stage>
  Pipeline<Stages..., Stage> append(Stage s) const {
    return {std::tuple_cat(stages, std::tuple<Stage>(std::move(s)))};
  }

  /// The per-partition sink that runs every stage and ends in `sink`.
  template <class In, class Sink>
  auto bind(std::size_t partition, Sink& sink) const {
    return bindFrom<In, 0>(partition, SinkRef<Sink>{&sink});
  }

  /// Like bind(), but the chain ends in a copy of `sink`, so a copy of the whole
  /// chain carries the sink's state (see LocalizableSink); finalSink() reaches it.
  template <class In, LocalizableSink Sink>
  auto bindCopy(std::size_t partition, const Sink& sink) const {
    return bindFrom<In, 0>(partition, SinkValue<Sink>{sink});
  }

  /// The sink a chain from bindCopy() ends in.
  template <class Bound>
  static auto& finalSink(Bound& bound) {
    return nextOf<sizeof...(Stages)>(bound).sink;
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

  template <class In, std::size_t I, class Tail>
  auto bindFrom(std::size_t partition, Tail tail) const {
    if constexpr (I == sizeof...(Stages)) {
      return tail;
    } else {
      const auto& stage = std::get<I>(stages);
      using Stage = std::remove_cvref_t<decltype(stage)>;
      using Next = typename Stage::template out<In>;
      return stage.template bind<In>(partition, bindFrom<Next, I + 1>(partition, std::move(tail)));
    }
  }
};

}  // namespace rill::fuse
