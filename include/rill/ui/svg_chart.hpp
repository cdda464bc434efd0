#pragma once
// A time-series chart drawn on the server as inline SVG: no script, no
// library, nothing fetched, so the page works offline and under a strict
// Content-Security-Policy. Points over batch time, a dashed line at the
// average, the value scale on the left and the time span below.
#include <rill/core/runtime.hpp>
#include <rill/ui/escape.hpp>
#include <rill/ui/format.hpp>
#include <rill/ui/statistics.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace rill::ui {

/// How a chart labels its values: durations in ms, or a rate.
enum class ValueKind { Millis, RecordsPerSecond };

inline std::string formatValue(double v, ValueKind kind) {
  return kind == ValueKind::Millis ? formatDuration(static_cast<std::int64_t>(v)) : formatDecimal(v) + " records/s";
}

namespace detail {

RILL_RUNTIME std::string fixed1(double v);

/// The top of the value scale: the smallest 1, 2 or 5 times a power of ten
/// that holds `v` (at least 2 ms or 1 record/s, so the middle tick is whole).
RILL_RUNTIME double scaleTop(double v, ValueKind kind);

/// A tick of the value scale: short enough for the margin.
inline std::string tickLabel(double v, ValueKind kind) {
  return kind == ValueKind::Millis ? formatDuration(static_cast<std::int64_t>(v)) : formatShortest(v) + "/s";
}

}  // namespace detail

/// `id`: the element id (e.g. "chart-processing-time"); `title`: its accessible name.
RILL_RUNTIME std::string timelineSvg(const Series& series, std::string_view id, std::string_view title, ValueKind kind);

#if RILL_PART_RUNTIME_BODIES

namespace detail {

RILL_RUNTIME std::string fixed1(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

RILL_RUNTIME double scaleTop(double v, ValueKind kind) {
  v = std::max(v, kind == ValueKind::Millis ? 2.0 : 1.0);
  const double power = std::pow(10.0, std::floor(std::log10(v)));
  for (const double m : {1.0, 2.0, 5.0})
    if (m * power >= v) return m * power;
  return 10 * power;
}

}  // namespace detail

RILL_RUNTIME std::string timelineSvg(const Series& series, std::string_view id, std::string_view title,
                                     ValueKind kind) {
  constexpr double W = 560, H = 170, left = 78, right = 12, top = 12, bottom = 26;
  constexpr std::size_t kMaxMarkers = 200;  // beyond this, a line only: the page stays small
  const double plotW = W - left - right, plotH = H - top - bottom;
  std::string svg = "<svg class=\"chart\" id=\"" + escapeHtml(id) + "\" role=\"img\" aria-label=\"" +
                    escapeHtml(title) + "\" viewBox=\"0 0 560 170\" width=\"560\" height=\"170\">";
  svg += "<rect class=\"plot\" x=\"78\" y=\"12\" width=\"470\" height=\"132\"/>";
  const auto& pts = series.points;
  if (pts.empty()) {
    svg += "<text class=\"empty\" x=\"313\" y=\"82\" text-anchor=\"middle\">no batches yet</text></svg>";
    return svg;
  }
  const std::int64_t t0 = pts.front().first, t1 = pts.back().first;
  double maxV = 0;
  for (const auto& p : pts) maxV = std::max(maxV, p.second);
  const double yMax = detail::scaleTop(maxV, kind);
  const auto x = [&](std::int64_t t) {
    return t1 == t0 ? left + plotW / 2 : left + plotW * static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
  };
  const auto y = [&](double v) { return top + plotH * (1 - v / yMax); };

  for (const double v : {0.0, yMax / 2, yMax}) {  // scale
    svg += "<line class=\"grid\" x1=\"78\" x2=\"548\" y1=\"" + detail::fixed1(y(v)) + "\" y2=\"" + detail::fixed1(y(v)) +
           "\"/><text class=\"axis\" x=\"72\" y=\"" + detail::fixed1(y(v) + 4) + "\" text-anchor=\"end\">" +
           detail::tickLabel(v, kind) + "</text>";
  }
  svg += "<text class=\"axis\" x=\"78\" y=\"164\">" + formatClock(t0) + "</text>";
  if (t1 != t0) svg += "<text class=\"axis\" x=\"548\" y=\"164\" text-anchor=\"end\">" + formatClock(t1) + "</text>";

  svg += "<polyline class=\"series\" points=\"";
  for (const auto& [t, v] : pts) svg += detail::fixed1(x(t)) + "," + detail::fixed1(y(v)) + " ";
  svg += "\"/>";
  if (pts.size() <= kMaxMarkers)
    for (const auto& [t, v] : pts)
      svg += "<circle class=\"point\" cx=\"" + detail::fixed1(x(t)) + "\" cy=\"" + detail::fixed1(y(v)) +
             "\" r=\"3\"><title>" + formatDateTime(t) + ": " + escapeHtml(formatValue(v, kind)) + "</title></circle>";
  if (const auto avg = series.average()) {
    const std::string ay = detail::fixed1(y(*avg));
    svg += "<line class=\"average\" x1=\"78\" x2=\"548\" y1=\"" + ay + "\" y2=\"" + ay + "\"/>";
  }
  svg += "</svg>";
  return svg;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
