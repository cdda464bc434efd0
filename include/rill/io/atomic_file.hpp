#pragma once
// Crash-safe replacement of a file: readers (and a DirectoryWatcher) see either
// the old contents or the complete new contents, never a partial write.
//
// Protocol: write a hidden temporary ".<name>.tmp-<pid>-<counter>" in the same
// directory (rename is only atomic within one file system), fsync it, rename
// it over the target, then fsync the directory so the rename itself survives
// a power loss. The leading '.' keeps the temporary invisible to
// DirectoryWatcher and to Hadoop-style hidden-file filters.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/io/directory.hpp>
#include <rill/io/system_error.hpp>
#include <rill/io/unique_fd.hpp>

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace rill::io {

namespace detail {

RILL_RUNTIME std::string tempPathFor(const SplitPath& target);

}  // namespace detail

/// Streams a new version of a file and publishes it atomically on commit().
/// Destroying the writer without commit() removes the temporary, so a failed
/// job leaves the previous file untouched. Not thread-safe.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);

  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  AtomicFileWriter(AtomicFileWriter&&) = delete;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;

  ~AtomicFileWriter();

  /// Appends bytes. Small writes are buffered so writing line by line does
  /// not cost a system call per line.
  void write(std::string_view bytes) {
    requireOpen();
    if (buffer_.size() + bytes.size() > kBufferSize) flush();
    if (bytes.size() >= kBufferSize) {
      writeFully(bytes);
    } else {
      buffer_.append(bytes);
    }
  }

  /// Flushes, fsyncs, and renames the temporary over the target path. After
  /// a failed commit() the temporary is removed by the destructor.
  void commit();

  const std::string& path() const noexcept { return path_; }
  const std::string& tempPath() const noexcept { return tempPath_; }

 private:
  static constexpr std::size_t kBufferSize = std::size_t{64} << 10;

  void requireOpen() const {
    if (committed_ || !fd_.valid()) {
      throw IoError("rill: cannot write file '" + path_ + "': writer already committed or failed");
    }
  }

  void flush();

  void writeFully(std::string_view bytes);

  // Every failure names the target too: the temp name alone would puzzle users.
  [[noreturn]] void fail(const std::string& what);

  std::string path_;
  SplitPath parts_;
  std::string tempPath_;
  UniqueFd fd_;
  std::string buffer_;
  bool committed_ = false;
};

/// Replaces (or creates) `path` with `contents` atomically and durably.
RILL_RUNTIME void writeFileAtomically(const std::string& path, std::string_view contents);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::string detail::tempPathFor(const SplitPath& target) {
  // The counter keeps concurrent writers in one process apart; the pid keeps
  // processes apart.
  static std::atomic<unsigned long long> counter{0};
  const std::string prefix = target.dir == "/" ? "/" : target.dir + "/";
  return prefix + "." + target.name + ".tmp-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

RILL_RUNTIME AtomicFileWriter::AtomicFileWriter(std::string path)
    : path_(std::move(path)), parts_(splitPath(path_)), tempPath_(detail::tempPathFor(parts_)) {
  if (parts_.name.empty()) {
    throw IoError("rill: cannot write file '" + path_ + "': path names a directory");
  }
  fd_.reset(::open(tempPath_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd_.valid()) {
    throwSystemError("cannot create temporary file '" + tempPath_ + "' for '" + path_ + "'", errno);
  }
  buffer_.reserve(kBufferSize);
}

RILL_RUNTIME AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) {
    fd_.reset();
    ::unlink(tempPath_.c_str());
  }
}

RILL_RUNTIME void AtomicFileWriter::commit() {
  requireOpen();
  flush();
  if (::fsync(fd_.get()) != 0) fail("cannot sync temporary file '" + tempPath_ + "'");
  // close() can report deferred write errors (e.g. NFS), so check it.
  if (::close(fd_.release()) != 0) fail("cannot close temporary file '" + tempPath_ + "'");
  if (::rename(tempPath_.c_str(), path_.c_str()) != 0) {
    fail("cannot rename '" + tempPath_ + "'");
  }
  committed_ = true;
  if (const int err = syncDirectory(parts_.dir))
    throwSystemError("cannot sync directory '" + parts_.dir + "' after writing '" + path_ + "'", err);
}

RILL_RUNTIME void AtomicFileWriter::flush() {
  writeFully(buffer_);
  buffer_.clear();
}

RILL_RUNTIME void AtomicFileWriter::writeFully(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write temporary file '" + tempPath_ + "'");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

[[noreturn]] RILL_RUNTIME void AtomicFileWriter::fail(const std::string& what) {
  const int err = errno;
  fd_.reset();
  throwSystemError(what + " for '" + path_ + "'", err);
}

RILL_RUNTIME void writeFileAtomically(const std::string& path, std::string_view contents) {
  AtomicFileWriter writer(path);
  writer.write(contents);
  writer.commit();
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::io
