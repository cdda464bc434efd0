#pragma once
// Splitting a byte stream into text lines: the one place rill decides what a
// line is, for every reader of lines (textFile's file ranges and .gz files,
// textFileStream, socketTextStream), so that they cannot disagree.
//
// A line ends at '\n', at "\r\n" and at a '\r' followed by anything else, as
// in Hadoop's LineReader (textFile, textFileStream) and Java's
// BufferedReader.readLine (socketTextStream); the terminator is not part of
// the line. A '\r' delivers its line at once and a '\n' right after it is
// skipped, also when it comes in the next feed(), so "\r\n" is one terminator
// however the bytes are cut. A partial last line is delivered by finish() at
// end of stream; a trailing terminator adds no empty line. Bytes are passed
// through untouched, so invalid UTF-8 or binary data never causes an error.
//
// Memory is bounded: a line longer than maxLineLength is never buffered past
// the limit. It is dropped up to its terminator and counted in overlongLines(),
// because one unterminated 10 GB "line" from a misbehaving peer must not take
// down the receiver. A reader that fails rather than skips (a batch job must
// not lose lines unseen) asks the framer to stop there (Overlong::stop).
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

namespace rill::io {

/// Where the first line of `bytes` ends: the offset of its first '\n' or
/// '\r', or npos.
inline std::size_t findLineEnd(std::string_view bytes) noexcept {
  const std::size_t nl = bytes.find('\n');
  return std::min(nl, bytes.substr(0, nl).find('\r'));
}

namespace detail {

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

/// What a LineFramer does at a line longer than its maxLineLength, once counted:
/// skip it and go on, or stop framing there (feed() returns false).
enum class Overlong { skip, stop };

class LineFramer {
 public:
  explicit LineFramer(std::size_t maxLineLength = std::size_t{1} << 20, Overlong onOverlong = Overlong::skip)
      : maxLineLength_(maxLineLength), onOverlong_(onOverlong) {}

  LineFramer(const LineFramer&) = delete;
  LineFramer& operator=(const LineFramer&) = delete;
  LineFramer(LineFramer&&) noexcept = default;
  LineFramer& operator=(LineFramer&&) noexcept = default;

  /// Splits `bytes` and calls onLine(std::string_view) for every line that is
  /// completed by it. The view is only valid during the call. Whatever
  /// follows the last terminator is kept for the next feed() or finish().
  /// onLine may return bool: false stops the framing (the rest of `bytes` is
  /// not framed) and makes feed() return false, as an overlong line does under
  /// Overlong::stop.
  template <class OnLine>
  bool feed(std::string_view bytes, OnLine&& onLine) {
    const char* p = bytes.data();
    const char* const end = p + bytes.size();
    if (p == end) return true;
    if (skipLF_) {  // the '\r' that ended the last feed's line may be half of a "\r\n"
      skipLF_ = false;
      if (*p == '\n') ++p;
    }
    // Both searched once and kept until passed: a '\n'-only file costs one
    // memchr and one compare per line, and a '\r'-only one never rescans for
    // a '\n' that is not there.
    const char* nl = find(p, end, '\n');
    const char* cr = find(p, end, '\r');
    for (;;) {
      std::string_view line;
      if (nl < cr) {
        line = std::string_view(p, static_cast<std::size_t>(nl - p));
        p = nl + 1;
        nl = find(p, end, '\n');
      } else if (cr != end) {
        line = std::string_view(p, static_cast<std::size_t>(cr - p));
        p = cr + 1;
        if (p == end) {
          skipLF_ = true;
        } else if (*p == '\n') {
          nl = find(++p, end, '\n');
        }
        cr = find(p, end, '\r');
      } else {
        break;
      }
      const End e = endLine(line);
      // One call site, so that the compiler inlines onLine into this loop.
      if (e == End::line ? !detail::invokeLine(onLine, line) : e == End::stop) return false;
    }
    return p == end || appendPartial(std::string_view(p, static_cast<std::size_t>(end - p)));
  }

  /// Signals end of stream: delivers a non-empty unterminated last line and
  /// resets the framer. Returns what a bool-returning onLine returned for it,
  /// else true.
  template <class OnLine>
  bool finish(OnLine&& onLine) {
    const bool hasTail = size_ > 0 && !discarding_;
    const std::size_t len = size_;
    resetLine();
    skipLF_ = false;
    if (!hasTail) return true;
    return detail::invokeLine(onLine, std::string_view(buffer_.get(), len));
  }

  /// Drops the bytes up to the next line end (included) without counting
  /// them as an overlong line: a reader that starts inside a file (one split
  /// of it) begins at the first line that starts after its first byte.
  void skipPartialLine() noexcept {
    resetLine();
    skipLF_ = false;
    discarding_ = true;
  }

  /// Whether the bytes fed so far end inside a line (held, or being skipped):
  /// a reader of a byte range reads on past its end to finish such a line.
  /// Not after a '\r': its line has ended, a '\n' after it only completes
  /// the terminator.
  bool midLine() const noexcept { return size_ > 0 || discarding_; }

  /// Number of lines dropped so far for exceeding maxLineLength.
  std::size_t overlongLines() const noexcept { return overlong_; }
  /// Bytes of the current partial line held between feed() calls.
  std::size_t bufferedBytes() const noexcept { return size_; }
  /// Bytes allocated for partial lines; never exceeds maxLineLength().
  std::size_t bufferCapacity() const noexcept { return capacity_; }
  std::size_t maxLineLength() const noexcept { return maxLineLength_; }

 private:
  // What a terminator ends: a line to deliver, none (the line was overlong
  // and skipped), or the framing (an overlong line under Overlong::stop).
  enum class End { line, none, stop };

  static const char* find(const char* from, const char* end, char c) noexcept {
    const void* at = std::memchr(from, c, static_cast<std::size_t>(end - from));
    return at == nullptr ? end : static_cast<const char*>(at);
  }

  // Called with the bytes before a terminator, turns them into the line they
  // complete. The line may view the buffer, which holds it until more bytes
  // are framed.
  End endLine(std::string_view& line) {
    if (size_ == 0 && !discarding_)  // fast path: whole line is in `line`
      return line.size() <= maxLineLength_ ? End::line : countOverlong();
    return endHeldLine(line);
  }

  // endLine of a line begun in an earlier feed().
  End endHeldLine(std::string_view& line) {
    if (discarding_) {  // the overlong line ends here; already counted
      resetLine();
      return End::none;
    }
    const bool fits = size_ + line.size() <= maxLineLength_;
    if (fits) append(line);
    line = std::string_view(buffer_.get(), size_);
    // Reset before calling out so a throwing callback leaves a clean framer.
    resetLine();
    return fits ? End::line : countOverlong();
  }

  // Buffers bytes of a line whose terminator has not arrived yet; false when
  // the line turned out overlong under Overlong::stop.
  bool appendPartial(std::string_view seg) {
    if (discarding_) return true;
    if (size_ + seg.size() > maxLineLength_) return startDiscarding();
    append(seg);
    return true;
  }

  bool startDiscarding() {
    resetLine();
    discarding_ = true;
    return countOverlong() != End::stop;
  }

  End countOverlong() noexcept {
    ++overlong_;
    return onOverlong_ == Overlong::stop ? End::stop : End::none;
  }

  void resetLine() noexcept {
    size_ = 0;
    discarding_ = false;
  }

  // Grows geometrically but never past maxLineLength_; std::string::reserve
  // may over-allocate, which would break the documented memory bound.
  void append(std::string_view seg) {
    const std::size_t needed = size_ + seg.size();
    if (needed > capacity_) {
      const std::size_t grown = std::max({needed, capacity_ * 2, std::size_t{256}});
      const std::size_t newCap = std::min(grown, maxLineLength_);
      auto fresh = std::make_unique<char[]>(newCap);
      if (size_ > 0) std::memcpy(fresh.get(), buffer_.get(), size_);
      buffer_ = std::move(fresh);
      capacity_ = newCap;
    }
    if (!seg.empty()) std::memcpy(buffer_.get() + size_, seg.data(), seg.size());
    size_ = needed;
  }

  std::size_t maxLineLength_;
  Overlong onOverlong_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  std::size_t overlong_ = 0;
  bool skipLF_ = false;      // the last byte fed was a '\r': a '\n' next completes its terminator
  bool discarding_ = false;  // inside an overlong line, skipping to its terminator
};

}  // namespace rill::io
