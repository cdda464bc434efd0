#pragma once
// SparkContext: owns the executor (a fixed thread pool of N workers for
// "local[N]") and creates RDDs from collections, ranges and files.
#include <rill/exec/thread_pool.hpp>
#include <rill/io/file_lines.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/rdd/rdd.hpp>
#include <rill/rdd/sources.hpp>

#include <range/v3/range/concepts.hpp>
#include <range/v3/range/traits.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rill {

class SparkContext {
 public:
  explicit SparkContext(SparkConf conf = SparkConf())
      : conf_(std::move(conf)), pool_(std::make_unique<exec::ThreadPool>(conf_.threads())) {}
  SparkContext(const std::string& master, const std::string& appName)
      : SparkContext(SparkConf().setMaster(master).setAppName(appName)) {}
  SparkContext(const SparkContext&) = delete;
  SparkContext& operator=(const SparkContext&) = delete;

  const SparkConf& getConf() const { return conf_; }
  const std::string& appName() const { return conf_.appName(); }
  /// Partitions used when none are asked for: the number of worker threads.
  std::size_t defaultParallelism() const { return pool_->parallelism(); }
  exec::Executor& executor() { return *pool_; }

  /// parallelize(range[, numSlices]): any input range — a container, a std or
  /// range-v3 view, a generator — copied once and cut into numSlices partitions.
  template <class R>
  auto parallelize(R&& range, std::size_t numSlices = 0) {
    static_assert(ranges::input_range<R>,
                  "rill: parallelize(range) needs an input range (a container, a view, or a generator)");
    using T = std::remove_cvref_t<ranges::range_value_t<R>>;
    std::vector<T> all;
    if constexpr (ranges::sized_range<R>) all.reserve(static_cast<std::size_t>(ranges::size(range)));
    for (auto&& x : range) all.emplace_back(std::forward<decltype(x)>(x));
    return fromVector(std::move(all), numSlices);
  }
  template <class T>
  RDD<T> parallelize(std::initializer_list<T> values, std::size_t numSlices = 0) {
    return fromVector(std::vector<T>(values), numSlices);
  }
  /// makeRDD is Spark's other name for parallelize.
  template <class R>
  auto makeRDD(R&& range, std::size_t numSlices = 0) {
    return parallelize(std::forward<R>(range), numSlices);
  }

  /// range(start, end[, step, numSlices]): start, start+step, ... below end, generated lazily.
  RDD<std::int64_t> range(std::int64_t start, std::int64_t end, std::int64_t step = 1, std::size_t numSlices = 0) {
    if (step == 0) throw std::invalid_argument("rill: range: step must not be 0");
    return RDD<std::int64_t>(*this, std::make_shared<detail::RangeNode>(start, end, step, slices(numSlices)));
  }

  /// textFile(path[, minPartitions]): the file's lines (without their newline). Throws
  /// rill::IoError naming the path when the file cannot be opened.
  RDD<std::string> textFile(const std::string& path, std::size_t minPartitions = 0) {
    const auto size = io::fileSize(path);
    constexpr std::uintmax_t kSplit = 32u << 20;  // at least one split per 32 MiB, as Hadoop blocks
    std::size_t splits = std::max<std::size_t>(slices(minPartitions), static_cast<std::size_t>(size / kSplit + 1));
    if (size == 0) splits = 1;
    return RDD<std::string>(*this, std::make_shared<detail::TextFileNode>(path, size, splits));
  }

  template <class T>
  RDD<T> emptyRDD() {
    return RDD<T>(*this, std::make_shared<StoredNode<T>>(typename StoredNode<T>::Partitions{}));
  }

  /// Stored partitions as an RDD (what shuffles and stream batches produce).
  template <class T>
  RDD<T> fromPartitions(std::vector<std::vector<T>> parts) {
    return RDD<T>(*this, std::make_shared<StoredNode<T>>(std::move(parts)));
  }

 private:
  std::size_t slices(std::size_t asked) const { return asked ? asked : defaultParallelism(); }

  template <class T>
  RDD<T> fromVector(std::vector<T> all, std::size_t numSlices) {
    const std::size_t n = slices(numSlices);
    std::vector<std::vector<T>> parts(n);
    for (std::size_t i = 0; i < n; ++i) {
      auto b = all.begin() + static_cast<std::ptrdiff_t>(sliceBegin(i, all.size(), n));
      auto e = all.begin() + static_cast<std::ptrdiff_t>(sliceBegin(i + 1, all.size(), n));
      parts[i].assign(std::make_move_iterator(b), std::make_move_iterator(e));
    }
    return fromPartitions(std::move(parts));
  }

  SparkConf conf_;
  std::unique_ptr<exec::ThreadPool> pool_;
};

namespace detail {
inline exec::Executor& executorOf(SparkContext& sc) { return sc.executor(); }
}  // namespace detail

}  // namespace rill
