#pragma once
// SparkConf: the application name, the master ("local", "local[N]",
// "local[*]") and free-form settings such as spark.streaming.receiver.maxRate.
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if RILL_RUNTIME_BODIES
#include <thread>  // parseMaster's local[*]
#endif

namespace rill {

class SparkConf {
 public:
  // Defined below under RILL_RUNTIME_BODIES (compiled once with the runtime when
  // it is built separately: rill/core/runtime.hpp), so passing a SparkConf around
  // does not compile the copying of its settings into every program.
  SparkConf();
  SparkConf(const SparkConf&);
  SparkConf(SparkConf&&) noexcept;
  SparkConf& operator=(const SparkConf&);
  SparkConf& operator=(SparkConf&&) noexcept;
  ~SparkConf();

  SparkConf& setAppName(std::string name) {
    appName_ = std::move(name);
    return *this;
  }
  /// "local" (1 thread), "local[N]" (N threads) or "local[*]" (one per core).
  SparkConf& setMaster(std::string master) {
    threads_ = parseMaster(master);
    master_ = std::move(master);
    return *this;
  }
  SparkConf& set(const std::string& key, std::string value);
  std::string get(const std::string& key, const std::string& defaultValue = "") const;
  long long getLong(const std::string& key, long long defaultValue) const;
  bool contains(const std::string& key) const;

  const std::string& appName() const { return appName_; }
  const std::string& master() const { return master_; }
  std::size_t threads() const { return threads_; }

  static std::size_t parseMaster(const std::string& master);

 private:
  std::string appName_ = "rill";
  std::string master_ = "local";
  std::size_t threads_ = 1;
  std::vector<std::pair<std::string, std::string>> settings_;  // (key, value), in the order first set

  const std::string* find(const std::string& key) const;
  std::string* find(const std::string& key) { return const_cast<std::string*>(std::as_const(*this).find(key)); }
};

namespace detail {
/// Spark's setting for the partitions an operation makes when none are asked for.
inline constexpr std::string_view kDefaultParallelismSetting = "spark.default.parallelism";
/// Spark's settings for how take() grows its rounds: the first round's partitions, and at
/// most how many times the partitions scanned so far a later round scans.
inline constexpr std::string_view kTakeInitialPartitionsSetting = "spark.rdd.limit.initialNumPartitions";
inline constexpr std::string_view kTakeScaleUpSetting = "spark.rdd.limit.scaleUpFactor";
}  // namespace detail

#if RILL_RUNTIME_BODIES

RILL_RUNTIME SparkConf::SparkConf() = default;
RILL_RUNTIME SparkConf::SparkConf(const SparkConf&) = default;
RILL_RUNTIME SparkConf::SparkConf(SparkConf&&) noexcept = default;
RILL_RUNTIME SparkConf& SparkConf::operator=(const SparkConf&) = default;
RILL_RUNTIME SparkConf& SparkConf::operator=(SparkConf&&) noexcept = default;
RILL_RUNTIME SparkConf::~SparkConf() = default;

RILL_RUNTIME SparkConf& SparkConf::set(const std::string& key, std::string value) {
  if (std::string* old = find(key))
    *old = std::move(value);
  else
    settings_.emplace_back(key, std::move(value));
  return *this;
}
RILL_RUNTIME std::string SparkConf::get(const std::string& key, const std::string& defaultValue) const {
  const std::string* value = find(key);
  return value ? *value : defaultValue;
}
RILL_RUNTIME bool SparkConf::contains(const std::string& key) const { return find(key) != nullptr; }
RILL_RUNTIME const std::string* SparkConf::find(const std::string& key) const {
  for (const auto& [k, value] : settings_)
    if (k == key) return &value;
  return nullptr;
}

RILL_RUNTIME long long SparkConf::getLong(const std::string& key, long long defaultValue) const {
  const std::string* value = find(key);
  if (!value) return defaultValue;
  try {
    std::size_t used = 0;
    long long v = std::stoll(*value, &used);
    if (used == value->size()) return v;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(detail::message({"rill: setting '", key, "' must be an integer, got '", *value, "'"}));
}

RILL_RUNTIME std::size_t SparkConf::parseMaster(const std::string& master) {
  const std::string_view m = master;
  constexpr std::string_view prefix = "local[";
  if (m == "local") return 1;
  if (m.size() > prefix.size() + 1 && m.starts_with(prefix) && m.back() == ']') {
    const std::string_view inner = m.substr(prefix.size(), m.size() - prefix.size() - 1);
    if (inner == "*") return std::max(1u, std::thread::hardware_concurrency());
    std::size_t n = 0;
    bool digits = inner.size() < 6;  // up to 99999 threads
    for (const char c : inner) {
      digits = digits && c >= '0' && c <= '9';
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (digits && n > 0) return n;
  }
  throw std::invalid_argument(detail::message(
      {"rill: unsupported master '", master, "': use \"local\", \"local[N]\" with N > 0, or \"local[*]\""}));
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
