// Web-server log analytics: a stream of access-log lines (Common or Combined
// Log Format) in 1 s batches, and
//   - every batch: how many lines arrived and how many were malformed, and the
//     running totals since the start with the 4xx and 5xx error rates
//     (updateStateByKey);
//   - every slide (2 s): requests per status class, the top 10 paths and the
//     top 10 client IPs over the last 4 s (reduceByKeyAndWindow, incremental).
//
//   log_analytics                      built-in traffic, 6 batches on a manual clock
//   log_analytics --input access.log   a log file replayed, 10 lines a batch
//   log_analytics --host H --port P    lines from a server (e.g. `nc -lk P`), until Ctrl-C
//   log_analytics --dir D              lines of log files moved into D, until Ctrl-C
//   log_analytics --kafka H:P --topic T  the values of a Kafka topic's records (rill::kafka builds), until Ctrl-C
//   log_analytics --ui [PORT]          also serve the streaming UI (rill::ui builds), until Ctrl-C
#include "common/access_log.hpp"
#include "common/demo_random.hpp"
#include "common/kafka_input.hpp"
#include "common/streaming_app.hpp"
#include "common/ui_option.hpp"

#include <rill/rill.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace rill;
using examples::AccessLogEntry;

namespace {

const Duration kBatch = Seconds(1);
const Duration kWindow = Seconds(4);
const Duration kSlide = Seconds(2);
constexpr std::size_t kTop = 10;

// ---- the built-in traffic ------------------------------------------------------

/// Batch b of a small shop's traffic: 16 requests from a few dozen clients, a
/// 503 incident on /api/checkout in batches 2 and 3, and now and then a broken line.
std::vector<std::string> generateTraffic(int b) {
  static const std::array<const char*, 8> paths{"/index.html", "/api/items",    "/static/app.js", "/api/cart",
                                                "/api/checkout", "/favicon.ico", "/login",        "/old-page"};
  static const std::array<const char*, 3> agents{"Mozilla/5.0 (X11; Linux x86_64)", "curl/8.4.0", "Googlebot/2.1"};
  static const std::array<int, 6> hosts{4, 8, 15, 16, 23, 42};
  examples::DemoRandom rng(0x1095 + static_cast<std::uint64_t>(b));
  std::vector<std::string> lines;
  for (int i = 0; i < 16; ++i) {
    const std::string path = rng.pickSkewed(paths);
    const auto subnet = rng.below(3);  // one draw per statement: the order of a + b's operands is unspecified
    const std::string ip = "10.0." + std::to_string(subnet) + "." + std::to_string(rng.pickSkewed(hosts));
    int status = path == "/old-page" ? 404 : path == "/static/app.js" && rng.chance(50) ? 304 : 200;
    if (path == "/api/checkout" && (b == 2 || b == 3)) status = 503;
    if (path == "/login" && rng.chance(30)) status = 401;
    char when[32];
    std::snprintf(when, sizeof when, "10/Oct/2023:13:%02d:%02d +0000", (b * 16 + i) / 60 % 60, (b * 16 + i) % 60);
    std::string line = ip + " - - [" + when + "] \"GET " + path + " HTTP/1.1\" " + std::to_string(status) + " " +
                       (status == 304 ? "-" : std::to_string(200 + rng.below(5000)));
    if (rng.chance(50)) line += " \"-\" \"" + std::string(rng.pick(agents)) + "\"";  // Combined format
    lines.push_back(std::move(line));
  }
  if (b % 3 == 1) lines.push_back(lines.back().substr(0, 30));  // a line cut short by a crash
  return lines;
}

// ---- printing --------------------------------------------------------------------

std::string percent(std::int64_t part, std::int64_t whole) {
  char text[16];
  const double ratio = whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
  std::snprintf(text, sizeof text, "%.1f%%", 100 * ratio);
  return text;
}

/// Collects (key, count) pairs into a sorted map (the print order).
template <class R>
std::map<std::string, std::int64_t> countsOf(const R& rdd) {
  std::map<std::string, std::int64_t> m;
  for (auto& [k, n] : rdd.collect()) m[k] += n;
  return m;
}

/// The k largest counts, ties in key order: rdd.top with a comparator, as in Spark.
template <class R>
std::string topList(const std::string& title, const R& rdd) {
  auto byCount = [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first > b.first);
  };
  std::string text = "  top " + std::to_string(kTop) + " " + title + ":\n";
  const auto top = rdd.top(kTop, byCount);
  if (top.empty()) text += "          (none)\n";
  for (auto& [key, n] : top) {
    char count[24];
    std::snprintf(count, sizeof count, "%8lld  ", static_cast<long long>(n));
    text += count + key + "\n";
  }
  return text;
}

// ---- the streaming program ----------------------------------------------------------

void defineAnalytics(const DStream<std::string>& lines) {
  // Each line parsed once; cache() because several outputs read the parsed batch.
  auto parsed = lines.map([](const std::string& line) { return examples::parseAccessLog(line); }).cache();

  // Every line's kind: its status class, or "malformed" for a line that did not parse.
  auto kinds = parsed.map([](const std::optional<AccessLogEntry>& e) {
    return e ? examples::statusClass(e->status) : std::string("malformed");
  });

  // Per batch: (kind, count) with countByValue.
  auto batchCounts = kinds.countByValue();
  batchCounts.foreachRDD([](const auto& rdd, Time t) {
    std::int64_t total = 0, malformed = 0;
    for (auto& [kind, n] : countsOf(rdd)) (kind == "malformed" ? malformed : total) += n;
    std::cout << "[" << examples::dateTime(t) << "] batch: " << total + malformed << " lines (malformed: " << malformed
              << ")\n";
  });

  // Since the start: updateStateByKey adds each batch's count of a kind to the
  // state, its count so far (counts holds the kind's values in this batch).
  auto runningTotals = batchCounts.updateStateByKey(
      [](const std::vector<std::int64_t>& counts, std::optional<std::int64_t> total) {
        return std::optional(std::accumulate(counts.begin(), counts.end(), total.value_or(0)));
      });
  runningTotals.foreachRDD([](const auto& rdd, Time t) {
    auto totals = countsOf(rdd);
    const std::int64_t requests = totals["2xx"] + totals["3xx"] + totals["4xx"] + totals["5xx"] + totals["1xx"];
    std::cout << "[" << examples::dateTime(t) << "] since start: " << requests << " requests, 4xx "
              << percent(totals["4xx"], requests) << ", 5xx " << percent(totals["5xx"], requests)
              << " (malformed lines: " << totals["malformed"] << ")\n";
  });

  // Over the window: counts per key kept incrementally. Each slide adds the
  // batches entering the window and subtracts (invF) those leaving it, instead
  // of adding up all 4 s again; filterFunc forgets keys whose count fell to 0.
  auto entries = parsed.filter([](const auto& e) { return e.has_value(); }).map([](const auto& e) { return *e; });
  auto countInWindow = [&entries](auto keyOf) {
    return entries.map([keyOf](const AccessLogEntry& e) { return std::pair(keyOf(e), std::int64_t{1}); })
        .reduceByKeyAndWindow(std::plus<std::int64_t>(), std::minus<std::int64_t>(), kWindow, kSlide, 0,
                              [](const auto& kv) { return kv.second != 0; });
  };
  countInWindow([](const AccessLogEntry& e) { return examples::statusClass(e.status); })
      .foreachRDD([](const auto& rdd, Time t) {
        std::map<std::string, std::int64_t> byClass{{"2xx", 0}, {"3xx", 0}, {"4xx", 0}, {"5xx", 0}};
        for (auto& [cls, n] : countsOf(rdd)) byClass[cls] = n;
        std::cout << "[" << examples::dateTime(t) << "] last " << kWindow.count() / 1000 << " s, by status:";
        for (auto& [cls, n] : byClass) std::cout << " " << cls << "=" << n;
        std::cout << "\n";
      });
  countInWindow([](const AccessLogEntry& e) { return e.path; }).foreachRDD([](const auto& rdd) {
    std::cout << topList("paths", rdd);
  });
  countInWindow([](const AccessLogEntry& e) { return e.clientIp; }).foreachRDD([](const auto& rdd) {
    std::cout << topList("client IPs", rdd) << std::flush;
  });
}

}  // namespace

int main(int argc, char** argv) {
  examples::UiOption ui(argc, argv);
  examples::InputOptions input(6);
  examples::KafkaInput kafka;
  examples::CommandLine cli("log_analytics",
                            "[--host H --port P | --dir D | --input FILE | --kafka H:P --topic T] [options]",
                            "Status classes, top paths and top clients of web-server access logs over a\n"
                            "4 s window sliding every 2 s (1 s batches), with running error rates and\n"
                            "malformed-line counts. Without an input it runs on built-in traffic.");
  input.addTo(cli);
  kafka.addTo(cli);
  ui.addTo(cli);
  cli.parse(argc, argv);
  input.check(cli);
  kafka.check(cli, input);
  try {
    if (kafka.requested()) {
      kafka.run("LogAnalytics", kBatch, [&](StreamingContext& ssc, const DStream<std::string>& lines) {
        ui.attach(ssc);
        defineAnalytics(lines);
      });
      ui.serveUntilInterrupted();
      return 0;
    }
    examples::StreamingApp app("LogAnalytics", input, kBatch, generateTraffic);
    ui.attach(app.ssc());
    defineAnalytics(app.lines());
    app.run();
    ui.serveUntilInterrupted();
  } catch (const std::exception& e) {
    std::cerr << "log_analytics: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
