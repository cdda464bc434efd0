#pragma once
// Checks shared by the checkpoint tests: the files a checkpoint directory
// holds, and a restarted run compared batch by batch with an uninterrupted one.
#include <doctest/doctest.h>

#include "checkpoint_program.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ws_test {

/// The names in dir, sorted.
inline std::vector<std::string> filesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// The run's first batch is fromMs, and every batch it ran equals the reference's.
inline void checkSameFrom(const ProgramRun& run, const ProgramRun& reference, std::int64_t fromMs) {
  REQUIRE_FALSE(run.lines.empty());
  CHECK(run.lines.begin()->first == fromMs);
  for (const auto& entry : run.lines) {
    const std::int64_t t = entry.first;
    CAPTURE(t);
    REQUIRE(reference.lines.count(t) == 1);
    CHECK(entry.second == reference.lines.at(t));
  }
}

}  // namespace ws_test
