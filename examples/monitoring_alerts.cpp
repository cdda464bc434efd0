// Infrastructure monitoring: metric samples `host metric value timestamp`, one
// per line, in 1 s batches.
//   - Per host, mapWithState keeps when the host last reported. A StateSpec
//     timeout calls the function once more for a host that went silent: that
//     call raises "host down".
//   - Per host and metric, the mean over the last 3 s (reduceByKeyAndWindow);
//     a second mapWithState remembers which means are above --threshold and
//     raises an alert when one crosses it (and says when it is back below).
// Alerts are printed, and with --out PREFIX also saved every batch with
// saveAsTextFiles (directories PREFIX-<batch ms>).
//
//   monitoring_alerts                     built-in samples, 10 batches on a manual clock
//   monitoring_alerts --input FILE        a file of samples replayed, 10 lines a batch
//   monitoring_alerts --host H --port P   samples from a server (e.g. `nc -lk P`), until Ctrl-C
#include "common/demo_random.hpp"
#include "common/streaming_app.hpp"
#include "common/ui_option.hpp"

#include <rill/rill.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace rill;

namespace {

const Duration kBatch = Seconds(1);
const Duration kWindow = Seconds(3);
const Duration kSilence = Seconds(3);  // a host with no sample for longer is down

struct Sample {
  std::string host, metric;
  double value = 0;
  std::int64_t timestamp = 0;  // the sample's own time (Unix seconds)
};

/// `host metric value timestamp`, or nothing for a malformed line (skipped).
std::vector<Sample> parseSample(const std::string& line) {
  std::istringstream in(line);
  Sample s;
  std::string value, timestamp, extra;
  if (!(in >> s.host >> s.metric >> value >> timestamp) || (in >> extra)) return {};
  const auto number = [](const std::string& text, auto& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
  };
  if (!number(value, s.value) || !number(timestamp, s.timestamp)) return {};
  return {s};
}

std::string fixed1(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", x);
  return text;
}

// ---- the built-in samples ----------------------------------------------------------

/// Batch b: cpu and mem of four hosts, twice a batch. web-2's cpu spikes in
/// batches 2..5; web-3 stops reporting after batch 2.
std::vector<std::string> generateSamples(int b) {
  static const std::array<const char*, 4> hosts{"db-1", "web-1", "web-2", "web-3"};
  examples::DemoRandom rng(0x5eed + static_cast<std::uint64_t>(b));
  std::vector<std::string> lines;
  for (int tick = 0; tick < 2; ++tick) {
    for (const std::string host : hosts) {
      if (host == "web-3" && b > 2) continue;
      const bool spike = host == "web-2" && b >= 2 && b <= 5;
      const double cpu = (spike ? 93 : 40) + static_cast<double>(rng.below(60)) / 10;
      const double mem = (host == "db-1" ? 85 : 55) + static_cast<double>(rng.below(80)) / 10;
      const std::string at = " " + std::to_string(1700000000 + 2 * b + tick);
      lines.push_back(host + " cpu " + fixed1(cpu) + at);
      lines.push_back(host + " mem " + fixed1(mem) + at);
    }
  }
  return lines;
}

// ---- the streaming program ----------------------------------------------------------

struct HostState {
  std::int64_t lastTimestamp = 0;  // of its newest sample
  std::int64_t samples = 0;
};

void defineAlerts(const DStream<std::string>& lines, double threshold, const std::string& out) {
  auto samples = lines.flatMap(parseSample).cache();

  // Host liveness: one record per host and batch, so the mapping function
  // runs once per host per batch, not once per sample.
  using Seen = std::pair<std::int64_t, std::int64_t>;  // (newest timestamp, samples) in a batch
  auto perHost = samples.map([](const Sample& s) { return std::pair(s.host, Seen(s.timestamp, 1)); })
                     .reduceByKey([](const Seen& a, const Seen& b) {
                       return Seen(std::max(a.first, b.first), a.second + b.second);
                     });
  // The form with the batch time returns an optional: only alerts are emitted.
  auto liveness = [](Time, const std::string& host, std::optional<Seen> batch,
                     State<HostState>& state) -> std::optional<std::string> {
    if (state.isTimingOut())  // no data for longer than the timeout: the last call for this host
      return "ALERT " + host + " down: no samples for more than " + std::to_string(kSilence.count() / 1000) +
             " s (last at " + examples::dateTime(Time(state.get().lastTimestamp * 1000)) + ")";
    const HostState before = state.getOption().value_or(HostState{});
    state.update({std::max(before.lastTimestamp, batch->first), before.samples + batch->second});
    return std::nullopt;
  };
  auto hosts = perHost.mapWithState(StateSpec::function(liveness).timeout(kSilence));
  // The hosts whose state exists after each batch: the ones up.
  hosts.stateSnapshots().foreachRDD([](const auto& rdd, Time t) {
    std::vector<std::string> up;
    for (auto& [host, st] : rdd.collect()) up.push_back(host + "(" + std::to_string(st.samples) + ")");
    std::sort(up.begin(), up.end());
    std::cout << "[" << examples::dateTime(t) << "] hosts up (samples so far):";
    if (up.empty()) std::cout << " none";
    for (auto& h : up) std::cout << " " << h;
    std::cout << "\n";
  });

  // Mean per host and metric over the window. Sums of doubles would drift if
  // the window subtracted what leaves it (floating-point rounding), so this is
  // the plain form: the 3 batches are added up again every slide.
  using SumCount = std::pair<double, int>;
  auto means = samples.map([](const Sample& s) { return std::pair(s.host + " " + s.metric, SumCount(s.value, 1)); })
                   .reduceByKeyAndWindow(
                       [](const SumCount& a, const SumCount& b) {
                         return SumCount(a.first + b.first, a.second + b.second);
                       },
                       kWindow)
                   .mapValues([](const SumCount& sc) { return sc.first / sc.second; });
  // Crossing the threshold: the state is whether the mean was above it. Keys
  // that leave the window (a host down) time out and are forgotten.
  auto crossing = [threshold](Time, const std::string& key, std::optional<double> mean,
                              State<bool>& above) -> std::optional<std::string> {
    if (above.isTimingOut()) return std::nullopt;
    const bool now = *mean > threshold, before = above.getOption().value_or(false);
    above.update(now);
    if (now == before) return std::nullopt;
    return std::string(now ? "ALERT " : "OK    ") + key + ": mean " + fixed1(*mean) + (now ? " > " : " <= ") +
           fixed1(threshold) + " over the last " + std::to_string(kWindow.count() / 1000) + " s";
  };
  auto thresholdAlerts = means.mapWithState(StateSpec::function(crossing).timeout(kWindow));

  DStream<std::string> alerts = hosts.union_(thresholdAlerts);
  alerts.foreachRDD([](const auto& rdd, Time t) {
    auto lines = rdd.collect();
    std::sort(lines.begin(), lines.end());  // hash-partition order means nothing to a reader
    for (auto& line : lines) std::cout << "[" << examples::dateTime(t) << "] " << line << "\n";
    std::cout << std::flush;
  });
  if (!out.empty()) alerts.saveAsTextFiles(out);
}

}  // namespace

int main(int argc, char** argv) {
  examples::UiOption ui(argc, argv);
  examples::InputOptions input(10);
  double threshold = 90;
  std::string out;
  examples::CommandLine cli("monitoring_alerts", "[--host H --port P | --dir D | --input FILE] [options]",
                            "Alerts on metric samples `host metric value timestamp`: a host silent for 3 s\n"
                            "is down; a mean over the last 3 s crossing --threshold raises an alert.\n"
                            "Without an input it runs on built-in samples.");
  input.addTo(cli);
  cli.option("--threshold", threshold, "X", "alert when a 3 s mean goes above X")
      .option("--out", out, "PREFIX", "also save each batch's alerts to PREFIX-<batch ms>/ (saveAsTextFiles)");
  ui.addTo(cli);
  cli.parse(argc, argv);
  input.check(cli);
  try {
    examples::StreamingApp app("MonitoringAlerts", input, kBatch, generateSamples);
    ui.attach(app.ssc());
    defineAlerts(app.lines(), threshold, out);
    app.run();
    ui.serveUntilInterrupted();
  } catch (const std::exception& e) {
    std::cerr << "monitoring_alerts: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
