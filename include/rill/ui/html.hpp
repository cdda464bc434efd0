#pragma once
// The frame every UI page shares: title, style, navigation and, for pages
// that change, a refresh every few seconds. Pages carry no script: charts are
// inline SVG, details are <details> elements, refreshing is a meta refresh.
#include <rill/core/runtime.hpp>
#include <rill/ui/escape.hpp>
#include <rill/ui/snapshot.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace rill::ui {

/// How often a page that changes reloads itself.
inline constexpr int kRefreshSeconds = 5;

namespace detail {

inline constexpr std::string_view kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:rgb(34,34,34);background:#fff;font-size:14px}
header{background:rgb(31,58,90);color:#fff;padding:10px 24px;display:flex;align-items:baseline;gap:24px}
header .brand{font-weight:700;font-size:18px}header .app{font-size:15px}
header nav a{color:#cfe3ff;margin-right:16px;text-decoration:none}header nav a:hover{text-decoration:underline}
main{padding:12px 24px 32px}h1{font-size:22px;margin:10px 0}h2{font-size:17px;margin:22px 0 8px}
.summary{color:rgb(68,68,68);margin:4px 0 12px}dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:0 0 12px}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
table{border-collapse:collapse;margin:4px 0 8px}th,td{border:1px solid #d6dbe1;padding:4px 9px;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600}tr:nth-child(even) td{background:#fafbfc}td.num{text-align:right;font-variant-numeric:tabular-nums}
table.charts td{border:none;border-bottom:1px solid #e3e7ec;padding:8px 12px}table.charts tr:nth-child(even) td{background:none}
.metric{font-weight:600;font-size:15px}.avg{color:rgb(85,85,85);margin-top:4px}
svg.chart{display:block;background:#fff}svg.chart .plot{fill:#f8fafc;stroke:#d6dbe1}
svg.chart .grid{stroke:#e3e7ec}svg.chart .axis,svg.chart .empty{font-size:11px;fill:rgb(102,102,119)}
svg.chart .series{fill:none;stroke:rgb(43,108,176);stroke-width:1.5}svg.chart .point{fill:rgb(43,108,176)}
svg.chart .average{stroke:#d97706;stroke-dasharray:5 4;stroke-width:1.5}
.failed{color:#b42318;font-weight:600}.ok{color:rgb(18,122,58)}.status{font-weight:600}
.failure{color:#b42318;white-space:pre-wrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;max-width:640px;margin:0}
details summary{cursor:pointer}.pages a,.pages strong{margin-right:8px}.note{color:rgb(102,102,102)}
)css";

}  // namespace detail

/// A complete page: `title` and `body` as given (the body is already HTML);
/// `refresh`: reload it every kRefreshSeconds.
RILL_RUNTIME std::string htmlPage(const AppFacts& app, std::string_view title, std::string_view body, bool refresh);

/// "<td class=...>text</td>" with `text` escaped.
RILL_RUNTIME std::string cell(std::string_view text, std::string_view cls = {});

/// A failure message: its first line, and the whole of it behind <details> when longer.
RILL_RUNTIME std::string failureHtml(const std::string& reason);

/// "-" for what is not known yet.
inline std::string orDash(const std::optional<std::string>& text) { return text ? *text : "-"; }

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME std::string htmlPage(const AppFacts& app, std::string_view title, std::string_view body, bool refresh) {
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  if (refresh) page += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(kRefreshSeconds) + "\">";
  page += "<title>" + escapeHtml(app.name) + " - " + std::string(title) + "</title><style>";
  page += detail::kStyle;
  page += "</style></head><body><header><span class=\"brand\">rill</span><span class=\"app\" id=\"app-name\">" +
          escapeHtml(app.name) +
          "</span><nav><a href=\"/streaming/\">Streaming</a><a href=\"/api/v1/applications\">API</a>"
          "<a href=\"/metrics/prometheus\">Metrics</a></nav></header><main>";
  page += body;
  page += "</main></body></html>\n";
  return page;
}

RILL_RUNTIME std::string cell(std::string_view text, std::string_view cls) {
  std::string td = cls.empty() ? "<td>" : "<td class=\"" + std::string(cls) + "\">";
  return td + escapeHtml(text) + "</td>";
}

RILL_RUNTIME std::string failureHtml(const std::string& reason) {
  const auto eol = reason.find('\n');
  if (eol == std::string::npos) return "<pre class=\"failure\">" + escapeHtml(reason) + "</pre>";
  return "<details><summary class=\"failed\">" + escapeHtml(reason.substr(0, eol)) +
         "</summary><pre class=\"failure\">" + escapeHtml(reason) + "</pre></details>";
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
