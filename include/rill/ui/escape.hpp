#pragma once
// Escaping of text that came from users (application and receiver names,
// exception messages) for each place the UI writes it: HTML, JSON strings and
// Prometheus label values. Every such string goes through one of these.
#include <rill/core/runtime.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace rill::ui {

/// Text for HTML element content and quoted attribute values.
RILL_RUNTIME std::string escapeHtml(std::string_view s);

namespace detail {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one
/// (JSON must be UTF-8; exception messages may hold any bytes).
RILL_RUNTIME std::size_t utf8Length(std::string_view s, std::size_t i);

}  // namespace detail

/// A JSON string literal, quotes included. Invalid UTF-8 becomes U+FFFD; <, >
/// and & are written as \u escapes so the text stays inert wherever it lands.
RILL_RUNTIME std::string jsonString(std::string_view s);

/// A Prometheus label value (inside its double quotes): backslash, quote and
/// newline escaped, as the text exposition format requires.
RILL_RUNTIME std::string escapePrometheusLabel(std::string_view s);

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME std::string escapeHtml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#x27;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace detail {

RILL_RUNTIME std::size_t utf8Length(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) n = 2;
  else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return 0;
  }
  return n;
}

}  // namespace detail

RILL_RUNTIME std::string jsonString(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = detail::utf8Length(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.substr(i, n));
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7F) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
    i += n;
  }
  out += '"';
  return out;
}

RILL_RUNTIME std::string escapePrometheusLabel(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
