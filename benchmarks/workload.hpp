#pragma once
// The work the fusion and word-count benchmarks share with the instruction-count
// cases (instructions/cases.cpp): the map -> filter -> map stages, the actions ending
// them with the hand loop of each, and the two tokenizers, so every variant and both
// tools measure the same code.
#include <algorithm>
#include <atomic>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rill_bench {

/// The benchmarks' generator: a 32-bit LCG, so every input is the same on every run and machine.
inline std::uint32_t lcg(std::uint32_t& state) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

/// n ints in [0, 65536), the fused-loop input.
inline std::vector<int> randomInts(std::size_t n) {
  std::vector<int> v(n);
  std::uint32_t s = 12345;
  for (auto& x : v) x = static_cast<int>(lcg(s) & 0xffff);
  return v;
}

/// The 2000 words of 2-10 letters the generated texts draw from; `s` goes on to draw the text.
inline std::vector<std::string> vocabulary(std::uint32_t& s) {
  std::vector<std::string> words(2000);
  for (auto& w : words) {
    const std::size_t len = 2 + lcg(s) % 9;
    for (std::size_t i = 0; i < len; ++i) w += static_cast<char>('a' + lcg(s) % 26);
  }
  return words;
}

inline constexpr auto mapIn = [](int x) { return x * 3 + 1; };
inline constexpr auto keep = [](int y) { return y % 7 != 0; };
inline constexpr auto mapOut = [](int y) { return y ^ (y >> 3); };

/// The actions ending map -> filter -> map in bench_fusion's act/ cases.
enum class Action { reduce, fold, aggregate, count, min, max, sum, foreach };
inline constexpr Action kActions[] = {Action::reduce, Action::fold, Action::aggregate, Action::count,
                                      Action::min,    Action::max,  Action::sum,       Action::foreach};
inline constexpr const char* kActionNames[] = {"reduce", "fold", "aggregate", "count",
                                               "min",    "max",  "sum",       "foreach"};
inline const char* nameOf(Action a) { return kActionNames[static_cast<int>(a)]; }

inline constexpr auto xorOp = [](int a, int b) { return a ^ b; };
inline constexpr auto addTo = [](std::int64_t acc, int z) { return acc + z; };
inline constexpr auto plus64 = [](std::int64_t a, std::int64_t b) { return a + b; };
inline constexpr auto countOne = [](std::int64_t n, int) { return n + 1; };
inline constexpr auto minOp = [](int a, int b) { return std::min(a, b); };
inline constexpr auto maxOp = [](int a, int b) { return std::max(a, b); };
/// foreach's function: a test on every element and, rarely, a shared counter (no
/// contention between workers, nothing the compiler can drop).
inline std::atomic<std::int64_t> hits{0};
inline constexpr auto visit = [](int z) {
  if ((z & 1023) == 0) hits.fetch_add(1, std::memory_order_relaxed);
};

/// The loop a user writes for an action: acc = step(acc, mapOut(y)) over y = mapIn(x), keep(y).
template <class Acc, class Step>
Acc handFold(std::span<const int> in, Acc acc, Step step) {
  for (int x : in) {
    const int y = mapIn(x);
    if (keep(y)) acc = step(acc, mapOut(y));
  }
  return acc;
}

/// The hand loop of `a` over `in`. foreach adds to `hits` (reset it before).
inline std::int64_t handAction(Action a, std::span<const int> in) {
  switch (a) {
    case Action::reduce:
    case Action::fold: return handFold(in, 0, xorOp);
    case Action::aggregate:
    case Action::sum: return handFold(in, std::int64_t{0}, addTo);
    case Action::count: return handFold(in, std::int64_t{0}, countOne);
    case Action::min: return handFold(in, INT_MAX, minOp);
    case Action::max: return handFold(in, INT_MIN, maxOp);
    case Action::foreach:
      handFold(in, 0, [](int acc, int z) {
        visit(z);
        return acc;
      });
      return 0;
  }
  return 0;
}

/// Two hand loops' results as one (foreach's are in `hits`).
inline std::int64_t mergeAction(Action a, std::int64_t x, std::int64_t y) {
  switch (a) {
    case Action::reduce:
    case Action::fold: return x ^ y;
    case Action::min: return std::min(x, y);
    case Action::max: return std::max(x, y);
    default: return x + y;
  }
}

/// rill's call for `a` on `chain` (an RDD of the fused ints). foreach adds to `hits`.
template <class Chain>
std::int64_t rillAction(Action a, const Chain& chain) {
  switch (a) {
    case Action::reduce: return chain.reduce(xorOp);
    case Action::fold: return chain.fold(0, xorOp);
    case Action::aggregate: return chain.aggregate(std::int64_t{0}, addTo, plus64);
    case Action::count: return chain.count();
    case Action::min: return chain.min();
    case Action::max: return chain.max();
    case Action::sum: return chain.sum();
    case Action::foreach: chain.foreach(visit); return 0;
  }
  return 0;
}

/// The words of a line (runs of non-blanks), as string_views into it. A forward
/// range both range-v3 and std::ranges accept, so every variant tokenizes alike.
class Tokens {
 public:
  class iterator {
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using reference = std::string_view;
    using iterator_category = std::forward_iterator_tag;
    iterator() = default;
    iterator(const char* p, const char* end) : end_(end) { seek(p); }
    std::string_view operator*() const { return {begin_, static_cast<std::size_t>(stop_ - begin_)}; }
    iterator& operator++() {
      seek(stop_);
      return *this;
    }
    iterator operator++(int) {
      auto old = *this;
      ++*this;
      return old;
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

  Tokens() = default;
  explicit Tokens(std::string_view s) : s_(s) {}
  iterator begin() const { return {s_.data(), s_.data() + s_.size()}; }
  iterator end() const { return {s_.data() + s_.size(), s_.data() + s_.size()}; }

 private:
  std::string_view s_;
};

/// The words of a line as string_views: a lazy range with a sentinel end, no allocation
/// (bench_keyed's tokenizer).
struct SpaceWords {
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

}  // namespace rill_bench
