// DStream transformations and output operations, batch by batch, on input
// batches from a queue (as Spark's TestSuiteBase: batch i at (i+1) s, each
// input batch in 2 partitions, a ManualClock).
#include "stream_test_support.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

using namespace rill_stream_test;
using Ints = std::vector<std::vector<int>>;
using Lines = std::vector<std::vector<std::string>>;

namespace {

/// Runs op(input stream) over the input batches (and `extra` empty batches after) and
/// returns each batch of the result.
template <class T, class Op>
auto runBatches(const std::vector<std::vector<T>>& input, Op op, std::size_t extra = 0) {
  ManualContext m;
  auto out = collectBatches(op(m.ssc.queueStream(queueOf(m.sc, input))));
  m.ssc.start();
  for (std::size_t i = 0; i < input.size() + extra; ++i) m.clock->advance(1s);
  m.ssc.stop(false);
  return out->values();
}

/// The same for an operation on two input streams.
template <class A, class B, class Op>
auto runBatches2(const std::vector<std::vector<A>>& left, const std::vector<std::vector<B>>& right, Op op) {
  ManualContext m;
  auto out = collectBatches(op(m.ssc.queueStream(queueOf(m.sc, left)), m.ssc.queueStream(queueOf(m.sc, right))));
  m.ssc.start();
  for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i) m.clock->advance(1s);
  m.ssc.stop(false);
  return out->values();
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  return {std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("element-wise operations: map, flatMap, filter") {
  const Ints input{{1, 2, 3}, {}, {4}};
  CHECK(runBatches(input, [](auto s) { return s.map([](int x) { return x * 10; }); }) == Ints{{10, 20, 30}, {}, {40}});
  CHECK(runBatches(input, [](auto s) { return s.filter([](int x) { return x % 2 == 1; }); }) == Ints{{1, 3}, {}, {}});
  CHECK(runBatches(Lines{{"a b", "c"}, {"d  e f"}}, [](auto s) { return s.flatMap(words); }) ==
        Lines{{"a", "b", "c"}, {"d", "e", "f"}});
  // a generic lambda, and a chain of three fused stages
  CHECK(runBatches(input, [](auto s) {
          return s.map([](const auto& x) { return x + 1; }).filter([](int x) { return x > 2; }).map([](int x) {
            return std::to_string(x);
          });
        }) == Lines{{"3", "4"}, {}, {"5"}});
}

TEST_CASE("partition operations: mapPartitions, glom, repartition") {
  const Ints input{{1, 2, 3, 4, 5}, {6}};
  auto sums = runBatches(input, [](auto s) {
    return s.mapPartitions([](std::vector<int>& part) {
      return std::vector<int>{std::accumulate(part.begin(), part.end(), 0)};
    });
  });
  CHECK(sums == Ints{{3, 12}, {0, 6}});
  // Per batch, partition p of (1,2 | 3,4,5) becomes (p*100 + x).
  auto indexed = runBatches(input, [](auto s) {
    return s.mapPartitionsWithIndex([](std::size_t p, std::vector<int>& part) {
      for (auto& x : part) x += static_cast<int>(p) * 100;
      return part;
    });
  });
  CHECK(indexed == Ints{{1, 2, 103, 104, 105}, {106}});
  CHECK(runBatches(input, [](auto s) { return s.glom(); }) == std::vector<Ints>{{{1, 2}, {3, 4, 5}}, {{}, {6}}});
  auto spread = runBatches(input, [](auto s) { return s.repartition(3).glom(); });
  REQUIRE(spread.size() == 2);
  for (std::size_t b = 0; b < 2; ++b) {
    CHECK(spread[b].size() == 3);
    std::vector<int> all;
    for (auto& part : spread[b]) all.insert(all.end(), part.begin(), part.end());
    std::sort(all.begin(), all.end());
    CHECK(all == input[b]);
  }
}

TEST_CASE("count and reduce give one element per batch; an empty batch counts 0 and reduces to nothing") {
  const Ints input{{1, 2, 3}, {}, {4}};
  CHECK(runBatches(input, [](auto s) { return s.count(); }) == std::vector<std::vector<std::int64_t>>{{3}, {0}, {1}});
  CHECK(runBatches(input, [](auto s) { return s.reduce([](int a, int b) { return a + b; }); }) == Ints{{6}, {}, {4}});
}

TEST_CASE("union_ of two streams, and StreamingContext::union_ of several") {
  CHECK(runBatches2(Ints{{1}, {2, 3}}, Ints{{10}, {}}, [](auto a, auto b) { return a.union_(b); }) ==
        Ints{{1, 10}, {2, 3}});
  ManualContext m;
  auto a = m.ssc.queueStream(queueOf(m.sc, Ints{{1}}));
  auto b = m.ssc.queueStream(queueOf(m.sc, Ints{{2}}));
  auto c = m.ssc.queueStream(queueOf(m.sc, Ints{{3}}));
  auto out = collectBatches(m.ssc.union_(a, b.map([](int x) { return x * 10; }), c));
  m.ssc.start();
  m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(out->values() == Ints{{1, 20, 3}});
}

TEST_CASE("transform(f(rdd)), transform(f(rdd, time)) and transformWith") {
  const Ints input{{1, 2}, {3}};
  CHECK(runBatches(input, [](auto s) {
          return s.transform([](const auto& rdd) { return rdd.map([](int x) { return -x; }); });
        }) == Ints{{-1, -2}, {-3}});
  CHECK(runBatches(input, [](auto s) {
          return s.transform([](const auto& rdd, rill::Time t) {
            const auto ms = static_cast<int>(t.milliseconds());
            return rdd.map([ms](int x) { return ms + x; });
          });
        }) == Ints{{1001, 1002}, {2003}});
  CHECK(runBatches2(Ints{{1, 2}, {3}}, Ints{{5}, {6, 7}}, [](auto a, auto b) {
          return a.transformWith(b, [](const auto& x, const auto& y) {
            return x.union_(y).filter([](int v) { return v != 2; });
          });
        }) == Ints{{1, 5}, {3, 6, 7}});
}

TEST_CASE("cache() computes each batch once however many outputs read it") {
  ManualContext m;
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto cached = m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2, 3}, {4}}))
                    .map([calls](int x) {
                      ++*calls;
                      return x;
                    })
                    .cache();
  auto first = collectBatches(cached);
  auto second = collectBatches(cached.map([](int x) { return x * 2; }));
  m.ssc.start();
  m.clock->advance(2s);
  m.ssc.stop(false);
  CHECK(first->values() == Ints{{1, 2, 3}, {4}});
  CHECK(second->values() == Ints{{2, 4, 6}, {8}});
  CHECK(*calls == 4);
}

TEST_CASE("print(n) writes Spark's layout byte for byte") {
  ManualContext m;
  std::ostringstream printed;
  m.ssc.setPrintStream(printed);
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {}, {1, 2, 3}}));
  input.print();
  input.map([](int x) { return std::pair<std::string, int>("w" + std::to_string(x), x); }).pprint(2);
  m.ssc.start();
  m.clock->advance(3s);
  m.ssc.stop(false);
  const std::string dashes = "-------------------------------------------\n";
  auto header = [&](int ms) { return dashes + "Time: " + std::to_string(ms) + " ms\n" + dashes; };
  const std::string expected = header(1000) + "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n...\n\n" +  //
                               header(1000) + "(w1,1)\n(w2,2)\n...\n\n" +                    //
                               header(2000) + "\n" +                                         //
                               header(2000) + "\n" +                                         //
                               header(3000) + "1\n2\n3\n\n" +                                //
                               header(3000) + "(w1,1)\n(w2,2)\n...\n\n";
  CHECK(printed.str() == expected);
}

TEST_CASE("saveAsTextFiles writes one directory per batch, named prefix-<ms>.suffix") {
  const auto root = tmpDir("saved");
  ManualContext m;
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2, 3}, {}}));
  input.map([](int x) { return std::pair<int, int>(x, x * x); }).saveAsTextFiles(root + "/squares", "txt");
  input.saveAsTextFiles(root + "/plain");
  m.ssc.start();
  m.clock->advance(2s);
  m.ssc.stop(false);
  namespace fs = std::filesystem;
  const fs::path first = fs::path(root) / "squares-1000.txt";
  CHECK(slurp(first / "part-00000") + slurp(first / "part-00001") == "(1,1)\n(2,4)\n(3,9)\n");
  CHECK(fs::exists(first / "_SUCCESS"));
  CHECK(fs::exists(fs::path(root) / "squares-2000.txt" / "_SUCCESS"));
  CHECK(slurp(fs::path(root) / "plain-1000" / "part-00001") == "2\n3\n");
  CHECK(fs::exists(fs::path(root) / "plain-2000" / "_SUCCESS"));
}

TEST_CASE("foreachRDD(f(rdd)) runs once per batch, outputs in the order they were defined") {
  ManualContext m;
  std::vector<std::string> log;  // only the scheduler thread writes, between advances
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2}, {3}}));
  input.foreachRDD([&log](const auto& rdd) { log.push_back("sum " + std::to_string(rdd.sum())); });
  input.foreachRDD([&log](const auto& rdd, rill::Time t) {
    log.push_back(t.toString() + " count " + std::to_string(rdd.count()));
  });
  m.ssc.start();
  m.clock->advance(2s);
  m.ssc.stop(false);
  CHECK(log == std::vector<std::string>{"sum 3", "1000 ms count 2", "sum 3", "2000 ms count 1"});
}
