// The UI's text helpers: escaping for HTML, JSON and Prometheus, the JSON
// writer's layout, and how times, durations and numbers are written.
#include <doctest/doctest.h>

#include <rill/ui/escape.hpp>
#include <rill/ui/format.hpp>
#include <rill/ui/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

using namespace rill::ui;

TEST_CASE("escapeHtml escapes the five characters that can start markup or end an attribute") {
  CHECK(escapeHtml("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(escapeHtml("a & \"b\" 'c'") == "a &amp; &quot;b&quot; &#x27;c&#x27;");
  CHECK(escapeHtml("plain ü") == "plain ü");
}

TEST_CASE("jsonString escapes quotes, controls and markup characters, and repairs invalid UTF-8") {
  CHECK(jsonString("say \"hi\"\\\n\t") == R"("say \"hi\"\\\n\t")");
  CHECK(jsonString("<script>&") == R"("\u003cscript\u003e\u0026")");
  CHECK(jsonString(std::string("\x01", 1)) == R"("\u0001")");
  CHECK(jsonString("Grüße €") == "\"Grüße €\"");
  CHECK(jsonString("bad \xff byte") == R"("bad \ufffd byte")");
  CHECK(jsonString("cut \xe2\x82") == R"("cut \ufffd\ufffd")");
  CHECK(jsonString("surrogate \xed\xa0\x80") == R"("surrogate \ufffd\ufffd\ufffd")");
}

TEST_CASE("escapePrometheusLabel escapes backslash, quote and newline") {
  CHECK(escapePrometheusLabel("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
}

TEST_CASE("JsonWriter indents as Spark's API, writes doubles exactly and leaves out empty optionals") {
  JsonWriter j;
  j.beginObject()
      .field("id", std::int64_t{3000})
      .field("rate", 4.2)
      .field("whole", 5.0)
      .field("name", "x")
      .field("missing", std::optional<std::int64_t>())
      .field("present", std::optional<std::int64_t>(7))
      .key("list")
      .beginArray()
      .beginArray()
      .value(1)
      .value(2.5)
      .endArray()
      .endArray()
      .key("empty")
      .beginArray()
      .endArray()
      .endObject();
  CHECK(j.str() ==
        "{\n  \"id\" : 3000,\n  \"rate\" : 4.2,\n  \"whole\" : 5.0,\n  \"name\" : \"x\",\n  \"present\" : 7,\n"
        "  \"list\" : [\n    [\n      1,\n      2.5\n    ]\n  ],\n  \"empty\" : []\n}");
}

TEST_CASE("times are written in UTC, as Spark's UI and REST API write them") {
  CHECK(formatDateTime(3000, false) == "1970/01/01 00:00:03");
  CHECK(formatDateTime(1'700'000'000'250) == "2023/11/14 22:13:20.250");
  CHECK(formatJsonDate(1'700'000'000'250) == "2023-11-14T22:13:20.250GMT");
  CHECK(formatJsonDate(-1) == "1969-12-31T23:59:59.999GMT");
  CHECK(formatClock(3'723'000) == "01:02:03");
}

TEST_CASE("durations are rounded as Spark's UI rounds them") {
  CHECK(formatDuration(0) == "0 ms");
  CHECK(formatDuration(999) == "999 ms");
  CHECK(formatDuration(1200) == "1.2 s");
  CHECK(formatDuration(90'000) == "1.5 min");
  CHECK(formatDuration(7'200'000) == "2.0 h");
  CHECK(formatDurationVerbose(500) == "500 ms");
  CHECK(formatDurationVerbose(1000) == "1 second");
  CHECK(formatDurationVerbose(125'000) == "2 minutes 5 seconds");
  CHECK(formatDurationVerbose(3'660'000) == "1 hour 1 minute");
  CHECK(formatDurationVerbose(90'000'000) == "1 day 1 hour");
  CHECK(formatShortest(4.2) == "4.2");
  CHECK(formatDecimal(4.25) == "4.25");
}
