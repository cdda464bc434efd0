#pragma once
// A parser for web-server access log lines in the Common Log Format (CLF) and
// the Combined Log Format (CLF plus referer and user agent), as Apache httpd
// and nginx write them:
//
//   127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326
//   ... the same ... "http://example.com/start.html" "Mozilla/4.08 [en]"
//
// A line that does not have this shape gives std::nullopt: a stream of real
// logs always holds some garbage (truncated writes, binary probes), and the
// program must count it, not crash on it.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace examples {

struct AccessLogEntry {
  std::string clientIp;   // the remote host (%h), as logged
  std::string ident;      // %l, nearly always "-"
  std::string user;       // %u, "-" when not authenticated
  std::string timestamp;  // %t without brackets: "10/Oct/2000:13:55:36 -0700"
  std::string method;     // the request line (%r) split in three
  std::string path;
  std::string protocol;
  int status = 0;                         // %>s, 100..599
  std::optional<std::int64_t> bytes;      // %b; "-" (no body) is nullopt
  std::optional<std::string> referer;     // Combined format only
  std::optional<std::string> userAgent;   // Combined format only

  bool operator==(const AccessLogEntry&) const = default;
};

/// "2xx", "3xx", "4xx" or "5xx" (1xx responses are logged rarely; "1xx").
inline std::string statusClass(int status) { return std::to_string(status / 100) + "xx"; }

namespace detail {

/// Reads a line from left to right; every take* returns false on a mismatch.
class LogCursor {
 public:
  explicit LogCursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }

  /// A field up to the next space (not empty).
  bool takeToken(std::string& out) {
    const auto end = std::min(s_.find(' ', pos_), s_.size());
    if (end == pos_) return false;
    out = std::string(s_.substr(pos_, end - pos_));
    pos_ = end;
    return true;
  }
  bool takeChar(char c) {
    if (done() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  /// [text] -> text.
  bool takeBracketed(std::string& out) {
    if (!takeChar('[')) return false;
    const auto end = s_.find(']', pos_);
    if (end == std::string_view::npos) return false;
    out = std::string(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return true;
  }
  /// "text" -> text; servers escape a quote inside as \" (kept as logged).
  bool takeQuoted(std::string& out) {
    if (!takeChar('"')) return false;
    for (std::size_t i = pos_; i < s_.size(); ++i) {
      if (s_[i] == '\\') {
        ++i;
      } else if (s_[i] == '"') {
        out = std::string(s_.substr(pos_, i - pos_));
        pos_ = i + 1;
        return true;
      }
    }
    return false;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

inline bool allDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

/// dd/Mon/yyyy:HH:MM:SS +zzzz, checked by shape (digits where digits go).
inline bool isLogTimestamp(std::string_view t) {
  constexpr std::string_view shape = "00/Aaa/0000:00:00:00 +0000";
  if (t.size() != shape.size()) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto c = static_cast<unsigned char>(t[i]);
    const bool ok = shape[i] == '0'   ? std::isdigit(c)
                    : shape[i] == 'A' ? std::isupper(c)
                    : shape[i] == 'a' ? std::islower(c)
                    : shape[i] == '+' ? (c == '+' || c == '-')
                                      : c == static_cast<unsigned char>(shape[i]);
    if (!ok) return false;
  }
  return true;
}

/// "METHOD PATH PROTOCOL" (exactly three words).
inline bool splitRequest(std::string_view request, AccessLogEntry& e) {
  LogCursor c(request);
  return c.takeToken(e.method) && c.takeChar(' ') && c.takeToken(e.path) && c.takeChar(' ') &&
         c.takeToken(e.protocol) && c.done();
}

}  // namespace detail

/// The entry of one CLF or Combined line, or std::nullopt if the line is malformed.
inline std::optional<AccessLogEntry> parseAccessLog(std::string_view line) {
  AccessLogEntry e;
  detail::LogCursor c(line);
  std::string request, status, bytes;
  const bool clf = c.takeToken(e.clientIp) && c.takeChar(' ') && c.takeToken(e.ident) && c.takeChar(' ') &&
                   c.takeToken(e.user) && c.takeChar(' ') && c.takeBracketed(e.timestamp) && c.takeChar(' ') &&
                   c.takeQuoted(request) && c.takeChar(' ') && c.takeToken(status) && c.takeChar(' ') &&
                   c.takeToken(bytes);
  if (!clf || !detail::isLogTimestamp(e.timestamp) || !detail::splitRequest(request, e)) return std::nullopt;
  if (status.size() != 3 || !detail::allDigits(status) || status[0] < '1' || status[0] > '5') return std::nullopt;
  e.status = std::stoi(status);
  if (bytes != "-") {
    if (!detail::allDigits(bytes) || bytes.size() > 18) return std::nullopt;  // 18 digits fit an int64
    e.bytes = std::stoll(bytes);
  }
  if (c.done()) return e;  // Common Log Format
  std::string referer, agent;
  if (!(c.takeChar(' ') && c.takeQuoted(referer) && c.takeChar(' ') && c.takeQuoted(agent) && c.done()))
    return std::nullopt;
  e.referer = std::move(referer);
  e.userAgent = std::move(agent);
  return e;
}

}  // namespace examples
