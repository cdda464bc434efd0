// Built against the INSTALLED rill package (find_package(rill)): a tiny word
// count proves the installed headers and their dependencies work together.
#include <rill/rill.hpp>

#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

int main() {
  rill::SparkContext sc(rill::SparkConf().setAppName("consumer").setMaster("local[2]"));
  const std::vector<std::string> lines{"a b a", "c b a", ""};
  const auto counts = sc.parallelize(lines, 2)
                          .flatMap([](const std::string& line) {
                            std::vector<std::string> words;
                            std::istringstream in(line);
                            for (std::string w; in >> w;) words.push_back(w);
                            return words;
                          })
                          .countByValue();
  const std::unordered_map<std::string, std::int64_t> expected{{"a", 3}, {"b", 2}, {"c", 1}};
  if (counts != expected) {
    std::cerr << "consumer: word count mismatch\n";
    return 1;
  }
  std::cout << "consumer: word count OK\n";
  return 0;
}
