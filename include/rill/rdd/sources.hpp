#pragma once
// Nodes that produce data from outside an RDD: a numeric range generated on
// the fly, the lines of text files read split by split, and whole files.
#include <rill/core/runtime.hpp>
#include <rill/rdd/derived_nodes.hpp>
#include <rill/rdd/node.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// What only the bodies below use (textFile's and wholeTextFiles' nodes).
#if RILL_RUNTIME_BODIES
#include <rill/io/compressed_input.hpp>
#include <rill/io/file_lines.hpp>
#include <rill/io/input_files.hpp>
#endif

namespace rill::detail {

/// start, start+step, ... below end (above end for a negative step); nothing is stored.
class RangeNode final : public RDDNode<std::int64_t> {
 public:
  RangeNode(std::int64_t start, std::int64_t end, std::int64_t step, std::size_t slices);
  std::size_t numPartitions() const override { return slices_; }
  RILL_RUNTIME bool compute(std::size_t p, ChunkSink<std::int64_t>& out) const override;

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

#if RILL_RUNTIME_BODIES

// textFile's and wholeTextFiles' nodes, which only SparkContext's runtime creates.

/// One partition of textFile: the lines starting in [begin, end) of a file, or
/// every line of a .gz file (gzip is not splittable, so one split per file).
struct FileSplit {
  std::string path;
  std::uintmax_t begin = 0, end = 0;
  bool gzip = false;
};

/// textFile's splits of `files` for at least `minPartitions` partitions, as
/// Hadoop plans them: each file gets its share of minPartitions by size (one
/// file: all of them), at least one split per 32 MiB (as Hadoop's blocks) and
/// per file (an empty file too), cut evenly; a .gz file is one split.
RILL_RUNTIME std::vector<FileSplit> textFileSplits(const std::vector<io::InputFile>& files, std::size_t minPartitions);

/// textFile: split i reads the lines that start in its byte range, as Hadoop does;
/// a line longer than maxLineLength bytes fails the task with IoError.
class TextFileNode final : public RDDNode<std::string> {
 public:
  TextFileNode(std::vector<FileSplit> splits, std::size_t maxLineLength)
      : splits_(std::move(splits)), maxLineLength_(maxLineLength) {}
  std::size_t numPartitions() const override { return splits_.size(); }
  RILL_RUNTIME bool compute(std::size_t p, ChunkSink<std::string>& out) const override;

 private:
  std::vector<FileSplit> splits_;
  std::size_t maxLineLength_;
};

/// wholeTextFiles: (path, content) of each file, the files cut into `parts`
/// contiguous partitions by count (as parallelize cuts a collection).
class WholeTextFilesNode final : public RDDNode<std::pair<std::string, std::string>> {
 public:
  using Element = std::pair<std::string, std::string>;
  WholeTextFilesNode(std::vector<std::string> paths, std::size_t parts) : paths_(std::move(paths)), parts_(parts) {}
  std::size_t numPartitions() const override { return parts_; }
  RILL_RUNTIME bool compute(std::size_t p, ChunkSink<Element>& out) const override;

 private:
  std::vector<std::string> paths_;
  std::size_t parts_;
};

RILL_RUNTIME RangeNode::RangeNode(std::int64_t start, std::int64_t end, std::int64_t step, std::size_t slices)
    : start_(start), step_(step), slices_(slices) {
  // In 128 bits: end - start and -step overflow int64 for ranges wider than 2^63.
  const bool empty = step > 0 ? start >= end : start <= end;
  const __int128 diff = static_cast<__int128>(end) - start;
  const auto span = static_cast<unsigned __int128>(diff < 0 ? -diff : diff);
  const auto stride = static_cast<unsigned __int128>(step < 0 ? -static_cast<__int128>(step) : step);
  count_ = empty ? 0 : static_cast<std::size_t>((span + stride - 1) / stride);
}

RILL_RUNTIME bool RangeNode::compute(std::size_t p, ChunkSink<std::int64_t>& out) const {
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

RILL_RUNTIME std::vector<FileSplit> textFileSplits(const std::vector<io::InputFile>& files, std::size_t minPartitions) {
  constexpr std::uintmax_t kBlock = 32u << 20;
  unsigned __int128 total = 0;
  for (const io::InputFile& f : files)
    if (!io::isGzipPath(f.path)) total += f.size;
  std::vector<FileSplit> splits;
  for (const io::InputFile& f : files) {
    if (io::isGzipPath(f.path)) {
      splits.push_back({f.path, 0, f.size, true});
      continue;
    }
    const auto share = f.size == 0 ? 1 : static_cast<std::size_t>((minPartitions * f.size + total - 1) / total);
    const std::size_t n = f.size == 0 ? 1 : std::max<std::size_t>(share, static_cast<std::size_t>(f.size / kBlock + 1));
    for (std::size_t i = 0; i < n; ++i)
      splits.push_back({f.path, sliceBegin(i, f.size, n), sliceBegin(i + 1, f.size, n), false});
  }
  return splits;
}

RILL_RUNTIME bool TextFileNode::compute(std::size_t p, ChunkSink<std::string>& out) const {
  ChunkingSink<std::string> sink{&out, {}};
  // The string is built in place in the chunk: a temporary moved in costs a
  // move per line that g++ does not inline.
  const auto push = [&](std::string_view line) { return sink.push(line); };
  const FileSplit& split = splits_[p];
  // Stopped early (take): the last chunk was already handed on, so no finish().
  if (!(split.gzip ? io::forEachGzipLine(split.path, maxLineLength_, push)
                   : io::forEachLineInRange(split.path, split.begin, split.end, maxLineLength_, push)))
    return false;
  return sink.finish();
}

RILL_RUNTIME bool WholeTextFilesNode::compute(std::size_t p, ChunkSink<Element>& out) const {
  ChunkingSink<Element> sink{&out, {}};
  for (std::size_t i = sliceBegin(p, paths_.size(), parts_); i < sliceBegin(p + 1, paths_.size(), parts_); ++i)
    if (!sink.push(Element(paths_[i], io::readInputFile(paths_[i])))) return false;
  return sink.finish();
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
