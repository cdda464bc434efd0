// Instruction-count cases for tools/instr_count: the fused loop of bench_fusion
// (sum: map -> filter -> map -> sum; words: flatMap(tokenize) -> count) and the word
// count of bench_keyed (flatMap -> map to (string_view, 1) -> reduceByKey -> count), on
// inputs small enough for callgrind, all on "local[1]".
//   cases CASE N   builds CASE's input, then runs CASE N times and prints its answer
// tools/instr_count runs it under callgrind with N = 0 and N = 2, so the input's setup
// cancels out. Not part of the CMake build; tools/instr_count compiles it.
#include <rill/rdd/spark_context.hpp>

#include "../workload.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

std::uint32_t lcg(std::uint32_t& state) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

std::vector<int> ints(std::size_t n) {
  std::vector<int> v(n);
  std::uint32_t s = 12345;
  for (auto& x : v) x = static_cast<int>(lcg(s) & 0xffff);
  return v;
}

// Lines of ~80 chars of words drawn from a 2000-word vocabulary, skewed toward the
// first words (about as a Zipf text: many repeats, a long tail).
std::vector<std::string> lines(std::size_t bytes) {
  std::uint32_t s = 67890;
  std::vector<std::string> vocabulary(2000);
  for (auto& w : vocabulary) {
    const std::size_t len = 2 + lcg(s) % 9;
    for (std::size_t i = 0; i < len; ++i) w += static_cast<char>('a' + lcg(s) % 26);
  }
  std::vector<std::string> out;
  for (std::size_t total = 0; total < bytes;) {
    std::string line;
    while (line.size() < 80) {
      if (!line.empty()) line += ' ';
      const std::size_t r = lcg(s) % vocabulary.size();
      line += vocabulary[r * (lcg(s) % vocabulary.size()) / vocabulary.size()];
    }
    total += line.size() + 1;
    out.push_back(std::move(line));
  }
  return out;
}

using rill_bench::keep;
using rill_bench::mapIn;
using rill_bench::mapOut;
using rill_bench::Tokens;
using Words = rill_bench::SpaceWords;

const auto plus = [](long a, long b) { return a + b; };

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: cases sum|words|wordcount N\n");
    return 2;
  }
  const std::string kase = argv[1];
  const int n = std::atoi(argv[2]);
  rill::SparkContext sc(rill::SparkConf().setAppName("instr").setMaster("local[1]"));
  std::int64_t answer = 0;
  if (kase == "sum") {
    const auto rdd = sc.parallelize(ints(1'000'000), 4);
    for (int i = 0; i < n; ++i) answer += rdd.map(mapIn).filter(keep).map(mapOut).sum();
  } else if (kase == "words" || kase == "wordcount") {
    const auto text = lines(4u << 20);
    const auto rdd = sc.parallelize(text, 4);
    for (int i = 0; i < n; ++i)
      answer += kase == "words"
                    ? static_cast<std::int64_t>(
                          rdd.flatMap([](const std::string& l) { return Tokens(l); }).count())
                    : static_cast<std::int64_t>(
                          rdd.flatMap([](const std::string& l) { return Words{l}; })
                              .map([](std::string_view w) { return std::pair<std::string_view, long>(w, 1); })
                              .reduceByKey(plus)
                              .count());
  } else {
    std::fprintf(stderr, "cases: unknown case %s\n", kase.c_str());
    return 2;
  }
  std::printf("%lld\n", static_cast<long long>(answer));
}
