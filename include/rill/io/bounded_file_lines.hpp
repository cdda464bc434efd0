#pragma once
// A file's lines with a bound on their length, for files that may not be text
// (a 1 GiB file without a newline must not become one 1 GiB string): the bytes
// go through a LineFramer, so lines end and are stripped exactly as
// forEachLine's, but a line longer than maxLineLength is skipped to its
// newline, never held, and counted. forEachBoundedTextLine reads a .gz file's
// decompressed lines so.
#include <rill/io/compressed_input.hpp>
#include <rill/io/file_lines.hpp>
#include <rill/io/line_framer.hpp>
#include <rill/io/unique_fd.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rill::io {

namespace detail {

// Frames the bytes read(buf, n) gives (0 at the end) into lines of at most
// maxLineLength bytes; returns how many longer lines were skipped.
template <class Read, class OnLine>
std::size_t forEachBoundedLineRead(Read&& read, std::size_t bufferSize, std::size_t maxLineLength, OnLine& onLine) {
  LineFramer framer(maxLineLength);
  std::vector<char> buf(bufferSize);
  for (;;) {
    const std::size_t n = read(buf.data(), buf.size());
    if (n == 0) break;
    framer.feed(std::string_view(buf.data(), n), onLine);
  }
  framer.finish(onLine);
  return framer.overlongLines();
}

}  // namespace detail

/// Calls onLine(std::string_view) for every line of `path` of at most
/// maxLineLength bytes (the '\r' of a "\r\n" not counted); returns how many
/// longer lines were skipped. Memory stays within one read buffer
/// (detail::kFileReadChunk at most) plus maxLineLength.
template <class OnLine>
std::size_t forEachBoundedLine(const std::string& path, std::size_t maxLineLength, OnLine&& onLine) {
  const UniqueFd fd = detail::openForReading(path);
  std::uintmax_t offset = 0;
  const auto read = [&](char* buf, std::size_t n) {
    const std::size_t got = detail::readAt(fd.get(), path, buf, n, offset);
    offset += got;
    return got;
  };
  return detail::forEachBoundedLineRead(read, detail::readBufferSize(fd.get(), 0), maxLineLength, onLine);
}

/// forEachBoundedLine of a text file as textFile reads it: a .gz file's
/// decompressed lines (compressed_input.hpp), any other file's as they are.
template <class OnLine>
std::size_t forEachBoundedTextLine(const std::string& path, std::size_t maxLineLength, OnLine&& onLine) {
  if (!isGzipPath(path)) return forEachBoundedLine(path, maxLineLength, onLine);
  const std::unique_ptr<DecompressedReader> in = openGzip(path);
  const auto read = [&in](char* buf, std::size_t n) { return in->read(buf, n); };
  return detail::forEachBoundedLineRead(read, detail::kFileReadChunk, maxLineLength, onLine);
}

}  // namespace rill::io
