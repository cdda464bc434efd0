#pragma once
// A file's lines with a bound on their length, for files that may not be text
// (a 1 GiB file without a newline must not become one 1 GiB string): framed
// as forEachLine frames them, but a line longer than maxLineLength is skipped
// to its newline, never held, and counted. forEachBoundedTextLine reads a .gz
// file's decompressed lines so.
#include <rill/io/compressed_input.hpp>
#include <rill/io/file_lines.hpp>
#include <rill/io/line_framer.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace rill::io {

/// Calls onLine(std::string_view) for every line of `path` of at most
/// maxLineLength bytes (its terminator not counted); returns how many
/// longer lines were skipped. Memory stays within one read buffer
/// (detail::kFileReadChunk at most) plus maxLineLength.
template <class OnLine>
std::size_t forEachBoundedLine(const std::string& path, std::size_t maxLineLength, OnLine&& onLine) {
  LineFramer framer(maxLineLength);
  detail::frameRange(path, 0, UINTMAX_MAX, framer, onLine);
  return framer.overlongLines();
}

/// forEachBoundedLine of a text file as textFile reads it: a .gz file's
/// decompressed lines (compressed_input.hpp), any other file's as they are.
template <class OnLine>
std::size_t forEachBoundedTextLine(const std::string& path, std::size_t maxLineLength, OnLine&& onLine) {
  if (!isGzipPath(path)) return forEachBoundedLine(path, maxLineLength, onLine);
  LineFramer framer(maxLineLength);
  detail::frameGzip(path, framer, onLine);
  return framer.overlongLines();
}

}  // namespace rill::io
