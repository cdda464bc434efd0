// DStream transformations and output operations, batch by batch, on input
// batches from a queue (as Spark's TestSuiteBase: batch i at (i+1) s, each
// input batch in 2 partitions, a ManualClock).
#include "stream_test_support.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iterator>
#include <memory>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>
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

TEST_CASE("print(n) with n <= 0 prints no element, as Spark's take(n + 1) makes it") {
  ManualContext m;
  std::ostringstream printed;
  m.ssc.setPrintStream(printed);
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2, 3}}));
  input.print(0);
  input.print(-1);  // take(0): nothing, and 0 elements > -1 prints "..."
  input.print(-2);  // take(-1): nothing, as take(0)
  m.ssc.start();
  m.clock->advance(1s);
  m.ssc.stop(false);
  const std::string dashes = "-------------------------------------------\n";
  const std::string header = dashes + "Time: 1000 ms\n" + dashes;
  CHECK(printed.str() == header + "...\n\n" + header + "...\n\n" + header + "...\n\n");
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

TEST_CASE("saveAsTextFiles names as Spark's rddToFileName: no \"<prefix>-\" for an empty prefix, no suffix for an empty one") {
  namespace fs = std::filesystem;
  const fs::path root = tmpDir("saved-names");
  // An empty prefix saves into the working directory, so run the batch from root.
  struct WorkingDirectory {
    fs::path before = fs::current_path();
    explicit WorkingDirectory(const fs::path& dir) { fs::current_path(dir); }
    ~WorkingDirectory() { fs::current_path(before); }
  };
  {
    const WorkingDirectory in(root);
    ManualContext m;
    auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1}}));
    input.saveAsTextFiles("", "txt");
    input.saveAsTextFiles("");
    input.saveAsTextFiles("p", "");
    m.ssc.start();
    m.clock->advance(1s);
    m.ssc.stop(false);
  }
  CHECK(fs::exists(root / "1000.txt" / "_SUCCESS"));
  CHECK(fs::exists(root / "1000" / "_SUCCESS"));
  CHECK(fs::exists(root / "p-1000" / "_SUCCESS"));
  CHECK_FALSE(fs::exists(root / "-1000.txt"));
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

TEST_CASE("queueStream(queue, oneAtATime = false, defaultRDD): a batch takes every queued RDD; none gives defaultRDD") {
  ManualContext m;
  auto events = record(m.ssc);
  auto queue = queueOf(m.sc, Ints{{1, 2}, {3}});
  auto input = m.ssc.queueStream(queue, false, m.sc.parallelize(std::vector<int>{-1, -2}, 1));
  auto out = collectBatches(input);
  auto parts = collectBatches(input.glom());
  m.ssc.start();
  m.clock->advance(1s);  // both queued RDDs, in one batch
  queue->push(m.sc.parallelize(std::vector<int>{4}, 1));
  queue->push(m.sc.parallelize(std::vector<int>{5, 6}, 1));
  m.clock->advance(1s);
  m.clock->advance(1s);  // the queue is empty: defaultRDD
  m.clock->advance(1s);  // and again (it is not used up)
  m.ssc.stop(false);
  CHECK(out->values() == Ints{{1, 2, 3}, {4, 5, 6}, {-1, -2}, {-1, -2}});
  CHECK(out->times() == std::vector<std::int64_t>{1000, 2000, 3000, 4000});
  // The union keeps each RDD's partitions: {1}{2} + {}{3} (2 slices each), then {4} + {5,6}.
  CHECK(parts->values() == std::vector<std::vector<std::vector<int>>>{
                               {{1}, {2}, {}, {3}}, {{4}, {5, 6}}, {{-1, -2}}, {{-1, -2}}});
  CHECK(queue->size() == 0);
  std::vector<std::int64_t> records;
  for (const auto& b : events->completed()) records.push_back(b.numRecords);
  CHECK(records == std::vector<std::int64_t>{3, 3, 2, 2});
}

TEST_CASE("queueStream(queue, oneAtATime = true, defaultRDD): one RDD per batch, then defaultRDD") {
  ManualContext m;
  auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2}, {3}}), true,
                                              m.sc.parallelize(std::vector<int>{0}, 1)));
  m.ssc.start();
  for (int i = 0; i < 3; ++i) m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(out->values() == Ints{{1, 2}, {3}, {0}});
}

// ---- union / transform errors (Spark's UnionDStream and TransformedDStream) -------

namespace {

/// `parent`, except that it has no RDD at time `gapMs` (as a Spark test input whose
/// batch is null).
template <class T>
rill::DStream<T> withGapAt(const rill::DStream<T>& parent, std::int64_t gapMs) {
  auto node = std::make_shared<rill::FunctionNode<T>>(
      parent.graph(), parent.slideDuration(), std::vector<std::shared_ptr<rill::DStreamBase>>{parent.baseNode()},
      [parent, gapMs](rill::Time t) -> std::optional<rill::RDD<T>> {
        if (t.milliseconds() == gapMs) return std::nullopt;
        return parent.rddAt(t);
      });
  return rill::DStream<T>(node);
}

struct GapRun {
  std::string error;  // what awaitTermination threw after batch 2000, as a rill::SparkException
  Ints values;        // the batches the output saw
  std::vector<std::int64_t> times;
};

/// Runs op(gappy, other) over 3 batches; `gappy` has no RDD at 2000.
template <class Op>
GapRun runWithGap(Op op) {
  ManualContext m;
  auto events = record(m.ssc);
  auto gappy = withGapAt(m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}, {3}})), 2000);
  auto other = m.ssc.queueStream(queueOf(m.sc, Ints{{10}, {20}, {30}}));
  auto out = collectBatches(op(gappy, other));
  m.ssc.start();
  m.clock->advance(1s);
  m.clock->advance(1s);
  GapRun run;
  run.error = "<no exception>";
  try {
    if (m.ssc.awaitTerminationOrTimeout(0ms)) run.error = "<stopped>";
  } catch (const rill::SparkException& e) {
    run.error = e.what();
  }
  m.clock->advance(1s);  // the context runs on after a failed batch
  m.ssc.stop(false);
  run.values = out->values();
  run.times = out->times();
  const auto done = events->completed();
  REQUIRE(done.size() == 3);
  CHECK_FALSE(done[0].failureReason.has_value());
  CHECK(done[1].failureReason.value_or("<none>") == (run.error == "<no exception>" ? "<none>" : run.error));
  CHECK_FALSE(done[2].failureReason.has_value());
  return run;
}

}  // namespace

TEST_CASE("partition counts are checked at the call, not in the first batch") {
  ManualContext m;
  auto input = m.ssc.queueStream(queueOf(m.sc, Ints{{1, 2, 3}}));
  CHECK_THROWS_WITH_AS(input.repartition(0), "rill: repartition: the number of partitions must be positive",
                       std::invalid_argument);
  // The keyed operations take 0 as their default (the context's parallelism); below 0 is refused.
  auto pairs = input.map([](int x) { return std::pair<int, int>(x % 2, x); });
  const auto negative = [](const char* op) {
    return std::string("rill: ") + op + ": the number of partitions must not be negative, got -1";
  };
  CHECK_THROWS_WITH_AS(pairs.reduceByKey(std::plus<int>(), -1), negative("reduceByKey").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(pairs.groupByKey(-1), negative("groupByKey").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(pairs.join(pairs, -1), negative("join").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(pairs.cogroup(pairs, -1), negative("cogroup").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(pairs.reduceByKeyAndWindow(std::plus<int>(), 2s, 1s, -1),
                       negative("reduceByKeyAndWindow").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(pairs.reduceByKeyAndWindow(std::plus<int>(), std::minus<int>(), 2s, 1s, -1),
                       negative("reduceByKeyAndWindow").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(pairs.groupByKeyAndWindow(2s, 1s, -1), negative("groupByKeyAndWindow").c_str(),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(input.countByValueAndWindow(2s, 1s, -1), negative("countByValueAndWindow").c_str(),
                       std::invalid_argument);
  auto sum = [](const std::vector<int>& values, std::optional<int> state) -> std::optional<int> {
    return std::accumulate(values.begin(), values.end(), state.value_or(0));
  };
  CHECK_THROWS_WITH_AS(pairs.updateStateByKey(sum, -1), negative("updateStateByKey").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(input.repartition(-1), negative("repartition").c_str(), std::invalid_argument);
  CHECK_THROWS_WITH_AS(input.countByValue(-1), negative("countByValue").c_str(), std::invalid_argument);
  const auto track = [](const int&, const std::optional<int>& v, rill::State<int>& state) {
    state.update(state.getOption().value_or(0) + v.value_or(0));
    return state.get();
  };
  CHECK_THROWS_WITH_AS(rill::StateSpec::function(track).numPartitions(-1),
                       negative("StateSpec.numPartitions").c_str(), std::invalid_argument);
  // Nothing failed was registered: the valid stream runs.
  auto out = collectBatches(input.repartition(1).glom());
  m.ssc.start();
  m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(out->values() == std::vector<Ints>{{{1, 2, 3}}});
}

TEST_CASE("union_ and transformWith need parents with the same slide duration") {
  ManualContext m;
  auto a = m.ssc.queueStream(queueOf(m.sc, Ints{}));
  auto w = a.window(2s, 2s);
  auto both = [](const auto& x, const auto& y) { return x.union_(y); };
  CHECK_THROWS_WITH_AS(a.union_(w), "rill: union of DStreams with different slide durations (1000 ms and 2000 ms)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(m.ssc.union_(w, a),
                       "rill: union of DStreams with different slide durations (2000 ms and 1000 ms)",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(a.transformWith(w, both),
                       "rill: transformWith of DStreams with different slide durations (1000 ms and 2000 ms)",
                       std::invalid_argument);
  CHECK_NOTHROW(w.union_(a.window(3s, 2s)));  // same slide, different windows: fine
}

TEST_CASE("a parent with no RDD fails union_, transform and transformWith at that batch; map just skips it") {
  SUBCASE("union_") {
    const auto run = runWithGap([](auto g, auto o) { return g.union_(o); });
    CHECK(run.error == "rill: could not generate RDD from a parent for union at time 2000 ms");
    CHECK(run.values == Ints{{1, 10}, {3, 30}});
    CHECK(run.times == std::vector<std::int64_t>{1000, 3000});
  }
  SUBCASE("union_ with the gap on the right") {
    const auto run = runWithGap([](auto g, auto o) { return o.union_(g); });
    CHECK(run.error == "rill: could not generate RDD from a parent for union at time 2000 ms");
    CHECK(run.values == Ints{{10, 1}, {30, 3}});
  }
  SUBCASE("transform(f(rdd))") {
    const auto run = runWithGap([](auto g, auto) {
      return g.transform([](const auto& rdd) { return rdd.map([](int x) { return -x; }); });
    });
    CHECK(run.error == "rill: couldn't generate RDD from parent at time 2000 ms");
    CHECK(run.values == Ints{{-1}, {-3}});
    CHECK(run.times == std::vector<std::int64_t>{1000, 3000});
  }
  SUBCASE("transform(f(rdd, time))") {
    const auto run = runWithGap([](auto g, auto) {
      return g.transform([](const auto& rdd, rill::Time) { return rdd.map([](int x) { return x; }); });
    });
    CHECK(run.error == "rill: couldn't generate RDD from parent at time 2000 ms");
    CHECK(run.values == Ints{{1}, {3}});
  }
  SUBCASE("transformWith") {
    const auto run = runWithGap([](auto g, auto o) {
      return o.transformWith(g, [](const auto& x, const auto& y) { return x.union_(y); });
    });
    CHECK(run.error == "rill: could not generate RDD from a parent for transformWith at time 2000 ms");
    CHECK(run.values == Ints{{10, 1}, {30, 3}});
  }
  SUBCASE("map (as Spark's MappedDStream): no RDD, no output, no error") {
    const auto run = runWithGap([](auto g, auto) { return g.map([](int x) { return x * 2; }).toDStream(); });
    CHECK(run.error == "<no exception>");
    CHECK(run.values == Ints{{2}, {6}});
    CHECK(run.times == std::vector<std::int64_t>{1000, 3000});
  }
}
