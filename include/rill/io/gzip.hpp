#pragma once
// gzip-compressed input through zlib, opt-in: a program that includes this
// header links the CMake target rill::gzip (zlib) and calls
// rill::io::enableGzip() once; textFile and wholeTextFiles then read .gz files
// (each one partition, as Hadoop's gzip files are not splittable). Programs that
// never include it do not link zlib.
#include <rill/core/errors.hpp>
#include <rill/io/compressed_input.hpp>
#include <rill/io/system_error.hpp>

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace rill::io {

namespace detail {
class GzipReader final : public DecompressedReader {
 public:
  explicit GzipReader(std::string path) : path_(std::move(path)) {
    errno = 0;
    file_ = ::gzopen(path_.c_str(), "rb");
    if (file_ == nullptr) throwSystemError("cannot open file '" + path_ + "'", errno != 0 ? errno : ENOMEM);
  }
  GzipReader(const GzipReader&) = delete;
  GzipReader& operator=(const GzipReader&) = delete;
  ~GzipReader() override { ::gzclose(file_); }

  std::size_t read(char* buf, std::size_t n) override {
    const int got = ::gzread(file_, buf, static_cast<unsigned>(std::min<std::size_t>(n, INT_MAX)));
    int code = Z_OK;
    const char* why = got <= 0 ? ::gzerror(file_, &code) : nullptr;
    // A cut-off file ends with what could be read and Z_BUF_ERROR, not with an error return.
    if (got < 0 || code != Z_OK) throw IoError("rill: cannot decompress '" + path_ + "': " + reason(why));
    // zlib passes bytes that are not gzip through as they are; Hadoop refuses them.
    if (got > 0 && ::gzdirect(file_) == 1) throw IoError("rill: cannot decompress '" + path_ + "': not in gzip format");
    return static_cast<std::size_t>(got);
  }

 private:
  // zlib's text, without the "<path>: " it starts with.
  std::string reason(const char* why) const {
    std::string_view text = why != nullptr && *why != '\0' ? why : "zlib error";
    if (text.starts_with(path_ + ": ")) text.remove_prefix(path_.size() + 2);
    return std::string(text);
  }

  std::string path_;
  gzFile file_ = nullptr;
};

inline std::unique_ptr<DecompressedReader> openGzipFile(const std::string& path) {
  return std::make_unique<GzipReader>(path);
}
}  // namespace detail

/// Lets textFile and wholeTextFiles read .gz files, from any thread, for the
/// whole program; calling it again does nothing more.
inline void enableGzip() { detail::gzipOpener.store(&detail::openGzipFile, std::memory_order_release); }

}  // namespace rill::io
