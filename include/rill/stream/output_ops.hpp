#pragma once
// Output operations: the only things that make a streaming program do work.
// Each one registers with the graph and yields one job per batch in which its
// stream has an RDD; jobs of a batch run in the order the outputs were defined.
#include <rill/core/show.hpp>
#include <rill/stream/derive.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/output_job.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

namespace rill {

namespace detail {

template <class D, class F>
class ForEachOutput final : public OutputOperation, public std::enable_shared_from_this<ForEachOutput<D, F>> {
 public:
  ForEachOutput(D stream, F fn, std::string name, std::string description)
      : stream_(std::move(stream)), fn_(std::move(fn)), name_(std::move(name)), description_(std::move(description)) {}
  std::optional<std::function<void()>> generateJob(Time t) override {
    auto rdd = stream_.rddAt(t);
    if (!rdd) return std::nullopt;
    auto body = [self = this->shared_from_this(), rdd = std::move(*rdd), t] { callBatchFn(self->fn_, t, rdd); };
    return OutputJob{name_, description_, std::move(body)};
  }
  std::shared_ptr<DStreamBase> stream() const override { return stream_.baseNode(); }

 private:
  D stream_;
  F fn_;
  std::string name_;
  std::string description_;
};

/// A batch's file name, as Spark's rddToFileName: "<prefix>-<time ms>.<suffix>",
/// without "<prefix>-" when the prefix is empty and ".<suffix>" when the suffix is.
inline std::string batchFileName(const std::string& prefix, const std::string& suffix, Time t) {
  std::string name = std::to_string(t.milliseconds());
  if (!prefix.empty()) name = prefix + "-" + name;
  if (!suffix.empty()) name += "." + suffix;
  return name;
}

}  // namespace detail

template <class D>
class DStreamOutputOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// foreachRDD(f): f(rdd) or f(rdd, rill::Time) once per batch, on the scheduler thread.
  template <class F>
  void foreachRDD(F f) const {
    using R = detail::batch_rdd_t<D>;
    static_assert(std::invocable<F&, const R&, Time> || std::invocable<F&, const R&>,
                  "rill: foreachRDD(f) needs f callable as f(rdd) or f(rdd, rill::Time)");
    addOutput("foreachRDD", std::move(f));
  }

  /// print(num = 10): Spark's layout — a line of dashes, "Time: <ms> ms", dashes,
  /// the first num elements, "..." if there are more, and an empty line. With
  /// several ranks every rank takes the elements (a collective) and rank 0 prints.
  /// A negative num prints no element, as Spark's print, whose take(num + 1) makes
  /// print(-1) print only "...".
  void print(std::int64_t num = 10) const {
    // The stream is looked up per batch, so ssc.setPrintStream() before start()
    // applies to print()s defined earlier too.
    const auto* graph = &d().graph();
    addOutput("print", [num, graph](const auto& rdd, Time t) {
      auto first = rdd.take(num == std::numeric_limits<std::int64_t>::max() ? num : num + 1);
      const auto taken = static_cast<std::int64_t>(first.size());
      std::string text = "-------------------------------------------\nTime: " + t.toString() +
                         "\n-------------------------------------------\n";
      for (std::int64_t i = 0; i < taken && i < num; ++i) text += rill::toString(first[i]) + "\n";
      if (taken > num) text += "...\n";
      text += "\n";
      if (graph->sparkContext().isDriver()) graph->printStream() << text << std::flush;
    });
  }
  /// pprint is PySpark's name for print.
  void pprint(std::int64_t num = 10) const { print(num); }

  /// saveAsTextFiles(prefix, suffix): each batch into the directory
  /// "<prefix>-<time ms>[.<suffix>]" ("<time ms>[.<suffix>]" for an empty prefix),
  /// as Spark names them.
  void saveAsTextFiles(std::string prefix, std::string suffix = "") const {
    addOutput("saveAsTextFiles", [prefix = std::move(prefix), suffix = std::move(suffix)](const auto& rdd, Time t) {
      rdd.saveAsTextFile(detail::batchFileName(prefix, suffix, t));
    });
  }

 private:
  /// Registers f(batch, time) as the output operation `name`, described by its
  /// place among the context's outputs (listeners see both).
  template <class F>
  void addOutput(const char* name, F f) const {
    DStreamGraph& graph = d().graph();
    graph.checkNotStarted();
    const std::string description =
        std::string(name) + " (output operation " + std::to_string(graph.numOutputs()) + " of the context)";
    graph.addOutput(std::make_shared<detail::ForEachOutput<D, F>>(d(), std::move(f), name, description));
  }
};

}  // namespace rill
