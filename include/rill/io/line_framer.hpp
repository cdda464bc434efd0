#pragma once
// Splitting a byte stream into text lines: the one place rill decides what a
// line is, for every reader of lines (textFile's file ranges and .gz files,
// textFileStream, socketTextStream), so that they cannot disagree.
//
// A line ends at '\n'; one '\r' right before it is stripped (so CRLF input
// works), and a partial last line is delivered by finish() at end of stream.
// A lone '\r' is a byte of its line, not an end of line as in Hadoop's
// LineRecordReader and Java's BufferedReader.readLine: rill frames on '\n'
// only. Bytes are passed through untouched, so invalid UTF-8 or binary data
// never causes an error.
//
// Memory is bounded: a line longer than maxLineLength is never buffered past
// the limit. It is dropped up to its newline and counted in overlongLines(),
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

/// Where the first line of `bytes` ends: the offset of its '\n', or npos.
inline std::size_t findLineEnd(std::string_view bytes) noexcept {
  const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
  return nl == nullptr ? std::string_view::npos : static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data());
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
  /// follows the last '\n' is kept for the next feed() or finish(). onLine
  /// may return bool: false stops the framing (the rest of `bytes` is not
  /// framed) and makes feed() return false, as an overlong line does under
  /// Overlong::stop.
  template <class OnLine>
  bool feed(std::string_view bytes, OnLine&& onLine) {
    for (std::size_t nl = findLineEnd(bytes); nl != std::string_view::npos; nl = findLineEnd(bytes)) {
      std::string_view line = bytes.substr(0, nl);
      bytes.remove_prefix(nl + 1);
      const End end = endLine(line);
      // One call site, so that the compiler inlines onLine into this loop.
      if (end == End::line ? !detail::invokeLine(onLine, line) : end == End::stop) return false;
    }
    return bytes.empty() || appendPartial(bytes);
  }

  /// Signals end of stream: delivers a non-empty unterminated last line (one
  /// trailing '\r' stripped, as for any line) and resets the framer. Returns
  /// what a bool-returning onLine returned for it, else true.
  template <class OnLine>
  bool finish(OnLine&& onLine) {
    const bool hadCR = pendingCR_;
    const bool hadTail = size_ > 0 || hadCR;
    const bool wasDiscarding = discarding_;
    const std::size_t len = size_;
    resetLine();
    if (wasDiscarding || !hadTail) return true;
    std::string_view line(buffer_.get(), len);
    // A pending CR was already left out of the buffer; otherwise strip here.
    if (!hadCR && line.back() == '\r') line.remove_suffix(1);
    return detail::invokeLine(onLine, line);
  }

  /// Drops the bytes up to the next '\n' (included) without counting them as
  /// an overlong line: a reader that starts inside a file (one split of it)
  /// begins at the first line that starts after its first byte.
  void skipPartialLine() noexcept {
    resetLine();
    discarding_ = true;
  }

  /// Whether the bytes fed so far end inside a line (held, or being skipped):
  /// a reader of a byte range reads on past its end to finish such a line.
  bool midLine() const noexcept { return size_ > 0 || pendingCR_ || discarding_; }

  /// Number of lines dropped so far for exceeding maxLineLength.
  std::size_t overlongLines() const noexcept { return overlong_; }
  /// Bytes of the current partial line held between feed() calls.
  std::size_t bufferedBytes() const noexcept { return size_; }
  /// Bytes allocated for partial lines; never exceeds maxLineLength().
  std::size_t bufferCapacity() const noexcept { return capacity_; }
  std::size_t maxLineLength() const noexcept { return maxLineLength_; }

 private:
  // What a '\n' ends: a line to deliver, none (the line was overlong and
  // skipped), or the framing (an overlong line under Overlong::stop).
  enum class End { line, none, stop };

  // Called with the bytes before a '\n' (the newline itself excluded), turns
  // them into the line they complete. The line may view the buffer, which
  // holds it until more bytes are framed.
  End endLine(std::string_view& line) {
    if (size_ == 0 && !pendingCR_ && !discarding_) {  // fast path: whole line is in `line`
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      return line.size() <= maxLineLength_ ? End::line : countOverlong();
    }
    return endHeldLine(line);
  }

  // endLine of a line begun in an earlier feed().
  End endHeldLine(std::string_view& line) {
    std::string_view seg = line;
    if (discarding_) {  // the overlong line ends here; already counted
      resetLine();
      return End::none;
    }
    if (pendingCR_) {
      // The buffer holds exactly maxLineLength bytes followed by a '\r' we
      // did not store; only an immediate '\n' keeps the line within limits.
      const bool fits = seg.empty();
      line = std::string_view(buffer_.get(), size_);
      resetLine();
      return fits ? End::line : countOverlong();
    }
    // Strip exactly one '\r' before the '\n', wherever it landed.
    if (!seg.empty() && seg.back() == '\r') {
      seg.remove_suffix(1);
    } else if (seg.empty() && buffer_[size_ - 1] == '\r') {
      --size_;
    }
    const bool fits = size_ + seg.size() <= maxLineLength_;
    if (fits) append(seg);
    line = std::string_view(buffer_.get(), size_);
    // Reset before calling out so a throwing callback leaves a clean framer.
    resetLine();
    return fits ? End::line : countOverlong();
  }

  // Buffers bytes of a line whose '\n' has not arrived yet; false when the
  // line turned out overlong under Overlong::stop.
  bool appendPartial(std::string_view seg) {
    if (discarding_) return true;
    if (pendingCR_) return startDiscarding();  // the '\r' was not followed by '\n': line too long
    const std::size_t newSize = size_ + seg.size();
    if (newSize <= maxLineLength_) {
      append(seg);
    } else if (newSize == maxLineLength_ + 1 && seg.back() == '\r') {
      // May still be a maximal line ending in CRLF; remember the '\r' as a
      // flag instead of exceeding the buffer limit by one byte.
      append(seg.substr(0, seg.size() - 1));
      pendingCR_ = true;
    } else {
      return startDiscarding();
    }
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
    pendingCR_ = false;
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
  bool pendingCR_ = false;   // a '\r' at maxLineLength_+1 awaits its '\n'
  bool discarding_ = false;  // inside an overlong line, skipping to '\n'
};

}  // namespace rill::io
