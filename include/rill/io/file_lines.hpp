#pragma once
// Line-oriented reading of local files, including Hadoop-style byte-range
// splits so a text file can be cut into partitions that are read in parallel.
//
// A line "starts" at offset 0 or right after a '\n'. The range [begin, end)
// owns exactly the lines starting inside it; a line is read to completion even
// when it runs past `end`. Cutting a file at arbitrary offsets therefore
// yields every line exactly once across the ranges. Lines end at '\n', one
// trailing '\r' is stripped, empty lines are delivered, and an unterminated
// last line is delivered too.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
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
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace rill::io {

/// Size in bytes of the regular file at `path`.
RILL_RUNTIME std::uintmax_t fileSize(const std::string& path);

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

inline std::string_view stripCR(std::string_view line) noexcept {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Lets callers pass a void callback where stopping early is never needed.
template <class OnLine>
bool invokeLine(OnLine& onLine, std::string_view line) {
  if constexpr (std::is_void_v<std::invoke_result_t<OnLine&, std::string_view>>) {
    onLine(line);
    return true;
  } else {
    return static_cast<bool>(onLine(line));
  }
}

}  // namespace detail

/// Calls onLine(std::string_view) for each line of `path` that starts in the
/// byte range [begin, end). onLine may return bool; false stops the scan and
/// makes this function return false. Returns true when the range was
/// exhausted. The view is valid only during the call.
template <class OnLine>
bool forEachLineInRange(const std::string& path, std::uintmax_t begin,
                        std::uintmax_t end, OnLine&& onLine) {
  UniqueFd fd = detail::openForReading(path);
  if (begin >= end) return true;
  // Starting one byte early lets "skip through the first '\n'" handle both a
  // split that begins mid-line and one that begins exactly at a line start.
  bool skipping = begin > 0;
  std::uintmax_t chunkBase = skipping ? begin - 1 : 0;
  std::uintmax_t lineStart = chunkBase;
  std::vector<char> buf(detail::readBufferSize(fd.get(), chunkBase));
  std::string carry;  // a line that spans chunk boundaries

  for (;;) {
    const std::size_t n = detail::readAt(fd.get(), path, buf.data(), buf.size(), chunkBase);
    if (n == 0) break;
    std::string_view rest(buf.data(), n);
    while (!rest.empty()) {
      const auto* nl = static_cast<const char*>(std::memchr(rest.data(), '\n', rest.size()));
      if (skipping) {
        if (nl == nullptr) break;
        skipping = false;
      } else {
        if (lineStart >= end) return true;  // owned by the next range
        if (nl == nullptr) {
          carry.append(rest);
          break;
        }
        std::string_view seg(rest.data(), static_cast<std::size_t>(nl - rest.data()));
        if (!carry.empty()) {
          carry.append(seg);
          seg = carry;
        }
        if (!detail::invokeLine(onLine, detail::stripCR(seg))) return false;
        carry.clear();
      }
      const auto consumed = static_cast<std::size_t>(nl - rest.data()) + 1;
      lineStart = chunkBase + static_cast<std::uintmax_t>(nl - buf.data()) + 1;
      rest.remove_prefix(consumed);
    }
    chunkBase += n;
  }
  if (!skipping && lineStart < end && !carry.empty()) {
    return detail::invokeLine(onLine, detail::stripCR(carry));
  }
  return true;
}

/// Calls onLine for every line of `path`; a bool-returning onLine may stop
/// early by returning false.
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
