#pragma once
// Incremental splitting of a byte stream (a socket, a pipe) into text lines.
//
// Semantics follow Java's BufferedReader.readLine as used by Spark's socket
// receiver, restricted to '\n' framing: a line ends at '\n', one trailing '\r'
// is stripped (so CRLF input works), and a partial last line is delivered by
// finish() at end of stream. Bytes are passed through untouched, so invalid
// UTF-8 or binary data never causes an error.
//
// Memory is bounded: a line longer than maxLineLength is never buffered past
// the limit. It is dropped up to its newline and counted in overlongLines(),
// because one unterminated 10 GB "line" from a misbehaving peer must not take
// down the receiver.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace rill::io {

class LineFramer {
 public:
  explicit LineFramer(std::size_t maxLineLength = std::size_t{1} << 20)
      : maxLineLength_(maxLineLength) {}

  LineFramer(const LineFramer&) = delete;
  LineFramer& operator=(const LineFramer&) = delete;
  LineFramer(LineFramer&&) noexcept = default;
  LineFramer& operator=(LineFramer&&) noexcept = default;

  /// Splits `bytes` and calls onLine(std::string_view) for every line that is
  /// completed by it. The view is only valid during the call. Whatever
  /// follows the last '\n' is kept for the next feed() or finish().
  template <class OnLine>
  void feed(std::string_view bytes, OnLine&& onLine) {
    while (!bytes.empty()) {
      const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
      if (nl == nullptr) {
        appendPartial(bytes);
        return;
      }
      const auto segLen =
          static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data());
      completeLine(bytes.substr(0, segLen), onLine);
      bytes.remove_prefix(segLen + 1);
    }
  }

  /// Signals end of stream: delivers a non-empty unterminated last line (one
  /// trailing '\r' stripped, as for any line) and resets the framer.
  template <class OnLine>
  void finish(OnLine&& onLine) {
    const bool hadCR = pendingCR_;
    const bool hadTail = size_ > 0 || hadCR;
    const bool wasDiscarding = discarding_;
    const std::size_t len = size_;
    resetLine();
    if (wasDiscarding || !hadTail) return;
    std::string_view line(buffer_.get(), len);
    // A pending CR was already left out of the buffer; otherwise strip here.
    if (!hadCR && line.back() == '\r') line.remove_suffix(1);
    onLine(line);
  }

  /// Number of lines dropped so far for exceeding maxLineLength.
  std::size_t overlongLines() const noexcept { return overlong_; }
  /// Bytes of the current partial line held between feed() calls.
  std::size_t bufferedBytes() const noexcept { return size_; }
  /// Bytes allocated for partial lines; never exceeds maxLineLength().
  std::size_t bufferCapacity() const noexcept { return capacity_; }
  std::size_t maxLineLength() const noexcept { return maxLineLength_; }

 private:
  // Called with the bytes before a '\n' (the newline itself excluded).
  template <class OnLine>
  void completeLine(std::string_view seg, OnLine& onLine) {
    if (discarding_) {  // the overlong line ends here; already counted
      resetLine();
      return;
    }
    if (size_ == 0 && !pendingCR_) {  // fast path: whole line is in `seg`
      if (!seg.empty() && seg.back() == '\r') seg.remove_suffix(1);
      if (seg.size() > maxLineLength_) {
        ++overlong_;
        return;
      }
      onLine(seg);
      return;
    }
    if (pendingCR_) {
      // The buffer holds exactly maxLineLength bytes followed by a '\r' we
      // did not store; only an immediate '\n' keeps the line within limits.
      const bool fits = seg.empty();
      const std::size_t len = size_;
      resetLine();
      if (!fits) {
        ++overlong_;
        return;
      }
      onLine(std::string_view(buffer_.get(), len));
      return;
    }
    // Strip exactly one '\r' before the '\n', wherever it landed.
    if (!seg.empty() && seg.back() == '\r') {
      seg.remove_suffix(1);
    } else if (seg.empty() && buffer_[size_ - 1] == '\r') {
      --size_;
    }
    if (size_ + seg.size() > maxLineLength_) {
      resetLine();
      ++overlong_;
      return;
    }
    append(seg);
    const std::size_t len = size_;
    // Reset before calling out so a throwing callback leaves a clean framer.
    resetLine();
    onLine(std::string_view(buffer_.get(), len));
  }

  // Buffers bytes of a line whose '\n' has not arrived yet.
  void appendPartial(std::string_view seg) {
    if (discarding_) return;
    if (pendingCR_) {  // the '\r' was not followed by '\n': line too long
      startDiscarding();
      return;
    }
    const std::size_t newSize = size_ + seg.size();
    if (newSize <= maxLineLength_) {
      append(seg);
    } else if (newSize == maxLineLength_ + 1 && seg.back() == '\r') {
      // May still be a maximal line ending in CRLF; remember the '\r' as a
      // flag instead of exceeding the buffer limit by one byte.
      append(seg.substr(0, seg.size() - 1));
      pendingCR_ = true;
    } else {
      startDiscarding();
    }
  }

  void startDiscarding() {
    ++overlong_;
    resetLine();
    discarding_ = true;
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
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  std::size_t overlong_ = 0;
  bool pendingCR_ = false;   // a '\r' at maxLineLength_+1 awaits its '\n'
  bool discarding_ = false;  // inside an overlong line, skipping to '\n'
};

}  // namespace rill::io
