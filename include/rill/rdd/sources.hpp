#pragma once
// Nodes that produce data from outside an RDD: a numeric range generated on
// the fly, and the lines of a text file read split by split.
#include <rill/io/file_lines.hpp>
#include <rill/rdd/derived_nodes.hpp>
#include <rill/rdd/node.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace rill::detail {

/// start, start+step, ... below end (above end for a negative step); nothing is stored.
class RangeNode final : public RDDNode<std::int64_t> {
 public:
  RangeNode(std::int64_t start, std::int64_t end, std::int64_t step, std::size_t slices)
      : start_(start), step_(step), slices_(slices) {
    // In 128 bits: end - start and -step overflow int64 for ranges wider than 2^63.
    const bool empty = step > 0 ? start >= end : start <= end;
    const __int128 diff = static_cast<__int128>(end) - start;
    const auto span = static_cast<unsigned __int128>(diff < 0 ? -diff : diff);
    const auto stride = static_cast<unsigned __int128>(step < 0 ? -static_cast<__int128>(step) : step);
    count_ = empty ? 0 : static_cast<std::size_t>((span + stride - 1) / stride);
  }
  std::size_t numPartitions() const override { return slices_; }
  bool compute(std::size_t p, ChunkSink<std::int64_t>& out) const override {
    std::int64_t buf[kChunkSize];
    std::size_t i = sliceBegin(p, count_, slices_);
    const std::size_t end = sliceBegin(p + 1, count_, slices_);
    while (i < end) {
      std::size_t n = 0;
      for (; n < kChunkSize && i < end; ++n, ++i) buf[n] = at(i);
      if (!out.consume(std::span<const std::int64_t>(buf, n))) return false;
    }
    return true;
  }

 private:
  // start + i*step wraps in uint64 (defined) and lands back inside int64, where the
  // element is; signed arithmetic could overflow in i*step on its way there.
  std::int64_t at(std::size_t i) const {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(start_) +
                                     static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(step_));
  }

  std::int64_t start_, step_;
  std::size_t slices_, count_ = 0;
};

/// textFile: split i reads the lines that start in its byte range, as Hadoop does.
class TextFileNode final : public RDDNode<std::string> {
 public:
  TextFileNode(std::string path, std::uintmax_t size, std::size_t splits)
      : path_(std::move(path)), size_(size), splits_(splits) {}
  std::size_t numPartitions() const override { return splits_; }
  bool compute(std::size_t p, ChunkSink<std::string>& out) const override {
    ChunkingSink<std::string> sink{&out, {}};
    // Stopped early (take): the last chunk was already handed on, so no finish().
    if (!io::forEachLineInRange(path_, sliceBegin(p, size_, splits_), sliceBegin(p + 1, size_, splits_),
                                [&](std::string_view line) { return sink.push(std::string(line)); }))
      return false;
    return sink.finish();
  }

 private:
  std::string path_;
  std::uintmax_t size_;
  std::size_t splits_;
};

}  // namespace rill::detail
