// Tests for the examples' access-log parser (examples/common/access_log.hpp):
// exact fields of valid Common and Combined Log Format lines, and rejection of
// malformed ones.
#include "../examples/common/access_log.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using examples::AccessLogEntry;
using examples::parseAccessLog;

TEST_CASE("a Common Log Format line gives every field") {
  const auto e = parseAccessLog(R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326)");
  REQUIRE(e.has_value());
  AccessLogEntry want;
  want.clientIp = "127.0.0.1";
  want.ident = "-";
  want.user = "frank";
  want.timestamp = "10/Oct/2000:13:55:36 -0700";
  want.method = "GET";
  want.path = "/apache_pb.gif";
  want.protocol = "HTTP/1.0";
  want.status = 200;
  want.bytes = 2326;
  CHECK(*e == want);
  CHECK(!e->referer.has_value());
  CHECK(!e->userAgent.has_value());
}

TEST_CASE("a Combined Log Format line adds referer and user agent") {
  const auto e = parseAccessLog(
      R"(10.1.2.3 - - [01/Jan/2024:00:00:01 +0000] "POST /api/cart?id=7 HTTP/1.1" 503 - "https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64) \"quoted\"")");
  REQUIRE(e.has_value());
  CHECK(e->clientIp == "10.1.2.3");
  CHECK(e->user == "-");
  CHECK(e->method == "POST");
  CHECK(e->path == "/api/cart?id=7");
  CHECK(e->protocol == "HTTP/1.1");
  CHECK(e->status == 503);
  CHECK(!e->bytes.has_value());  // "-": no body
  CHECK(e->referer == std::optional<std::string>("https://shop.example/"));
  CHECK(e->userAgent == std::optional<std::string>(R"(Mozilla/5.0 (X11; Linux x86_64) \"quoted\")"));
  CHECK(examples::statusClass(e->status) == "5xx");
}

TEST_CASE("an IPv6 client and an empty referer parse") {
  const auto e = parseAccessLog(R"(::1 - - [31/Dec/1999:23:59:59 +0100] "HEAD / HTTP/2.0" 304 0 "" "curl/8.0")");
  REQUIRE(e.has_value());
  CHECK(e->clientIp == "::1");
  CHECK(e->bytes == std::optional<std::int64_t>(0));
  CHECK(e->referer == std::optional<std::string>(""));
  CHECK(e->userAgent == std::optional<std::string>("curl/8.0"));
}

TEST_CASE("malformed lines are rejected") {
  const char* const bad[] = {
      "",
      "garbage",
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200)",           // no bytes
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 12 extra)",  // trailing field
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 2000 12)",       // 4-digit status
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 600 12)",        // no such class
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 20x 12)",        // not a number
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 1k)",        // bytes not a number
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0 200 12)",         // unterminated quote
      R"(127.0.0.1 - frank [10/Oct/2000 13:55:36] "GET /a HTTP/1.0" 200 12)",              // bad timestamp
      R"(127.0.0.1 - frank 10/Oct/2000:13:55:36 -0700 "GET /a HTTP/1.0" 200 12)",          // no brackets
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "-" 408 -)",                       // no request line
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET  /a HTTP/1.0" 200 12)",       // double space
      R"(127.0.0.1  - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 12)",       // empty field
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 12 "ref")",  // referer, no agent
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 12 "r" "ua)",  // unterminated agent
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 99999999999999999999)",  // overflow
  };
  for (const char* line : bad) {
    CAPTURE(line);
    CHECK(!parseAccessLog(line).has_value());
  }
}
