// "Customers who clicked this also clicked": click events `user item`, one per
// line, in 1 s batches. Two items co-occur when the same user clicked both
// within the window (the last 3 s); every slide (1 s), for each item clicked
// in that batch, the program prints the --k items that co-occurred with it
// most often (ties in name order).
//
//   trending_recommendations              built-in clicks, 6 batches on a manual clock
//   trending_recommendations --input F    a file of clicks replayed, 10 lines a batch
//   trending_recommendations --host H --port P
//                                         clicks from a server (e.g. `nc -lk P`), until Ctrl-C
#include "common/demo_random.hpp"
#include "common/streaming_app.hpp"
#include "common/ui_option.hpp"

#include <rill/rill.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace rill;

namespace {

const Duration kBatch = Seconds(1);
const Duration kWindow = Seconds(3);

/// A key of two items. Keyed operations need std::hash and == on the key
/// (Spark needs hashCode and equals), given below.
struct ItemPair {
  std::string item, other;
  bool operator==(const ItemPair&) const = default;
};

}  // namespace

template <>
struct std::hash<ItemPair> {
  std::size_t operator()(const ItemPair& p) const {
    const std::hash<std::string> h;
    return h(p.item) * 31 + h(p.other);
  }
};

namespace {

/// `user item`, or nothing for a malformed line (skipped).
std::vector<std::pair<std::string, std::string>> parseClick(const std::string& line) {
  std::istringstream in(line);
  std::string user, item, extra;
  if (!(in >> user >> item) || (in >> extra)) return {};
  return {{user, item}};
}

// ---- the built-in clicks -------------------------------------------------------------

/// Batch b: five of eight shoppers click two items each, mostly in the aisle
/// they shop in; from batch 3 on, the campers discover the coffee grinder.
std::vector<std::string> generateClicks(int b) {
  static const std::array<std::array<const char*, 4>, 2> aisles{{{"tent", "lantern", "stove", "sleeping-bag"},
                                                                  {"laptop", "mouse", "dock", "monitor"}}};
  examples::DemoRandom rng(0xc11c + static_cast<std::uint64_t>(b));
  std::vector<std::string> lines;
  for (int n = 0; n < 5; ++n) {
    const std::size_t user = rng.below(8);
    const auto& aisle = aisles[user % 2];  // even users camp, odd users work
    lines.push_back("user" + std::to_string(user) + " " + rng.pickSkewed(aisle));
    const bool grinder = user % 2 == 0 && b >= 3 && rng.chance(60);
    lines.push_back("user" + std::to_string(user) + " " + (grinder ? "coffee-grinder" : rng.pick(aisle)));
  }
  return lines;
}

// ---- the streaming program ----------------------------------------------------------------

using Scored = std::pair<std::string, std::int64_t>;  // (recommended item, co-occurrences)
using Basket = std::pair<std::string, std::vector<std::string>>;  // (user, items clicked in the window)

/// Every ordered pair of distinct items one user clicked in the window.
std::vector<std::pair<ItemPair, std::int64_t>> coOccurrences(const Basket& basket) {
  std::vector<std::string> items = basket.second;
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());  // clicking twice counts once
  std::vector<std::pair<ItemPair, std::int64_t>> pairs;
  for (const auto& a : items)
    for (const auto& b : items)
      if (a != b) pairs.push_back({ItemPair{a, b}, 1});
  return pairs;
}

void defineRecommendations(const DStream<std::string>& lines, std::size_t k) {
  auto clicks = lines.flatMap(parseClick).cache();

  // What each user clicked in the window. A pair of clicks can fall in different
  // batches, so the co-occurrences cannot be counted per batch and combined
  // (no inverse function here): each slide regroups the window's clicks.
  auto baskets = clicks.groupByKeyAndWindow(kWindow);
  auto pairCounts = baskets.flatMap(coOccurrences).reduceByKey(std::plus<std::int64_t>());

  // For each item, the k others that co-occurred with it most often.
  auto byCount = [](const Scored& a, const Scored& b) {
    return a.second > b.second || (a.second == b.second && a.first < b.first);
  };
  auto recommendations = pairCounts.map([](const std::pair<ItemPair, std::int64_t>& pc) {
                                     return std::pair(pc.first.item, Scored(pc.first.other, pc.second));
                                   })
                             .groupByKey()
                             .mapValues([k, byCount](std::vector<Scored> scored) {
                               std::sort(scored.begin(), scored.end(), byCount);
                               scored.resize(std::min(scored.size(), k));
                               return scored;
                             });

  // The items clicked in this batch, with their recommendations (if any yet).
  auto clickedNow = clicks.map([](const auto& click) { return std::pair(click.second, std::int64_t{1}); })
                        .reduceByKey(std::plus<std::int64_t>());
  clickedNow.leftOuterJoin(recommendations).foreachRDD([](const auto& rdd, Time t) {
    std::map<std::string, std::string> rows;  // sorted by item
    for (auto& [item, joined] : rdd.collect()) {
      std::string row = "[clicks: " + std::to_string(joined.first) + "] ->";
      if (!joined.second) row += " (nothing yet)";
      else
        for (auto& [other, n] : *joined.second) row += " " + other + " (" + std::to_string(n) + ")";
      rows[item] = row;
    }
    std::cout << "[" << examples::dateTime(t) << "] recommendations from the last " << kWindow.count() / 1000
              << " s:\n";
    if (rows.empty()) std::cout << "  (no clicks in this batch)\n";
    for (auto& [item, row] : rows) std::cout << "  " << item << " " << row << "\n";
    std::cout << std::flush;
  });
}

}  // namespace

int main(int argc, char** argv) {
  examples::UiOption ui(argc, argv);
  examples::InputOptions input(6);
  int k = 3;
  examples::CommandLine cli("trending_recommendations", "[--host H --port P | --dir D | --input FILE] [options]",
                            "Item-to-item recommendations from click events `user item`: items the same user\n"
                            "clicked within the last 3 s co-occur; every second, the top --k co-occurring\n"
                            "items for each item clicked. Without an input it runs on built-in clicks.");
  input.addTo(cli);
  cli.option("--k", k, "N", "recommendations per item");
  ui.addTo(cli);
  cli.parse(argc, argv);
  input.check(cli);
  cli.require(k >= 1, "--k must be at least 1");
  try {
    examples::StreamingApp app("TrendingRecommendations", input, kBatch, generateClicks);
    ui.attach(app.ssc());
    defineRecommendations(app.lines(), static_cast<std::size_t>(k));
    app.run();
    ui.serveUntilInterrupted();
  } catch (const std::exception& e) {
    std::cerr << "trending_recommendations: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
