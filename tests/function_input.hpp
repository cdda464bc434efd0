#pragma once
// An input stream whose batch at time t is a pure function of t: fn(t) ->
// std::optional<std::vector<T>> (nullopt: the stream has no RDD at t, as a null
// batch in Spark's TestInputStream). Used by the state tests and by the
// checkpoint test's child program, whose input must be the same after a restart.
#include <rill/stream/streaming_context.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace ws_test {

template <class T, class F>
class FunctionInput final : public rill::DStreamNode<T>, public rill::InputStream {
 public:
  FunctionInput(rill::DStreamGraph& graph, F fn, std::size_t partitions)
      : rill::DStreamNode<T>(graph, graph.batchDuration(), {}), fn_(std::move(fn)), partitions_(partitions) {}
  std::int64_t cut(rill::Time) override { return 0; }

 protected:
  std::optional<rill::RDD<T>> compute(rill::Time t) override {
    std::optional<std::vector<T>> batch = fn_(t);
    if (!batch) return std::nullopt;
    return rill::RDD<T>(this->graph().sparkContext().parallelize(std::move(*batch), partitions_));
  }

 private:
  F fn_;
  std::size_t partitions_;
};

template <class T, class F>
rill::DStream<T> functionStream(rill::StreamingContext& ssc, F fn, std::size_t partitions = 2) {
  auto node = std::make_shared<FunctionInput<T, F>>(ssc.graph(), std::move(fn), partitions);
  ssc.graph().addInput(node);
  return rill::DStream<T>(node);
}

/// The index of the batch at t in Spark's tests: 0 for the first batch (1 s on a clock started at 0).
inline std::size_t batchIndex(rill::Time t) { return static_cast<std::size_t>(t.milliseconds() / 1000 - 1); }

/// Spark's TestInputStream: batch i is input[i] (nullopt: no RDD), then empty batches.
template <class T>
rill::DStream<T> scriptedStream(rill::StreamingContext& ssc, std::vector<std::optional<std::vector<T>>> input,
                                std::size_t partitions = 2) {
  return functionStream<T>(
      ssc,
      [input = std::move(input)](rill::Time t) -> std::optional<std::vector<T>> {
        const auto i = batchIndex(t);
        return i < input.size() ? input[i] : std::optional<std::vector<T>>(std::vector<T>());
      },
      partitions);
}

}  // namespace ws_test
