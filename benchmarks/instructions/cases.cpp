// Instruction-count cases for tools/instr_count: the fused loop of bench_fusion
// (sum: map -> filter -> map -> sum; words: flatMap(tokenize) -> count), each action
// ending map -> filter -> map (act:reduce, act:fold, ...) beside the hand loop a user
// would write for it (hand:reduce, hand:fold, ...), the word count as a user writes it
// (written: flatMap(rill::split) -> map to (std::string, 1) -> reduceByKey -> collectAsMap)
// beside the hand loop over an std::unordered_map<std::string, long> (hand:written), and the word
// count of bench_keyed (flatMap -> map to (string_view, 1) -> reduceByKey -> count), on
// inputs small enough for callgrind, all on "local[1]".
//   cases CASE N   builds CASE's input, then runs CASE N times and prints its answer
// tools/instr_count runs it under callgrind with N = 0 and N = 2, so the input's setup
// cancels out. Not part of the CMake build; tools/instr_count compiles it.
#include <rill/core/split.hpp>
#include <rill/rdd/spark_context.hpp>

#include "../workload.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using rill_bench::lcg;
using rill_bench::randomInts;

// Lines of ~80 chars of words drawn from a 2000-word vocabulary, skewed toward the
// first words (about as a Zipf text: many repeats, a long tail).
std::vector<std::string> lines(std::size_t bytes) {
  std::uint32_t s = 67890;
  const std::vector<std::string> vocabulary = rill_bench::vocabulary(s);
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
    std::fprintf(stderr, "usage: cases sum|words|wordcount|written|hand:written|act:ACTION|hand:ACTION N\n");
    return 2;
  }
  const std::string kase = argv[1];
  const int n = std::atoi(argv[2]);
  rill::SparkContext sc(rill::SparkConf().setAppName("instr").setMaster("local[1]"));
  std::int64_t answer = 0;
  // The index in kActions of the action the case names after `prefix`, or -1.
  const auto action = [&](const std::string& prefix) {
    for (int i = 0; i < static_cast<int>(std::size(rill_bench::kActionNames)); ++i)
      if (kase == prefix + rill_bench::kActionNames[i]) return i;
    return -1;
  };
  if (const auto a = action("act:"); a >= 0) {
    const auto rdd = sc.parallelize(randomInts(1'000'000), 4);
    for (int i = 0; i < n; ++i)
      answer += rill_bench::rillAction(rill_bench::kActions[a], rdd.map(mapIn).filter(keep).map(mapOut));
  } else if (const auto h = action("hand:"); h >= 0) {
    const auto in = randomInts(1'000'000);
    for (int i = 0; i < n; ++i) {
      answer += rill_bench::handAction(rill_bench::kActions[h], in);
      asm volatile("" : : "r"(in.data()) : "memory");  // the loop runs n times, not once hoisted out
    }
  } else if (kase == "written" || kase == "hand:written") {
    const auto text = lines(4u << 20);
    const auto rdd = sc.parallelize(text, 4);
    for (int i = 0; i < n; ++i) {
      if (kase == "written") {
        answer += static_cast<std::int64_t>(
            rdd.flatMap([](const std::string& line) { return rill::split(line, ' '); })
                .map([](const std::string& w) { return std::pair<std::string, long>(w, 1); })
                .reduceByKey(plus)
                .collectAsMap()
                .size());
      } else {
        std::unordered_map<std::string, long> counts;
        for (const std::string& line : text)
          for (std::string_view w : Words{line}) ++counts[std::string(w)];
        answer += static_cast<std::int64_t>(counts.size());
      }
    }
  } else if (kase == "sum") {
    const auto rdd = sc.parallelize(randomInts(1'000'000), 4);
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
  std::printf("%lld\n", static_cast<long long>(answer + rill_bench::hits));
}
