#pragma once
// split(line, sep): the words of a line, for the flatMap of a word count
// (Python's line.split(" ") in Spark's examples). Empty pieces between repeated
// separators are skipped, so "a  b" gives {"a", "b"}, not {"a", "", "b"}: no
// word count wants to count the empty word. Owned strings, not views, so the
// words outlive the line (a collect() of them must not dangle).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rill {

inline std::vector<std::string> split(std::string_view line, char sep = ' ') {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < line.size()) {
    std::size_t end = line.find(sep, start);
    if (end == std::string_view::npos) end = line.size();
    if (end > start) words.emplace_back(line.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

}  // namespace rill
