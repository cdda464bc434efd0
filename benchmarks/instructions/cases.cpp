// Instruction-count cases for tools/instr_count: the fused loop of bench_fusion
// (sum: map -> filter -> map -> sum; words: flatMap(tokenize) -> count) and the word
// count of bench_keyed (flatMap -> map to (string_view, 1) -> reduceByKey -> count), on
// inputs small enough for callgrind, all on "local[1]".
//   cases CASE N   builds CASE's input, then runs CASE N times and prints its answer
// tools/instr_count runs it under callgrind with N = 0 and N = 2, so the input's setup
// cancels out. Not part of the CMake build; tools/instr_count compiles it.
#include <rill/rdd/spark_context.hpp>

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

/// The words of a line as string_views, bench_fusion's tokenizer: a forward range.
class Tokens {
 public:
  class iterator {
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const char* p, const char* end) : end_(end) { seek(p); }
    std::string_view operator*() const { return {begin_, static_cast<std::size_t>(stop_ - begin_)}; }
    iterator& operator++() {
      seek(stop_);
      return *this;
    }
    bool operator==(const iterator& o) const { return begin_ == o.begin_; }

   private:
    void seek(const char* p) {
      while (p != end_ && *p == ' ') ++p;
      begin_ = p;
      while (p != end_ && *p != ' ') ++p;
      stop_ = p;
    }
    const char* begin_ = nullptr;
    const char* stop_ = nullptr;
    const char* end_ = nullptr;
  };
  explicit Tokens(std::string_view s) : s_(s) {}
  iterator begin() const { return {s_.data(), s_.data() + s_.size()}; }
  iterator end() const { return {s_.data() + s_.size(), s_.data() + s_.size()}; }

 private:
  std::string_view s_;
};

/// The words of a line as string_views, bench_keyed's tokenizer.
struct Words {
  std::string_view line;
  struct End {};
  struct Iter {
    std::string_view rest;
    std::size_t len;
    std::string_view operator*() const { return rest.substr(0, len); }
    Iter& operator++() {
      rest.remove_prefix(std::min(len + 1, rest.size()));
      skip();
      return *this;
    }
    bool operator==(End) const { return rest.empty(); }
    void skip() {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      len = std::min(rest.find(' '), rest.size());
    }
  };
  Iter begin() const {
    Iter it{line, 0};
    it.skip();
    return it;
  }
  End end() const { return {}; }
};

const auto mapIn = [](int x) { return x * 3 + 1; };
const auto keep = [](int y) { return y % 7 != 0; };
const auto mapOut = [](int y) { return y ^ (y >> 3); };
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
