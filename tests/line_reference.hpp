#pragma once
// A byte-by-byte statement of where Spark ends a line (Hadoop's
// LineReader.readDefaultLine, Java's BufferedReader.readLine): at '\n', at
// "\r\n" and at a '\r' followed by anything else; a trailing terminator adds
// no empty line. Kept naive on purpose, so that the tests check rill's framer
// against the rule rather than against a copy of it.
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace rill_test {

/// The lines of `data` of at most `limit` bytes; longer ones are counted in `overlong`.
inline std::vector<std::string> referenceLines(std::string_view data, std::size_t limit, std::size_t& overlong) {
  std::vector<std::string> out;
  std::string line;
  bool open = false;
  auto take = [&] {
    if (line.size() > limit)
      ++overlong;
    else
      out.push_back(line);
    line.clear();
    open = false;
  };
  for (std::size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c != '\r' && c != '\n') {
      line += c;
      open = true;
      continue;
    }
    take();
    if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
  }
  if (open) take();
  return out;
}

inline std::vector<std::string> referenceLines(std::string_view data) {
  std::size_t overlong = 0;
  return referenceLines(data, std::string::npos, overlong);
}

/// `n` bytes drawn from "ab\r\n", so that terminators meet in every combination.
inline std::string randomLineBytes(std::mt19937& random, std::size_t n) {
  static constexpr char kBytes[] = {'a', 'b', '\r', '\n'};
  std::string s(n, ' ');
  for (char& c : s) c = kBytes[random() % 4];
  return s;
}

}  // namespace rill_test
