#pragma once
// split(line, sep): the words of a line, for the flatMap of a word count
// (Python's line.split(" ") in Spark's examples). Empty pieces between repeated
// separators are skipped, so "a  b" gives {"a", "b"}, not {"a", "", "b"}: no
// word count wants to count the empty word.
//
// Lazy: iterating gives each word as a SplitPiece, a std::string_view into the
// line that converts to std::string where one is wanted, found as the loop
// reaches it, so a word count allocates nothing per line (a vector of strings
// per line was a quarter of its time). The words view the line: keep the line
// alive while iterating (a flatMap's function gets a line that is). split() of
// a temporary or non-const std::string keeps a copy of it. value_type is std::string, what a
// word is once kept: flatMap(split) makes an RDD<std::string> (a collect() of
// the words does not dangle), and a split converts to std::vector<std::string>.
#include <concepts>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill {

/// A word of a split line: a view into the line, converting to std::string as
/// the std::string a split used to give (`for (std::string w : split(line))`).
struct SplitPiece : std::string_view {
  operator std::string() const { return std::string(static_cast<const std::string_view&>(*this)); }  // NOLINT
};

/// The non-empty pieces of a string between separators; what split() returns.
/// `Line` is std::string_view, or std::string for a split that keeps its line.
template <class Line>
class Split {
 public:
  using value_type = std::string;

  class iterator {
   public:
    using value_type = std::string;  // a word once kept
    using reference = const SplitPiece&;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::input_iterator_tag;  // the word lives in the iterator

    iterator() = default;
    iterator(std::string_view rest, char sep) : rest_(rest), sep_(sep) { settle(); }
    const SplitPiece& operator*() const { return word_; }
    iterator& operator++() {
      rest_.remove_prefix(word_.size());
      settle();
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    // Every iterator of a line ends where the line does, so where it starts tells them apart.
    bool operator==(const iterator& o) const { return rest_.data() == o.rest_.data(); }

   private:
    // Skips separators to the next word and takes it.
    void settle() {
      while (!rest_.empty() && rest_.front() == sep_) rest_.remove_prefix(1);
      word_ = {rest_.substr(0, rest_.find(sep_))};
    }
    std::string_view rest_;
    SplitPiece word_;
    char sep_ = ' ';
  };

  Split(Line line, char sep) : line_(std::move(line)), sep_(sep) {}

  iterator begin() const { return {std::string_view(line_), sep_}; }
  iterator end() const {
    const std::string_view all(line_);
    return {all.substr(all.size()), sep_};
  }
  bool empty() const { return begin() == end(); }

  /// The words as owned strings.
  std::vector<std::string> toVector() const { return {begin(), end()}; }
  operator std::vector<std::string>() const { return toVector(); }  // NOLINT: a vector of words, as before

  friend bool operator==(const Split& s, const std::vector<std::string>& v) {
    auto it = v.begin();
    for (std::string_view w : s)
      if (it == v.end() || *it++ != w) return false;
    return it == v.end();
  }

 private:
  Line line_;
  char sep_;
};

inline Split<std::string_view> split(std::string_view line, char sep = ' ') { return {line, sep}; }
/// A non-const std::string (a by-value parameter, a local) is copied: a
/// flatMap function that takes its line by value, `[](std::string line) {
/// return split(line); }`, returns words that outlive the parameter. A const
/// one (`const std::string&`, the element a flatMap gives) is viewed.
inline Split<std::string> split(std::string& line, char sep = ' ') { return {line, sep}; }
/// A temporary std::string is kept, so `for (auto w : split(readLine()))` does not dangle.
template <class S>
  requires std::same_as<S, std::string>
Split<std::string> split(S&& line, char sep = ' ') {
  return {std::move(line), sep};
}

}  // namespace rill
