#pragma once
// SparkContext: owns the executor (a fixed thread pool of N workers for
// "local[N]") and creates RDDs from collections, ranges and files.
#include <rill/core/errors.hpp>
#include <rill/exec/thread_pool.hpp>
#include <rill/fuse/element_stages.hpp>
#include <rill/io/file_lines.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/rdd/rdd.hpp>
#include <rill/rdd/sources.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

namespace detail {
// The element type parallelize copies: the iterator's value_type where it has one
// (std and range-v3 iterators do; for vector<bool> it is bool, not the proxy),
// else what dereferencing gives. Plain std, so this header needs no range library.
template <class R, class It = decltype(std::begin(std::declval<R&>()))>
struct ParallelizeValue {
  using type = fuse::iterable_value_t<R>;
};
template <class R, class It>
  requires requires { typename std::iter_value_t<It>; }
struct ParallelizeValue<R, It> {
  using type = std::remove_cvref_t<std::iter_value_t<It>>;
};
template <class R>
using parallelize_value_t = typename ParallelizeValue<R>::type;
}  // namespace detail

class SparkContext {
 public:
  explicit SparkContext(SparkConf conf = SparkConf())
      : conf_(std::move(conf)),
        pool_(std::make_unique<exec::ThreadPool>(conf_.threads())),
        parallelism_(pool_->parallelism()),
        jobs_(*this) {}
  SparkContext(const std::string& master, const std::string& appName)
      : SparkContext(SparkConf().setMaster(master).setAppName(appName)) {}
  SparkContext(const SparkContext&) = delete;
  SparkContext& operator=(const SparkContext&) = delete;

  const SparkConf& getConf() const { return conf_; }
  const std::string& appName() const { return conf_.appName(); }
  /// Partitions used when none are asked for: the number of worker threads.
  std::size_t defaultParallelism() const { return parallelism_; }
  /// Where jobs run; after stop() it refuses them.
  exec::Executor& executor() { return jobs_; }

  /// stop(): Spark's SparkContext.stop(). Waits for the jobs already running, then
  /// joins the worker threads. Afterwards every job (any action) and every new RDD from
  /// parallelize/makeRDD/range/textFile throws rill::IllegalStateException, as does
  /// StreamingContext::start() on this context. Calling it again does nothing. Called
  /// from inside a task of this context it only refuses new jobs; the threads are then
  /// joined by a later stop() or the destructor.
  void stop() {
    std::unique_lock lock(jobsMutex_);
    stopped_ = true;
    if (insideTaskOf_ == this) return;  // a worker cannot join its own pool
    jobsIdle_.wait(lock, [&] { return runningJobs_ == 0; });
    pool_.reset();
  }
  bool isStopped() const { return stopped_.load(); }

  /// parallelize(range[, numSlices]): any input range — a container, a std or
  /// range-v3 view, a generator — copied once and cut into numSlices partitions.
  template <class R>
  auto parallelize(R&& range, std::size_t numSlices = 0) {
    static_assert(fuse::Iterable<std::remove_reference_t<R>>,
                  "rill: parallelize(range) needs an input range (a container, a view, or a generator)");
    assertNotStopped();
    using T = detail::parallelize_value_t<std::remove_reference_t<R>>;
    if constexpr (std::is_same_v<R, std::vector<T>>) {  // a vector handed over: its elements are ours to move
      return fromVector(std::move(range), numSlices);
    } else {
      std::vector<T> all;
      if constexpr (requires { std::size(range); }) all.reserve(static_cast<std::size_t>(std::size(range)));
      for (auto&& x : range) all.emplace_back(std::forward<decltype(x)>(x));
      return fromVector(std::move(all), numSlices);
    }
  }
  template <class T>
  RDD<T> parallelize(std::initializer_list<T> values, std::size_t numSlices = 0) {
    assertNotStopped();
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
    assertNotStopped();
    return RDD<std::int64_t>(*this, makeNode<detail::RangeNode>(start, end, step, slices(numSlices)));
  }

  /// textFile(path[, minPartitions]): the file's lines (without their newline). Throws
  /// rill::IoError naming the path when the file cannot be opened.
  RDD<std::string> textFile(const std::string& path, std::size_t minPartitions = 0) {
    assertNotStopped();
    const auto size = io::fileSize(path);
    constexpr std::uintmax_t kSplit = 32u << 20;  // at least one split per 32 MiB, as Hadoop blocks
    std::size_t splits = std::max<std::size_t>(slices(minPartitions), static_cast<std::size_t>(size / kSplit + 1));
    if (size == 0) splits = 1;
    return RDD<std::string>(*this, makeNode<detail::TextFileNode>(path, size, splits));
  }

  template <class T>
  RDD<T> emptyRDD() {
    assertNotStopped();
    return RDD<T>(*this, makeNode<StoredNode<T>>(typename StoredNode<T>::Partitions{}));
  }

  /// Stored partitions as an RDD (what shuffles and restored stream batches produce).
  template <class T>
  RDD<T> fromPartitions(std::vector<std::vector<T>> parts) {
    return RDD<T>(*this, makeNode<StoredNode<T>>(std::move(parts)));
  }
  /// `all` cut into numSlices contiguous partitions, as parallelize cuts it
  /// (what received stream batches produce).
  template <class T>
  RDD<T> fromSlices(std::vector<T> all, std::size_t numSlices) {
    if (numSlices == 0) throw std::invalid_argument("rill: fromSlices needs at least one slice");
    return RDD<T>(*this, makeNode<SlicedNode<T>>(std::move(all), numSlices));
  }

 private:
  std::size_t slices(std::size_t asked) const { return asked ? asked : defaultParallelism(); }

  void assertNotStopped() const {
    if (stopped_) throw IllegalStateException("rill: this SparkContext has been stopped");
  }

  // Every job enters through here: refused after stop(), counted so that stop()
  // can wait for the running ones before it joins the pool.
  class Jobs final : public exec::Executor {
   public:
    explicit Jobs(SparkContext& sc) : sc_(&sc) {}
    std::size_t parallelism() const override { return sc_->parallelism_; }
    void runTasks(std::size_t n, exec::TaskRef task) override {
      {
        std::lock_guard lock(sc_->jobsMutex_);
        sc_->assertNotStopped();
        ++sc_->runningJobs_;
      }
      struct Leave {
        SparkContext* sc;
        ~Leave() {
          std::lock_guard lock(sc->jobsMutex_);
          if (--sc->runningJobs_ == 0) sc->jobsIdle_.notify_all();
        }
      } leave{sc_};
      SparkContext* sc = sc_;
      auto marked = [sc, task](std::size_t i) {
        SparkContext* outer = std::exchange(insideTaskOf_, sc);
        struct Restore {
          SparkContext* outer;
          ~Restore() { insideTaskOf_ = outer; }
        } restore{outer};
        task(i);
      };
      sc_->pool_->runTasks(n, marked);
    }

   private:
    SparkContext* sc_;
  };

  template <class T>
  RDD<T> fromVector(std::vector<T> all, std::size_t numSlices) {
    return RDD<T>(*this, makeNode<SlicedNode<T>>(std::move(all), slices(numSlices)));
  }

  SparkConf conf_;
  std::unique_ptr<exec::ThreadPool> pool_;  // reset (its threads joined) by stop() or the destructor
  std::size_t parallelism_;
  Jobs jobs_;
  std::mutex jobsMutex_;
  std::condition_variable jobsIdle_;
  std::size_t runningJobs_ = 0;  // guarded by jobsMutex_
  std::atomic<bool> stopped_{false};
  static inline thread_local SparkContext* insideTaskOf_ = nullptr;  // the context whose task this thread runs
};

namespace detail {
inline exec::Executor& executorOf(SparkContext& sc) { return sc.executor(); }
}  // namespace detail

}  // namespace rill
