#pragma once
// SparkConf: the application name, the master ("local", "local[N]",
// "local[*]") and free-form settings such as spark.streaming.receiver.maxRate.
#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

namespace rill {

class SparkConf {
 public:
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
  SparkConf& set(const std::string& key, std::string value) {
    settings_[key] = std::move(value);
    return *this;
  }
  std::string get(const std::string& key, const std::string& defaultValue = "") const {
    auto it = settings_.find(key);
    return it == settings_.end() ? defaultValue : it->second;
  }
  long long getLong(const std::string& key, long long defaultValue) const {
    auto it = settings_.find(key);
    if (it == settings_.end()) return defaultValue;
    try {
      std::size_t used = 0;
      long long v = std::stoll(it->second, &used);
      if (used == it->second.size()) return v;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument("rill: setting '" + key + "' must be an integer, got '" + it->second + "'");
  }
  bool contains(const std::string& key) const { return settings_.count(key) != 0; }

  const std::string& appName() const { return appName_; }
  const std::string& master() const { return master_; }
  std::size_t threads() const { return threads_; }

  static std::size_t parseMaster(const std::string& master) {
    if (master == "local") return 1;
    const std::string prefix = "local[";
    if (master.size() > prefix.size() + 1 && master.compare(0, prefix.size(), prefix) == 0 &&
        master.back() == ']') {
      const std::string inner = master.substr(prefix.size(), master.size() - prefix.size() - 1);
      if (inner == "*") return std::max(1u, std::thread::hardware_concurrency());
      if (inner.find_first_not_of("0123456789") == std::string::npos && inner.size() < 6) {
        const int n = std::stoi(inner);
        if (n > 0) return static_cast<std::size_t>(n);
      }
    }
    throw std::invalid_argument("rill: unsupported master '" + master +
                                "': use \"local\", \"local[N]\" with N > 0, or \"local[*]\"");
  }

 private:
  std::string appName_ = "rill";
  std::string master_ = "local";
  std::size_t threads_ = 1;
  std::map<std::string, std::string> settings_;
};

}  // namespace rill
