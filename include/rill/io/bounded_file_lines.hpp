#pragma once
// A file's lines with a bound on their length, for files that may not be text
// (a 1 GiB file without a newline must not become one 1 GiB string): the bytes
// go through a LineFramer, so lines end and are stripped exactly as
// forEachLine's, but a line longer than maxLineLength is skipped to its
// newline, never held, and counted.
#include <rill/io/file_lines.hpp>
#include <rill/io/line_framer.hpp>
#include <rill/io/unique_fd.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rill::io {

/// Calls onLine(std::string_view) for every line of `path` of at most
/// maxLineLength bytes (the '\r' of a "\r\n" not counted); returns how many
/// longer lines were skipped. Memory stays within one read buffer
/// (detail::kFileReadChunk at most) plus maxLineLength.
template <class OnLine>
std::size_t forEachBoundedLine(const std::string& path, std::size_t maxLineLength, OnLine&& onLine) {
  const UniqueFd fd = detail::openForReading(path);
  LineFramer framer(maxLineLength);
  std::vector<char> buf(detail::readBufferSize(fd.get(), 0));
  for (std::uintmax_t offset = 0;;) {
    const std::size_t n = detail::readAt(fd.get(), path, buf.data(), buf.size(), offset);
    if (n == 0) break;
    framer.feed(std::string_view(buf.data(), n), onLine);
    offset += n;
  }
  framer.finish(onLine);
  return framer.overlongLines();
}

}  // namespace rill::io
