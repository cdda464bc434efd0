#pragma once
// SparkContext: owns the executor (a fixed thread pool of N workers for
// "local[N]") and creates RDDs from collections, ranges and files. It runs on
// a cluster of ranks (exec::Cluster): one process by default; with several
// (rill::mpi::MpiCluster under mpirun, or exec::runLocalCluster in tests) every
// rank creates its own context over the same program, and jobs run each
// partition on the rank that owns it.
#include <rill/core/counts.hpp>
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/exchange.hpp>
#include <rill/fuse/element_stages.hpp>
#include <rill/io/input_files.hpp>
#include <rill/rdd/accumulator.hpp>
#include <rill/rdd/accumulator_registry.hpp>
#include <rill/rdd/broadcast.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/rdd/conf_values.hpp>
#include <rill/rdd/rank_sources.hpp>
#include <rill/rdd/rdd.hpp>
#include <rill/rdd/sources.hpp>
#include <rill/rdd/task_accumulators.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// What only the bodies below use: a program built against the compiled runtime
// does not parse the pool's and the job count's threading headers.
#if RILL_RUNTIME_BODIES
#include <rill/exec/thread_pool.hpp>
#include <rill/io/file_lines.hpp>

#include <condition_variable>
#include <mutex>
#endif

namespace rill::exec {
class ThreadPool;
}  // namespace rill::exec

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
  /// One process: the default cluster of one rank.
  explicit SparkContext(SparkConf conf = SparkConf());
  /// This rank's context on `cluster` (which must outlive it): every rank
  /// creates one with the same settings. rill.cluster.timeout (milliseconds) sets
  /// how long a rank waits in a collective for the others.
  SparkContext(SparkConf conf, exec::Cluster& cluster) : SparkContext(std::move(conf), nullptr, &cluster) {}
  SparkContext(const std::string& master, const std::string& appName)
      : SparkContext(SparkConf().setMaster(master).setAppName(appName)) {}
  SparkContext(const SparkContext&) = delete;
  SparkContext& operator=(const SparkContext&) = delete;
  /// Joins the worker threads. Defined in the runtime, so a program does not
  /// compile the pool's and the cluster's teardown into every translation unit.
  ~SparkContext();

  const SparkConf& getConf() const { return conf_; }
  const std::string& appName() const { return conf_.appName(); }
  /// Spark's "local-<milliseconds since the epoch when the context started>"; rank
  /// 0's on every rank.
  const std::string& applicationId() const { return applicationId_; }
  /// Partitions used when none are asked for: spark.default.parallelism when set
  /// (the total over all ranks), else the worker threads of all ranks, so P ranks
  /// of local[N] cut data as one process of local[P*N] does (and ranks of
  /// local[*] on hosts of different sizes agree). The threads that run a rank's
  /// tasks stay executor().parallelism().
  std::size_t defaultParallelism() const { return configuredParallelism_ ? configuredParallelism_ : allThreads_; }
  /// Where this rank's tasks run (its own worker threads); after stop() it refuses them.
  exec::Executor& executor() { return jobs_; }
  /// The ranks jobs run on.
  exec::Cluster& cluster() { return *cluster_; }
  /// Rank 0, the one that prints (Spark's driver).
  bool isDriver() const { return cluster_->isDriver(); }
  /// What shuffles between ranks have cost so far (bytes, serialise, exchange and
  /// deserialise times); all zero on one rank.
  exec::ExchangeMetrics& exchangeMetrics() { return metrics_; }

  /// stop(): Spark's SparkContext.stop(). Waits for the jobs already running, then
  /// joins the worker threads. Afterwards every job (any action) and every new RDD from
  /// parallelize/makeRDD/range/textFile throws rill::IllegalStateException, as does
  /// StreamingContext::start() on this context. Calling it again does nothing. Called
  /// from inside a task of this context it only refuses new jobs; the threads are then
  /// joined by a later stop() or the destructor.
  void stop();
  bool isStopped() const { return stopped_.load(); }

  /// parallelize(range[, numSlices]): any input range — a container, a std or
  /// range-v3 view, a generator — copied once and cut into numSlices partitions.
  /// With several ranks every rank must pass the same collection (checked in
  /// debug builds) and keeps only the slices it owns.
  template <class R>
  auto parallelize(R&& range, std::int64_t numSlices = 0) {
    static_assert(fuse::Iterable<std::remove_reference_t<R>>,
                  "rill: parallelize(range) needs an input range (a container, a view, or a generator)");
    assertNotStopped();
    const std::size_t n = slices(numSlices, "parallelize");
    return fromVector(toVector(std::forward<R>(range)), n);
  }
  /// parallelizeFrom(root, range[, numSlices]): rank `root`'s collection, cut as
  /// parallelize cuts it, each slice sent to the rank that owns it; the other
  /// ranks' `range` is ignored. On one rank, parallelize.
  template <class R>
  auto parallelizeFrom(std::size_t root, R&& range, std::int64_t numSlices = 0) {
    static_assert(fuse::Iterable<std::remove_reference_t<R>>,
                  "rill: parallelizeFrom(root, range) needs an input range (a container, a view, or a generator)");
    assertNotStopped();
    const std::size_t n = slices(numSlices, "parallelizeFrom");
    if (root >= cluster_->size())
      throw std::invalid_argument(detail::message(
          {"rill: parallelizeFrom: root rank ", root, ", but there are ", cluster_->size(), " ranks"}));
    using T = detail::parallelize_value_t<std::remove_reference_t<R>>;
    std::vector<T> all = cluster_->rank() == root ? toVector(std::forward<R>(range)) : std::vector<T>();
    if (cluster_->size() == 1) return fromVector(std::move(all), n);
    return fromPartitions(detail::scatterSlices(*cluster_, root, std::move(all), n));
  }
  /// fromLocal(range[, numSlices]): each rank's own data as its partitions: of the
  /// numSlices partitions (default: defaultParallelism()), the ones this rank owns
  /// hold its `range`, cut evenly. On one rank, parallelize.
  template <class R>
  auto fromLocal(R&& range, std::int64_t numSlices = 0) {
    static_assert(fuse::Iterable<std::remove_reference_t<R>>,
                  "rill: fromLocal(range) needs an input range (a container, a view, or a generator)");
    assertNotStopped();
    const std::size_t n = slices(numSlices, "fromLocal");
    return fromPartitions(detail::localPartitions(*cluster_, toVector(std::forward<R>(range)), n));
  }
  template <class T>
  RDD<T> parallelize(std::initializer_list<T> values, std::int64_t numSlices = 0) {
    assertNotStopped();
    return fromVector(std::vector<T>(values), slices(numSlices, "parallelize"));
  }
  /// makeRDD is Spark's other name for parallelize.
  template <class R>
  auto makeRDD(R&& range, std::int64_t numSlices = 0) {
    return parallelize(std::forward<R>(range), numSlices);
  }

  /// range(start, end[, step, numSlices]): start, start+step, ... below end, generated lazily.
  RDD<std::int64_t> range(std::int64_t start, std::int64_t end, std::int64_t step = 1, std::int64_t numSlices = 0);

  /// textFile(path[, minPartitions]): the lines (without their '\n', "\r\n" or
  /// lone '\r', as Hadoop's LineReader) of a file, of the files in a directory,
  /// or of the files a glob (`logs/*.log`) matches, in path order; hidden
  /// files ('.' or '_' first) skipped, as Hadoop does. A .gz file is
  /// decompressed (after rill::io::enableGzip(), see
  /// <rill/io/gzip.hpp>) as one partition. Throws rill::IoError naming the path
  /// when it does not exist or a pattern matches nothing; an empty directory
  /// gives an RDD without partitions. A line longer than the setting
  /// rill.textFile.maxLineLength (bytes, default 2^31 - 1 as Hadoop's reader)
  /// fails the job with rill::IoError rather than be held or skipped.
  RDD<std::string> textFile(const std::string& path, std::int64_t minPartitions = 0);

  /// wholeTextFiles(path[, minPartitions]): one (file path, whole content) pair
  /// per file `path` names (as textFile finds them: a file, a directory, a glob),
  /// in path order, .gz files decompressed; min(minPartitions, files) partitions.
  RDD<std::pair<std::string, std::string>> wholeTextFiles(const std::string& path, std::int64_t minPartitions = 0);

  /// union_(rdds) / union_(first, rest...): Spark's sc.union (`union` is a C++
  /// keyword): the partitions of every RDD one after the other, or, when every RDD
  /// with partitions has the same partitioner, partition i of each in turn, the
  /// partitioner kept.
  template <class T>
  RDD<T> union_(const std::vector<RDD<T>>& rdds) {
    assertNotStopped();
    return detail::unionAll(*this, rdds);
  }
  template <class First, class... Rest>
  auto union_(const First& first, const Rest&... rest) {
    constexpr bool allRDDs = (detail::RDDLike<First> && ... && detail::RDDLike<Rest>);
    static_assert(allRDDs, "rill: union_ needs RDDs (or one std::vector of RDDs)");
    if constexpr (allRDDs) {
      using T = typename First::value_type;
      static_assert((std::is_same_v<T, typename Rest::value_type> && ...),
                    "rill: union_ needs RDDs of the same element type");
      return union_(std::vector<RDD<T>>{first.toRDD(), rest.toRDD()...});
    }
  }

  /// broadcast(value): a read-only value every task reads with .value(); with
  /// several ranks rank 0's value, sent to every rank once, now (every rank calls it).
  template <class T>
  Broadcast<std::decay_t<T>> broadcast(T&& value) {
    assertNotStopped();
    using V = std::decay_t<T>;
    V shared = detail::valueOfRankZero<V>(*cluster_, "broadcast", std::forward<T>(value));
    return Broadcast<V>(nextBroadcastId_++, std::move(shared));
  }

  /// Accumulators: tasks add(), the driver reads value(); each successful task's
  /// updates count once, a failed task's not at all. With several ranks every
  /// rank creates the same ones, and after each job every rank reads the value
  /// merged from all ranks.
  LongAccumulator longAccumulator();
  LongAccumulator longAccumulator(std::string name);
  DoubleAccumulator doubleAccumulator();
  DoubleAccumulator doubleAccumulator(std::string name);
  template <class T>
  CollectionAccumulator<T> collectionAccumulator() {
    return registerAccumulator(ElementList<T>());
  }
  template <class T>
  CollectionAccumulator<T> collectionAccumulator(std::string name) {
    return registerAccumulator(ElementList<T>(), std::move(name));
  }
  /// Spark's sc.register(acc[, name]) for a user-defined accumulator (see
  /// accumulator.hpp for what A provides); `acc` is the starting value.
  template <class A>
  Accumulator<A> registerAccumulator(A acc, std::optional<std::string> name = std::nullopt) {
    static_assert(AccumulatorType<A>,
                  "rill: registerAccumulator needs a copyable type with merge(const A&), reset() and value() const "
                  "(and the add(x) tasks call)");
    auto cell = makeRef<detail::AccumulatorCell<A>>(std::move(acc), accumulators_.nextId(), std::move(name),
                                                    cluster_->size() > 1);
    accumulators_.add(cell);
    return Accumulator<A>(std::move(cell));
  }

  template <class T>
  RDD<T> emptyRDD() {
    assertNotStopped();
    return RDD<T>(*this, makeNode<StoredNode<T>>(typename StoredNode<T>::Partitions{}));
  }

  /// Stored partitions as an RDD (what shuffles and restored stream batches produce).
  /// With several ranks partition p holds what the rank that owns it passed.
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
  // The partitions a source asked for `asked` makes: 0 for the default parallelism.
  std::size_t slices(std::int64_t asked, std::string_view op) const {
    const std::size_t n = detail::partitionCount(asked, op);
    return n ? n : defaultParallelism();
  }

  void assertNotStopped() const {
    if (stopped_) throw IllegalStateException("rill: this SparkContext has been stopped");
  }

  // Every job enters through here: refused after stop(), counted so that stop()
  // can wait for the running ones before it joins the pool.
  class Jobs final : public exec::Executor {
   public:
    explicit Jobs(SparkContext& sc) : sc_(&sc) {}
    std::size_t parallelism() const override { return sc_->parallelism_; }
    RILL_RUNTIME void runTasks(std::size_t n, exec::TaskRef task) override;

   private:
    SparkContext* sc_;
  };

  // `own` is the cluster when `cluster` is null.
  SparkContext(SparkConf conf, std::unique_ptr<exec::Cluster> own, exec::Cluster* cluster);

  /// The range's elements in a vector: a vector handed over is moved, anything else copied once.
  template <class R>
  static auto toVector(R&& range) {
    using T = detail::parallelize_value_t<std::remove_reference_t<R>>;
    if constexpr (std::is_same_v<R, std::vector<T>>) {  // a vector handed over: its elements are ours to move
      return std::move(range);
    } else {
      std::vector<T> all;
      if constexpr (requires { std::size(range); }) all.reserve(static_cast<std::size_t>(std::size(range)));
      for (auto&& x : range) all.emplace_back(std::forward<decltype(x)>(x));
      return all;
    }
  }

  template <class T>
  RDD<T> fromVector(std::vector<T> all, std::size_t n) {
    if (cluster_->size() == 1) return RDD<T>(*this, makeNode<SlicedNode<T>>(std::move(all), n));
#ifndef NDEBUG
    detail::requireSameOnEveryRank(*cluster_, "parallelize", all);
#endif
    const Block mine = ownedBlock(cluster_->rank(), n, cluster_->size());
    return RDD<T>(*this, makeNode<SlicedNode<T>>(std::move(all), n, mine.first, mine.last));
  }

  SparkConf conf_;
  std::size_t configuredParallelism_;  // spark.default.parallelism, 0 when unset
  std::unique_ptr<exec::Cluster> ownCluster_;  // the default single-process cluster, when no cluster was given
  exec::Cluster* cluster_;
  exec::ExchangeMetrics metrics_;
  std::unique_ptr<exec::ThreadPool> pool_;  // reset (its threads joined) by stop() or the destructor
  std::size_t parallelism_;
  std::size_t allThreads_ = 0;  // the worker threads of every rank, summed
  Jobs jobs_;
  struct RunningJobs;  // counted so that stop() can wait for them (defined with the bodies)
  std::unique_ptr<RunningJobs> running_;
  std::atomic<bool> stopped_{false};
  std::string applicationId_;
  std::atomic<std::int64_t> nextBroadcastId_{0};
  detail::AccumulatorRegistry accumulators_;
  static inline thread_local SparkContext* insideTaskOf_ = nullptr;  // the context whose task this thread runs
  friend detail::AccumulatorRegistry& detail::accumulatorsOf(SparkContext&);
};

namespace detail {
inline exec::Executor& executorOf(SparkContext& sc) { return sc.executor(); }
inline exec::Cluster& clusterOf(SparkContext& sc) { return sc.cluster(); }
inline exec::ExchangeMetrics& exchangeMetricsOf(SparkContext& sc) { return sc.exchangeMetrics(); }
inline AccumulatorRegistry& accumulatorsOf(SparkContext& sc) { return sc.accumulators_; }
}  // namespace detail

#if RILL_RUNTIME_BODIES

struct SparkContext::RunningJobs {
  std::mutex mutex;
  std::condition_variable idle;
  std::size_t count = 0;  // guarded by mutex
};

RILL_RUNTIME void SparkContext::stop() {
  std::unique_lock lock(running_->mutex);
  stopped_ = true;
  if (insideTaskOf_ == this) return;  // a worker cannot join its own pool
  running_->idle.wait(lock, [&] { return running_->count == 0; });
  pool_.reset();
}

RILL_RUNTIME LongAccumulator SparkContext::longAccumulator() { return registerAccumulator(LongCounter()); }
RILL_RUNTIME LongAccumulator SparkContext::longAccumulator(std::string name) {
  return registerAccumulator(LongCounter(), std::move(name));
}
RILL_RUNTIME DoubleAccumulator SparkContext::doubleAccumulator() { return registerAccumulator(DoubleCounter()); }
RILL_RUNTIME DoubleAccumulator SparkContext::doubleAccumulator(std::string name) {
  return registerAccumulator(DoubleCounter(), std::move(name));
}

RILL_RUNTIME RDD<std::int64_t> SparkContext::range(std::int64_t start, std::int64_t end, std::int64_t step,
                                                   std::int64_t numSlices) {
  if (step == 0) throw std::invalid_argument("rill: range: step must not be 0");
  assertNotStopped();
  return RDD<std::int64_t>(*this, makeNode<detail::RangeNode>(start, end, step, slices(numSlices, "range")));
}

RILL_RUNTIME RDD<std::string> SparkContext::textFile(const std::string& path, std::int64_t minPartitions) {
  assertNotStopped();
  const std::size_t maxLineLength =
      detail::confPositive(conf_, "rill.textFile.maxLineLength", io::kDefaultMaxLineLength);
  const std::size_t n = slices(minPartitions, "textFile");
  auto files = detail::agreedInputFiles(*cluster_, path, "textFile");  // every rank plans the same splits
  return RDD<std::string>(*this, makeNode<detail::TextFileNode>(detail::textFileSplits(files, n), maxLineLength));
}

RILL_RUNTIME RDD<std::pair<std::string, std::string>> SparkContext::wholeTextFiles(const std::string& path,
                                                                                   std::int64_t minPartitions) {
  assertNotStopped();
  const std::size_t n = slices(minPartitions, "wholeTextFiles");
  std::vector<std::string> paths;
  for (io::InputFile& f : detail::agreedInputFiles(*cluster_, path, "wholeTextFiles"))
    paths.push_back(std::move(f.path));
  const std::size_t parts = std::min(n, paths.size());
  return RDD<std::pair<std::string, std::string>>(*this, makeNode<detail::WholeTextFilesNode>(std::move(paths), parts));
}

RILL_RUNTIME void SparkContext::Jobs::runTasks(std::size_t n, exec::TaskRef task) {
  {
    std::lock_guard lock(sc_->running_->mutex);
    sc_->assertNotStopped();
    ++sc_->running_->count;
  }
  struct Leave {
    SparkContext* sc;
    ~Leave() {
      RunningJobs& running = *sc->running_;
      std::lock_guard lock(running.mutex);
      if (--running.count == 0) running.idle.notify_all();
    }
  } leave{sc_};
  SparkContext* sc = sc_;
  auto marked = [sc, task](std::size_t i) {
    SparkContext* outer = std::exchange(insideTaskOf_, sc);
    struct Restore {
      SparkContext* outer;
      ~Restore() { insideTaskOf_ = outer; }
    } restore{outer};
    detail::TaskAccumulators::run([&] { task(i); });
  };
  sc_->pool_->runTasks(n, marked);
}

RILL_RUNTIME SparkContext::SparkContext(SparkConf conf)
    : SparkContext(std::move(conf), std::make_unique<exec::SingleProcessCluster>(), nullptr) {}

RILL_RUNTIME SparkContext::~SparkContext() = default;

RILL_RUNTIME SparkContext::SparkContext(SparkConf conf, std::unique_ptr<exec::Cluster> own, exec::Cluster* cluster)
    : conf_(std::move(conf)),
      configuredParallelism_(detail::confPositive(conf_, std::string(detail::kDefaultParallelismSetting), 0)),
      ownCluster_(std::move(own)),
      cluster_(cluster ? cluster : ownCluster_.get()),
      pool_(std::make_unique<exec::ThreadPool>(conf_.threads())),
      parallelism_(pool_->parallelism()),
      jobs_(*this),
      running_(std::make_unique<RunningJobs>()) {
  const std::string timeout(exec::kClusterTimeoutSetting);
  if (conf_.contains(timeout)) cluster_->setTimeout(std::chrono::milliseconds(conf_.getLong(timeout, 0)));
  const auto started =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  // Every rank's start time and threads, in one collective; rank 0's time names the
  // application. Numbers cross: a string would compile its codec into every program.
  using StartAndThreads = std::pair<std::int64_t, std::uint64_t>;
  constexpr std::string_view tag = "SparkContext";
  exec::Bytes mine;
  exec::appendWire(mine, StartAndThreads(started.count(), parallelism_), tag);
  const std::vector<exec::Bytes> every = cluster_->allGather(tag, std::move(mine));
  for (std::size_t r = 0; r < every.size(); ++r) {
    const auto [start, threads] = exec::readWire<StartAndThreads>(every[r], tag);
    if (r == 0) applicationId_ = "local-" + std::to_string(start);
    allThreads_ += static_cast<std::size_t>(threads);
  }
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
