#pragma once
// Shared helpers for the RDD tests: contexts with 1, 2 and 8 workers, the
// partition shapes every action is checked on, and small file utilities.
#include <doctest/doctest.h>

#include <rill/rdd/spark_context.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace rill_test {

inline rill::SparkConf conf(std::size_t workers) {
  return rill::SparkConf().setAppName("rill-test").setMaster("local[" + std::to_string(workers) + "]");
}

/// Runs body(sc) on contexts with 1, 2 and 8 worker threads.
template <class Body>
void withWorkers(Body&& body) {
  for (std::size_t workers : {1u, 2u, 8u}) {
    CAPTURE(workers);
    rill::SparkContext sc(conf(workers));
    body(sc);
  }
}

/// The layouts every action is checked on: empty, one partition, more partitions
/// than elements, more partitions than workers.
struct Shape {
  const char* name;
  std::vector<int> data;
  std::size_t slices;
};

inline std::vector<int> iota(int from, int to) {  // [from, to)
  std::vector<int> v(static_cast<std::size_t>(std::max(0, to - from)));
  std::iota(v.begin(), v.end(), from);
  return v;
}

inline std::vector<Shape> shapes() {
  return {
      {"empty, 3 partitions", {}, 3},
      {"one element, 1 partition", {7}, 1},
      {"1 partition", {5, -3, 8, 8, 0, 2}, 1},
      {"more partitions than elements", {4, 1, 3}, 9},
      {"16 partitions (above the worker count)", iota(1, 101), 16},
  };
}

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

/// A fresh path inside the test's scratch directory (RILL_TEST_TMP).
inline std::string tmpPath(const std::string& name) {
  const char* root = std::getenv("RILL_TEST_TMP");
  std::filesystem::path dir = root ? root : std::filesystem::temp_directory_path().string();
  auto path = dir / name;
  std::filesystem::remove_all(path);
  return path.string();
}

inline void writeFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// The names in a directory, sorted (hidden temporaries included, so a test can
/// prove none were left behind).
inline std::vector<std::string> listDir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return sorted(names);
}

}  // namespace rill_test
