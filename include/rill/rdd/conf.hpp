#pragma once
// SparkConf: the application name, the master ("local", "local[N]",
// "local[*]") and free-form settings such as spark.streaming.receiver.maxRate.
#include <rill/core/algorithm.hpp>

#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

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
    if (std::string* old = find(key))
      *old = std::move(value);
    else
      settings_.emplace_back(key, std::move(value));
    return *this;
  }
  std::string get(const std::string& key, const std::string& defaultValue = "") const {
    const std::string* value = find(key);
    return value ? *value : defaultValue;
  }
  long long getLong(const std::string& key, long long defaultValue) const {
    const std::string* value = find(key);
    if (!value) return defaultValue;
    try {
      std::size_t used = 0;
      long long v = std::stoll(*value, &used);
      if (used == value->size()) return v;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument("rill: setting '" + key + "' must be an integer, got '" + *value + "'");
  }
  bool contains(const std::string& key) const { return find(key) != nullptr; }

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
  // A handful of settings at most: a vector searched in order costs the compiler
  // far less than a std::map (every program that makes a SparkConf compiles it).
  std::vector<std::pair<std::string, std::string>> settings_;

  const std::string* find(const std::string& key) const {
    for (const auto& [k, v] : settings_)
      if (k == key) return &v;
    return nullptr;
  }
  std::string* find(const std::string& key) { return const_cast<std::string*>(std::as_const(*this).find(key)); }
};

}  // namespace rill
