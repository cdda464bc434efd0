#pragma once
// The work the fusion and word-count benchmarks share with the instruction-count
// cases (instructions/cases.cpp): the map -> filter -> map stages and the two
// tokenizers, so every variant and both tools measure the same code.
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string_view>

namespace rill_bench {

inline constexpr auto mapIn = [](int x) { return x * 3 + 1; };
inline constexpr auto keep = [](int y) { return y % 7 != 0; };
inline constexpr auto mapOut = [](int y) { return y ^ (y >> 3); };

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
