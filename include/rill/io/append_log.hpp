#pragma once
// An append-only log of checksummed records in numbered segment files
// ("log-0000000001", ...) in one directory: what a write-ahead log is made of.
//
// A record is a 24-byte header, then its payload:
//   magic "RLOG" (4 bytes), format version (u32, 1), payload length (u64),
//   checksum (u64, logChecksum of the payload seeded with its length),
// in the machine's byte order (the log is read back on the machine that wrote
// it, as checkpoints are), then zeros up to the next multiple of 4 KiB, where
// the next record starts. The alignment lets segments be written with
// O_DIRECT, straight from rill's buffer to the disk: a buffered write of a
// block of megabytes costs 10 to 30 times the CPU time here, in the kernel's
// copy into its page cache. A file system that refuses O_DIRECT gets buffered
// writes of the same bytes.
//
// A process that dies inside an append leaves a torn record at the end of its
// segment: the scan detects it by its length or its checksum and stops there.
// Appends after a failed write, and every new AppendLog, go to a new segment,
// so a segment's intact records are always a prefix of it and nothing valid
// ever follows a torn tail. A failure that closes a segment before its
// appends were synced makes the next sync() throw: they may not be on disk.
//
// Not thread-safe: its owner serialises appends.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/io/directory.hpp>
#include <rill/io/file_lines.hpp>
#include <rill/io/system_error.hpp>
#include <rill/io/unique_fd.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::io {

/// Where a record lies: segment number and the bytes [from, until) it takes there.
struct LogSpan {
  std::uint64_t segment = 0;
  std::uint64_t from = 0;
  std::uint64_t until = 0;
  bool operator==(const LogSpan&) const = default;
};

inline constexpr std::size_t kLogHeaderSize = 24;
inline constexpr std::uint64_t kLogAlignment = 4096;
inline constexpr std::string_view kLogMagic = "RLOG";
inline constexpr std::uint32_t kLogVersion = 1;

/// A 64-bit checksum taking 8 bytes a step: every block a receiver logs goes
/// through it on the way in and on the way back, so it has to keep up with the
/// disk. It detects torn and corrupted records; it is no defence against forgery.
inline std::uint64_t logChecksum(std::string_view bytes, std::uint64_t seed) {
  constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xC2B2AE3D27D4EB4Full;
  auto mix = [&](std::uint64_t h, std::uint64_t word) {
    h ^= word * k2;
    return ((h << 31) | (h >> 33)) * k1;
  };
  std::uint64_t h = (seed + bytes.size()) * k1;
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + i, 8);
    h = mix(h, word);
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
  h = mix(h, tail);
  h ^= h >> 33;  // a final avalanche, so every input bit reaches every output bit
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

/// Where the next record starts after one that ends at `until`.
inline std::uint64_t nextLogRecordAt(std::uint64_t until) {
  return (until + kLogAlignment - 1) / kLogAlignment * kLogAlignment;
}

/// The header of a record holding `payload`.
inline std::string logRecordHeader(std::string_view payload) {
  std::string header(kLogHeaderSize, '\0');
  const std::uint64_t length = payload.size(), sum = logChecksum(payload, payload.size());
  std::memcpy(header.data(), kLogMagic.data(), 4);
  std::memcpy(header.data() + 4, &kLogVersion, 4);
  std::memcpy(header.data() + 8, &length, 8);
  std::memcpy(header.data() + 16, &sum, 8);
  return header;
}

/// A whole record: header then payload.
inline std::string encodeLogRecord(std::string_view payload) { return logRecordHeader(payload).append(payload); }

/// The payload length a header declares, or nullopt when it is no record header.
inline std::optional<std::uint64_t> logPayloadLength(std::string_view header) {
  std::uint32_t version = 0;
  std::uint64_t length = 0;
  if (header.size() < kLogHeaderSize || header.substr(0, 4) != kLogMagic) return std::nullopt;
  std::memcpy(&version, header.data() + 4, 4);
  std::memcpy(&length, header.data() + 8, 8);
  if (version != kLogVersion) return std::nullopt;
  return length;
}

inline bool logPayloadIntact(std::string_view header, std::string_view payload) {
  std::uint64_t sum = 0;
  std::memcpy(&sum, header.data() + 16, 8);
  return logChecksum(payload, payload.size()) == sum;
}

/// "log-" and the number, zero-padded so that listings sort in log order.
RILL_RUNTIME std::string logSegmentName(std::uint64_t n);

RILL_RUNTIME std::optional<std::uint64_t> parseLogSegmentName(std::string_view name);

/// The segment numbers in dir, ascending (none for a missing directory).
RILL_RUNTIME std::vector<std::uint64_t> listLogSegments(const std::string& dir);

namespace detail {

/// Reads exactly n bytes at offset; false when the file ends first.
RILL_RUNTIME bool readExactly(int fd, const std::string& path, char* out, std::size_t n, std::uint64_t offset);

}  // namespace detail

/// What a scan of a segment found: its intact records (with their padding)
/// end at `end` of `size` bytes.
struct LogScan {
  std::uint64_t end = 0;
  std::uint64_t size = 0;
  /// The segment ends inside a record (or in bytes that are none).
  bool torn() const { return end < size; }
};

/// Calls fn(span, payload) for every intact record of a segment file, in order,
/// and stops at the first torn or corrupt one (what a crash mid-append leaves).
template <class Fn>
LogScan scanLogSegment(const std::string& path, std::uint64_t segment, Fn&& fn) {
  const UniqueFd fd = detail::openForReading(path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throwSystemError("cannot read log segment '" + path + "'", errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  std::string header(kLogHeaderSize, '\0'), payload;
  std::uint64_t at = 0;
  while (at < size && size - at >= kLogHeaderSize &&
         detail::readExactly(fd.get(), path, header.data(), kLogHeaderSize, at)) {
    const auto length = logPayloadLength(header);
    if (!length || *length > size - at - kLogHeaderSize) break;
    payload.resize(static_cast<std::size_t>(*length));
    if (!detail::readExactly(fd.get(), path, payload.data(), payload.size(), at + kLogHeaderSize) ||
        !logPayloadIntact(header, payload))
      break;
    const LogSpan span{segment, at, at + kLogHeaderSize + *length};
    fn(span, std::string_view(payload));
    at = nextLogRecordAt(span.until);
  }
  return {std::min(at, size), size};
}

/// The payload of the record at span in the segment file at path; throws
/// IoError when it is not there intact.
RILL_RUNTIME std::string readLogRecord(const std::string& path, const LogSpan& span);

class AppendLog {
 public:
  /// Opens the log in dir (created if needed); appends go to a new segment
  /// numbered after every segment already there.
  explicit AppendLog(std::string dir);

  const std::string& directory() const { return dir_; }
  std::string segmentPath(std::uint64_t segment) const { return joinPath(dir_, logSegmentName(segment)); }
  /// The segment appends go to now (or will, once one is opened).
  std::uint64_t currentSegment() const { return fd_.valid() ? current_ : next_; }

  /// Writes one record; durable only after sync().
  LogSpan append(std::string_view payload);

  /// Makes every append so far durable (and, once per segment, its name).
  /// Throws IoError when it cannot: when syncing fails, or when a failure
  /// closed a segment before its appends were synced (that sync reports it,
  /// once: later syncs answer for the appends after it).
  void sync();

  /// Syncs and closes the current segment: the next append opens a new one.
  void roll();

  /// Deletes the segments numbered below `segment`, never the one being written.
  void removeSegmentsBefore(std::uint64_t segment);

 private:
  void open();

  void writeAll(const char* data, std::size_t n);

  void writeBuffered();

  // After a failed write the segment may end in part of a record: later
  // records go to a new segment, where a scan will find them. Closing it
  // leaves its unsynced appends to chance, which the next sync() reports
  // (after a failed sync too: its caller may sync again and think them safe).
  [[noreturn]] void fail(const std::string& what, int err = errno);

  std::string dir_;
  UniqueFd fd_;
  std::uint64_t current_ = 0;  // the open segment, when fd_ is valid
  std::uint64_t next_ = 1;     // the segment the next open() creates
  std::uint64_t size_ = 0;     // bytes in the open segment
  bool nameSynced_ = false;
  bool direct_ = false;        // the open segment is written with O_DIRECT
  bool unsynced_ = false;      // the open segment has appends not yet synced
  std::string lost_;           // why a segment closed before its appends were synced, until sync() reports it
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> staged_;  // a record and its padding, aligned for O_DIRECT
  std::size_t stagedSize_ = 0;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::string logSegmentName(std::uint64_t n) {
  std::string digits = std::to_string(n);
  return "log-" + std::string(digits.size() < 10 ? 10 - digits.size() : 0, '0') + digits;
}

RILL_RUNTIME std::optional<std::uint64_t> parseLogSegmentName(std::string_view name) {
  constexpr std::string_view prefix = "log-";
  if (!name.starts_with(prefix) || name.size() == prefix.size() || name.size() > prefix.size() + 19)
    return std::nullopt;
  std::uint64_t n = 0;
  for (char c : name.substr(prefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

RILL_RUNTIME std::vector<std::uint64_t> listLogSegments(const std::string& dir) {
  std::vector<std::string> names;
  readDirectory(dir, names);
  std::vector<std::uint64_t> found;
  for (const auto& name : names)
    if (auto n = parseLogSegmentName(name)) found.push_back(*n);
  std::sort(found.begin(), found.end());
  return found;
}

RILL_RUNTIME bool detail::readExactly(int fd, const std::string& path, char* out, std::size_t n, std::uint64_t offset) {
  while (n > 0) {
    const std::size_t got = readAt(fd, path, out, n, offset);
    if (got == 0) return false;
    out += got;
    n -= got;
    offset += got;
  }
  return true;
}

RILL_RUNTIME std::string readLogRecord(const std::string& path, const LogSpan& span) {
  const UniqueFd fd = detail::openForReading(path);
  std::string header(kLogHeaderSize, '\0');
  auto missing = [&] {
    return IoError("rill: log segment '" + path + "' has no intact record at bytes [" + std::to_string(span.from) +
                   ", " + std::to_string(span.until) + ")");
  };
  if (span.until < span.from + kLogHeaderSize ||
      !detail::readExactly(fd.get(), path, header.data(), header.size(), span.from))
    throw missing();
  const auto length = logPayloadLength(header);
  if (!length || *length != span.until - span.from - kLogHeaderSize) throw missing();
  std::string payload(static_cast<std::size_t>(*length), '\0');
  if (!detail::readExactly(fd.get(), path, payload.data(), payload.size(), span.from + kLogHeaderSize) ||
      !logPayloadIntact(header, payload))
    throw missing();
  return payload;
}

RILL_RUNTIME AppendLog::AppendLog(std::string dir) : dir_(std::move(dir)) {
  if (const int err = makeDirectories(dir_)) throwSystemError("cannot create log directory '" + dir_ + "'", err);
  const auto existing = listLogSegments(dir_);
  next_ = existing.empty() ? 1 : existing.back() + 1;
}

RILL_RUNTIME LogSpan AppendLog::append(std::string_view payload) {
  if (!fd_.valid()) open();
  const std::size_t used = kLogHeaderSize + payload.size();
  const auto padded = static_cast<std::size_t>(nextLogRecordAt(used));
  if (padded > stagedSize_) {
    stagedSize_ = std::max(padded, 2 * stagedSize_);
    staged_.reset(static_cast<char*>(std::aligned_alloc(kLogAlignment, stagedSize_)));
    if (!staged_) throw std::bad_alloc();
  }
  const std::string header = logRecordHeader(payload);
  std::memcpy(staged_.get(), header.data(), header.size());
  std::memcpy(staged_.get() + header.size(), payload.data(), payload.size());
  std::memset(staged_.get() + used, 0, padded - used);
  writeAll(staged_.get(), padded);
  unsynced_ = true;
  const LogSpan span{current_, size_, size_ + used};
  size_ += padded;
  return span;
}

RILL_RUNTIME void AppendLog::sync() {
  if (fd_.valid()) {
    if (::fdatasync(fd_.get()) != 0) fail("cannot sync log segment '" + segmentPath(current_) + "'");
    if (!nameSynced_) {
      if (const int err = syncDirectory(dir_)) fail("cannot sync log directory '" + dir_ + "'", err);
      nameSynced_ = true;
    }
    unsynced_ = false;
  }
  if (!lost_.empty()) throw IoError(std::exchange(lost_, {}));
}

RILL_RUNTIME void AppendLog::roll() {
  sync();
  fd_.reset();
}

RILL_RUNTIME void AppendLog::removeSegmentsBefore(std::uint64_t segment) {
  for (const auto n : listLogSegments(dir_))
    if (n < segment && !(fd_.valid() && n == current_)) removeFile(segmentPath(n));
}

RILL_RUNTIME void AppendLog::open() {
  current_ = next_++;
  size_ = 0;
  nameSynced_ = false;
  const std::string path = segmentPath(current_);
  constexpr int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
  fd_.reset(::open(path.c_str(), flags | O_DIRECT, 0644));
  direct_ = fd_.valid();
  if (!direct_ && errno == EINVAL) fd_.reset(::open(path.c_str(), flags, 0644));
  if (!fd_.valid()) fail("cannot create log segment '" + path + "'");
}

RILL_RUNTIME void AppendLog::writeAll(const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t written = ::write(fd_.get(), data, n);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && errno == EINVAL && direct_) {  // not a shape this file system writes directly
      writeBuffered();
      continue;
    }
    if (written < 0) fail("cannot append to log segment '" + segmentPath(current_) + "'");
    data += written;
    n -= static_cast<std::size_t>(written);
    if (n > 0 && direct_) writeBuffered();  // what is left of a short write is no longer aligned
  }
}

RILL_RUNTIME void AppendLog::writeBuffered() {
  const int flags = ::fcntl(fd_.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd_.get(), F_SETFL, flags & ~O_DIRECT) != 0)
    fail("cannot write log segment '" + segmentPath(current_) + "'");
  direct_ = false;
}

[[noreturn]] RILL_RUNTIME void AppendLog::fail(const std::string& what, int err) {
  if (unsynced_ && lost_.empty())  // the first such segment is named; any failure makes sync() throw
    lost_ = "rill: log segment '" + segmentPath(current_) +
            "' was closed by a failure before its appends were synced: they may not be on disk (" +
            systemErrorMessage(what, err) + ")";
  unsynced_ = false;
  fd_.reset();
  throwSystemError(what, err);
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::io
