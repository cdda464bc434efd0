#pragma once
// Frames: several byte strings in one buffer, each as its byte count (u64)
// followed by its bytes. Values sent to other ranks (wire.hpp) and failures
// (failure_bytes.hpp) travel framed this way.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace rill::exec {

/// Appends `bytes` as one frame.
inline void appendFrameBytes(std::string& out, std::string_view bytes) {
  const std::uint64_t length = bytes.size();
  out.append(reinterpret_cast<const char*>(&length), sizeof length);
  out.append(bytes);
}

/// Reads frames one after another from a buffer of frames.
class FrameReader {
 public:
  explicit FrameReader(std::string_view bytes) : rest_(bytes) {}

  /// The next frame's bytes; throws when the buffer ends before it.
  std::string_view next() {
    std::uint64_t length = 0;
    if (rest_.size() < sizeof length) malformed();
    std::memcpy(&length, rest_.data(), sizeof length);
    rest_.remove_prefix(sizeof length);
    if (length > rest_.size()) malformed();
    const std::string_view frame = rest_.substr(0, static_cast<std::size_t>(length));
    rest_.remove_prefix(static_cast<std::size_t>(length));
    return frame;
  }
  bool done() const { return rest_.empty(); }

 private:
  [[noreturn]] static void malformed();
  std::string_view rest_;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void FrameReader::malformed() {
  throw SparkException("rill: a buffer from another rank ends inside a frame");
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::exec
