#pragma once
// Line-oriented reading of local files, including Hadoop-style byte-range
// splits so a text file can be cut into partitions that are read in parallel.
//
// A line "starts" at offset 0 or right after a line's end ('\n', "\r\n", or a
// '\r' not followed by '\n'). The range [begin, end) owns exactly the lines
// starting inside it; a line is read to completion even
// when it runs past `end`. Cutting a file at arbitrary offsets therefore
// yields every line exactly once across the ranges. What a line is (where it
// ends, what is stripped, the last line) is LineFramer's (line_framer.hpp).
// A line is at most maxLineLength bytes (its terminator not counted): a longer one
// throws IoError, so a file without newlines is never held whole.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/io/line_framer.hpp>
#include <rill/io/system_error.hpp>
#include <rill/io/unique_fd.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rill::io {

/// Size in bytes of the regular file at `path`.
RILL_RUNTIME std::uintmax_t fileSize(const std::string& path);

/// The longest line the readers below return unless told a bound: 2^31 - 1
/// bytes, the most Hadoop's LineRecordReader reads before it fails ("Too many
/// bytes before newline"), so Spark's textFile reads no longer line either.
inline constexpr std::size_t kDefaultMaxLineLength = 2147483647;

namespace detail {

// Large enough that a read costs little per byte, small enough that a task reading
// a file holds little (textFile reads one split per worker at a time).
inline constexpr std::size_t kFileReadChunk = std::size_t{256} << 10;

RILL_RUNTIME UniqueFd openForReading(const std::string& path);

// Reads up to `n` bytes at `offset`; 0 means end of file.
RILL_RUNTIME std::size_t readAt(int fd, const std::string& path, char* buf, std::size_t n, std::uintmax_t offset);

// Small files get a small buffer; the size is only a hint, since reading
// continues until EOF even if the file grows meanwhile.
RILL_RUNTIME std::size_t readBufferSize(int fd, std::uintmax_t from);

// The next bytes of a byte range [begin, end) for its framer, read at `offset`
// (advanced past them): up to `end`, then, when `midLine` (a line is open
// there), the rest of that line through its '\n' or '\r' (a '\n' after that
// '\r' only completes the terminator, and no line of this range follows);
// 0 when done or at the end.
RILL_RUNTIME std::size_t readRange(int fd, const std::string& path, char* buf, std::size_t n, std::uintmax_t& offset,
                                   std::uintmax_t end, bool midLine);

// Feeds `framer` what read(buf, n) gives until it gives 0, then finishes; false
// when onLine (or the framer) stopped it.
template <class Read, class OnLine>
bool frameReads(LineFramer& framer, Read&& read, std::size_t bufferSize, OnLine& onLine) {
  std::vector<char> buf(bufferSize);
  for (std::size_t n = read(buf.data(), buf.size()); n != 0; n = read(buf.data(), buf.size()))
    if (!framer.feed(std::string_view(buf.data(), n), onLine)) return false;
  return framer.finish(onLine);
}

// Frames the lines of `path` that start in [begin, end), as forEachLineInRange.
template <class OnLine>
bool frameRange(const std::string& path, std::uintmax_t begin, std::uintmax_t end, LineFramer& framer,
                OnLine& onLine) {
  const UniqueFd fd = openForReading(path);
  if (begin >= end) return true;
  // Starting one byte early lets "skip through the first line end" handle a
  // range that begins mid-line, one that begins exactly at a line start, and
  // one that begins at the '\n' of a "\r\n" (the framer skips it after the
  // '\r' rather than take it for an empty line).
  std::uintmax_t offset = begin > 0 ? begin - 1 : 0;
  if (begin > 0) framer.skipPartialLine();
  const auto read = [&](char* buf, std::size_t n) {
    return readRange(fd.get(), path, buf, n, offset, end, framer.midLine());
  };
  return frameReads(framer, read, readBufferSize(fd.get(), offset), onLine);
}

[[noreturn]] RILL_RUNTIME void throwLineTooLong(const std::string& path, std::size_t maxLineLength);

// frame(framer) with a framer that stops at a line longer than maxLineLength,
// which then throws IoError naming `path`: a batch reader must not skip lines
// unseen. Returns what frame returned otherwise.
template <class Frame>
bool frameWithin(const std::string& path, std::size_t maxLineLength, Frame&& frame) {
  LineFramer framer(maxLineLength, Overlong::stop);
  if (frame(framer)) return true;
  if (framer.overlongLines() > 0) throwLineTooLong(path, maxLineLength);
  return false;
}

}  // namespace detail

/// Calls onLine(std::string_view) for each line of `path` that starts in the
/// byte range [begin, end). onLine may return bool; false stops the scan and
/// makes this function return false. Returns true when the range was
/// exhausted. The view is valid only during the call. A line longer than
/// maxLineLength bytes throws IoError ("rill: cannot read '<path>': a line is
/// longer than <maxLineLength> bytes") when it is reached.
template <class OnLine>
bool forEachLineInRange(const std::string& path, std::uintmax_t begin, std::uintmax_t end, std::size_t maxLineLength,
                        OnLine&& onLine) {
  return detail::frameWithin(path, maxLineLength,
                             [&](LineFramer& framer) { return detail::frameRange(path, begin, end, framer, onLine); });
}

/// forEachLineInRange within kDefaultMaxLineLength.
template <class OnLine>
bool forEachLineInRange(const std::string& path, std::uintmax_t begin, std::uintmax_t end, OnLine&& onLine) {
  return forEachLineInRange(path, begin, end, kDefaultMaxLineLength, onLine);
}

/// Calls onLine for every line of `path` (within kDefaultMaxLineLength); a
/// bool-returning onLine may stop early by returning false.
template <class OnLine>
void forEachLine(const std::string& path, OnLine&& onLine) {
  forEachLineInRange(path, 0, UINTMAX_MAX, onLine);
}

/// The whole content of `path`, bytes as they are; throws IoError naming the
/// path when it cannot be opened or read.
RILL_RUNTIME std::string readFile(const std::string& path);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::uintmax_t fileSize(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throwSystemError("cannot open file '" + path + "'", errno);
  }
  if (!S_ISREG(st.st_mode)) {
    throw IoError("rill: cannot open file '" + path + "': not a regular file");
  }
  return static_cast<std::uintmax_t>(st.st_size);
}

RILL_RUNTIME UniqueFd detail::openForReading(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throwSystemError("cannot open file '" + path + "'", errno);
  return fd;
}

RILL_RUNTIME std::size_t detail::readAt(int fd, const std::string& path, char* buf, std::size_t n,
                                        std::uintmax_t offset) {
  for (;;) {
    const ssize_t got = ::pread(fd, buf, n, static_cast<off_t>(offset));
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno != EINTR) throwSystemError("cannot read file '" + path + "'", errno);
  }
}

RILL_RUNTIME std::size_t detail::readRange(int fd, const std::string& path, char* buf, std::size_t n,
                                           std::uintmax_t& offset, std::uintmax_t end, bool midLine) {
  if (offset >= end && !midLine) return 0;
  if (offset < end) n = static_cast<std::size_t>(std::min<std::uintmax_t>(n, end - offset));
  std::size_t got = readAt(fd, path, buf, n, offset);
  const std::size_t nl = offset >= end ? findLineEnd(std::string_view(buf, got)) : std::string_view::npos;
  if (nl != std::string_view::npos) got = nl + 1;
  offset += got;
  return got;
}

[[noreturn]] RILL_RUNTIME void detail::throwLineTooLong(const std::string& path, std::size_t maxLineLength) {
  throw IoError("rill: cannot read '" + path + "': a line is longer than " + std::to_string(maxLineLength) + " bytes");
}

RILL_RUNTIME std::size_t detail::readBufferSize(int fd, std::uintmax_t from) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < 0) return kFileReadChunk;
  const auto size = static_cast<std::uintmax_t>(st.st_size);
  const std::uintmax_t left = size > from ? size - from : 0;
  return static_cast<std::size_t>(std::clamp<std::uintmax_t>(left + 1, 4096, kFileReadChunk));
}

RILL_RUNTIME std::string readFile(const std::string& path) {
  const UniqueFd fd = detail::openForReading(path);
  std::string out;
  for (;;) {
    const std::size_t had = out.size();
    out.resize(had + detail::readBufferSize(fd.get(), had));
    const std::size_t got = detail::readAt(fd.get(), path, out.data() + had, out.size() - had, had);
    out.resize(had + got);
    if (got == 0) return out;
  }
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::io
