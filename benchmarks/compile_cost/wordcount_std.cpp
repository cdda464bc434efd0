// compile-cost probe: the same word count with only the standard library
// (single-threaded, an unordered_map), as the floor a C++ program pays.
// rill/core/split.hpp is plain standard C++ (string, string_view, vector).
#include <rill/core/split.hpp>

#include <iostream>
#include <string>
#include <unordered_map>
#include <vector>

int main() {
  std::vector<std::string> lines{"to be or not to be", "that is the question"};
  std::unordered_map<std::string, int> counts;
  for (const auto& line : lines)
    for (auto& word : rill::split(line, ' ')) counts[word] += 1;
  for (const auto& [word, n] : counts) std::cout << "(" << word << "," << n << ")\n";
}
