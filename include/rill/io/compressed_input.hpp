#pragma once
// Reading gzip-compressed input (.gz) without making every program link zlib:
// this header only knows that a .gz file needs a decompressor and where one is
// registered. <rill/io/gzip.hpp> (CMake target rill::gzip, which links zlib)
// provides it, and rill::io::enableGzip() registers it; until then reading a
// .gz file throws, naming what to include, call and link. One registration for
// the whole program, made at run time, so no two translation units can
// disagree on it.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/io/file_lines.hpp>
#include <rill/io/line_framer.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace rill::io {

/// A compressed file's bytes, decompressed chunk by chunk.
class DecompressedReader {
 public:
  virtual ~DecompressedReader() = default;
  /// Up to n bytes into buf; 0 at the end. Throws IoError naming the file.
  virtual std::size_t read(char* buf, std::size_t n) = 0;
};

using OpenDecompressed = std::unique_ptr<DecompressedReader> (*)(const std::string& path);

namespace detail {
inline std::atomic<OpenDecompressed> gzipOpener{nullptr};  // set by enableGzip() (gzip.hpp)
}  // namespace detail

/// Whether `path` names a gzip-compressed file (Hadoop decides by the extension too).
inline bool isGzipPath(std::string_view path) { return path.ends_with(".gz"); }

/// The decompressed bytes of the .gz file at `path`.
RILL_RUNTIME std::unique_ptr<DecompressedReader> openGzip(const std::string& path);

namespace detail {

// Frames the lines of the decompressed .gz file at `path`, as frameRange a plain file's.
template <class OnLine>
bool frameGzip(const std::string& path, LineFramer& framer, OnLine& onLine) {
  const std::unique_ptr<DecompressedReader> in = openGzip(path);
  const auto read = [&in](char* buf, std::size_t n) { return in->read(buf, n); };
  return frameReads(framer, read, kFileReadChunk, onLine);
}

}  // namespace detail

/// Calls onLine(std::string_view) for every line of the decompressed .gz file,
/// with forEachLineInRange's rules (file_lines.hpp), the bound on a line's
/// length and the IoError past it included; a bool-returning onLine may stop
/// early by returning false, which this then returns.
template <class OnLine>
bool forEachGzipLine(const std::string& path, std::size_t maxLineLength, OnLine&& onLine) {
  return detail::frameWithin(path, maxLineLength,
                             [&](LineFramer& framer) { return detail::frameGzip(path, framer, onLine); });
}

/// forEachGzipLine within kDefaultMaxLineLength.
template <class OnLine>
bool forEachGzipLine(const std::string& path, OnLine&& onLine) {
  return forEachGzipLine(path, kDefaultMaxLineLength, onLine);
}

/// The whole decompressed content of a .gz file, or the bytes of any other file.
RILL_RUNTIME std::string readInputFile(const std::string& path);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::unique_ptr<DecompressedReader> openGzip(const std::string& path) {
  const OpenDecompressed open = detail::gzipOpener.load(std::memory_order_acquire);
  if (open == nullptr)
    throw IoError("rill: cannot read '" + path +
                  "': it is gzip-compressed, and reading .gz files needs zlib: include <rill/io/gzip.hpp>, call "
                  "rill::io::enableGzip() once, and link the CMake target rill::gzip");
  return open(path);
}

RILL_RUNTIME std::string readInputFile(const std::string& path) {
  if (!isGzipPath(path)) return readFile(path);
  const std::unique_ptr<DecompressedReader> in = openGzip(path);
  std::string out;
  for (;;) {
    const std::size_t had = out.size();
    out.resize(had + detail::kFileReadChunk);
    const std::size_t got = in->read(out.data() + had, detail::kFileReadChunk);
    out.resize(had + got);
    if (got == 0) return out;
  }
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::io
