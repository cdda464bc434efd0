#pragma once
// Error messages built from pieces: rill::detail::message({"cannot read '", path,
// "': ", n, " bytes left"}), text and integers joined in one allocation.
#include <rill/core/runtime.hpp>

#include <concepts>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

namespace rill::detail {

/// One piece of a message: text, or an integer written in decimal.
class MessagePart {
 public:
  MessagePart(const char* text) : MessagePart(std::string_view(text)) {}
  MessagePart(const std::string& text) : MessagePart(std::string_view(text)) {}
  MessagePart(std::string_view text) : text_(text.data()), size_(text.size()) {}
  template <std::integral I>
    requires(!std::same_as<I, bool> && !std::same_as<I, char>)
  MessagePart(I n) : size_(0) {
    const bool negative = n < 0;
    // the magnitude as unsigned, so the most negative value does not overflow
    unsigned long long v = negative ? 0ull - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
    do {
      digits_[sizeof digits_ - ++size_] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    if (negative) digits_[sizeof digits_ - ++size_] = '-';
  }
  MessagePart(const MessagePart&) = delete;
  MessagePart& operator=(const MessagePart&) = delete;

  const char* data() const { return text_ ? text_ : digits_ + (sizeof digits_ - size_); }
  std::size_t size() const { return size_; }

 private:
  const char* text_ = nullptr;  // null for a number, which lives in digits_
  std::size_t size_;
  char digits_[24];  // right-aligned; 20 digits and a sign at most
};

/// The pieces joined, in one allocation.
RILL_RUNTIME std::string message(std::initializer_list<MessagePart> parts);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::string message(std::initializer_list<MessagePart> parts) {
  std::size_t size = 0;
  for (const MessagePart& p : parts) size += p.size();
  std::string out(size, '\0');
  char* at = out.data();
  for (const MessagePart& p : parts) {
    if (p.size() != 0) std::memcpy(at, p.data(), p.size());
    at += p.size();
  }
  return out;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
