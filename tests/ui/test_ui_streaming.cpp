// The streaming UI as a person and a monitoring system see it: a stream on a
// ManualClock with known batch sizes and processing times, one batch whose
// output throws, one batch still running and a receiver that reports an error;
// the page rendered by headless Chromium, the REST API and the Prometheus
// text checked value for value; user-supplied strings escaped everywhere.
#include "ui_test_support.hpp"

#include <doctest/doctest.h>

#include <rill/streaming.hpp>
#include <rill/ui.hpp>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace rill;
using namespace rill_ui_test;
using namespace std::chrono_literals;

namespace {

constexpr auto kSafety = 60s;
const std::string kHostileApp = "<script>alert(1)</script>";

/// Waits (up to kSafety) until pred() holds; false on timeout. Polls the UI's
/// snapshot, which changes only with listener events.
bool eventually(const std::function<bool()>& pred) {
  const auto deadline = std::chrono::steady_clock::now() + kSafety;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

/// A receiver that stores nothing and reports one error with markup in it.
class ComplainingReceiver final : public Receiver<int> {
 public:
  void onStart() override { reportError("connection refused: <b>db</b> & \"replica\""); }
  void onStop() override {}
  std::string name() const override { return "<i>rx</i>"; }
};

/// A gate a batch waits at until the test opens it (bounded, so nothing hangs).
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, kSafety, [&] { return open_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

/// Batches of 3, 5, 7 and 2 records at 1 s, 2 s, 3 s and 4 s. Each output spends
/// a known time on the clock: batch 2 s takes 1.2 s, so batch 3 s starts 200 ms
/// late; both outputs of batch 3 s throw; batch 5 s (4 records) waits at the gate, running.
struct Scenario {
  SparkContext sc;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(0);
  StreamingContext ssc{sc, 1s, clock};
  std::shared_ptr<RDDQueue<int>> queue = std::make_shared<RDDQueue<int>>();
  Gate gate;
  std::thread fifth;

  explicit Scenario(SparkConf conf) : sc(std::move(conf)) {
    const std::map<std::int64_t, std::int64_t> spend{{1000, 30}, {2000, 1200}, {3000, 70}, {4000, 20}};
    ssc.queueStream(queue).foreachRDD([this, spend](const RDD<int>& rdd, Time t) {
      (void)rdd.count();
      if (t == Time(5000)) gate.wait();
      if (auto it = spend.find(t.milliseconds()); it != spend.end()) clock->spend(std::chrono::milliseconds(it->second));
      if (t == Time(3000)) throw std::runtime_error("boom: record 42 is <bad> & \"broken\"");
    });
    ssc.receiverStream(std::make_shared<ComplainingReceiver>()).foreachRDD([](const RDD<int>&, Time t) {
      if (t == Time(3000)) throw std::runtime_error("second: <op 1> failed");
    });
  }
  ~Scenario() {
    gate.open();
    if (fifth.joinable()) fifth.join();
    ssc.stop(false);
  }
  void push(int n) {
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i;
    queue->push(sc.parallelize(v, 2));
  }
  /// Runs the four batches, then starts the fifth and returns while it runs.
  void run(const ui::StreamingUI& ui) {
    ssc.start();
    REQUIRE(eventually([&] {
      auto s = ui.snapshot();
      return !s->receivers.empty() && s->receivers[0].numErrors == 1;
    }));
    push(3);
    clock->setTime(1000);
    push(5);
    push(7);
    clock->setTime(2000);  // runs 2 s and, late, 3 s
    push(2);
    clock->setTime(4000);
    push(4);
    fifth = std::thread([this] { clock->setTime(5000); });
    REQUIRE(eventually([&] {
      auto s = ui.snapshot();
      return s->active.size() == 1 && s->active[0].status == ui::BatchStatus::PROCESSING;
    }));
  }
};

/// Stores only what the test hands it, from the test's thread, into the next batch.
class Inbox final : public Receiver<int> {
 public:
  explicit Inbox(std::string name) : name_(std::move(name)) {}
  void onStart() override {}
  void onStop() override {}
  std::string name() const override { return name_; }

 private:
  std::string name_;
};

/// The cells of a foreachRDD's row in a batch page's output operations (started on 1970/01/01).
std::vector<std::string> outputOpRow(int id, const std::string& started, const std::string& duration,
                                     const std::string& status, const std::string& error) {
  return {std::to_string(id), "foreachRDD",
          "foreachRDD (output operation " + std::to_string(id) + " of the context)",
          "1970/01/01 " + started, duration, status, error};
}

/// The number after "key" : in a JSON text (-2 when absent).
std::int64_t jsonInteger(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\" : ");
  if (at == std::string::npos) return -2;
  return std::stoll(json.substr(at + key.size() + 5));
}

SparkConf uiConf(const std::string& name) {
  return SparkConf().setAppName(name).setMaster("local[2]").set("spark.ui.port", "0");
}

/// A queue stream whose output counts each batch, on a ManualClock.
struct CountingStream {
  SparkContext sc;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(0);
  StreamingContext ssc{sc, 1s, clock};
  std::shared_ptr<RDDQueue<int>> queue = std::make_shared<RDDQueue<int>>();

  explicit CountingStream(SparkConf conf) : sc(std::move(conf)) {
    ssc.queueStream(queue).foreachRDD([](const RDD<int>& rdd) { (void)rdd.count(); });
  }
  ~CountingStream() { ssc.stop(false); }
  /// Batches 1 s .. `batches` s, batch b holding b records.
  void run(int batches) {
    ssc.start();
    for (int b = 1; b <= batches; ++b) {
      queue->push(sc.parallelize(std::vector<int>(static_cast<std::size_t>(b), 1), 2));
      clock->setTime(b * 1000);
    }
  }
};

/// A raw TCP connection to a UI, to send it part of a request or nothing.
/// Closed when it goes: declared after the UI, it goes first, so the UI's
/// stop() does not wait out the read timeout for it.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient() { ::close(fd_); }

  void send(const std::string& bytes) {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  }

  /// The server has neither answered nor closed the connection.
  bool waiting() const {
    char byte = 0;
    return ::recv(fd_, &byte, 1, MSG_DONTWAIT) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  /// What the server sent before it closed the connection, or nothing if it
  /// did not close it within kSafety.
  std::optional<std::string> readToEnd() {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + kSafety;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      REQUIRE(ready >= 0);
      if (ready == 0) return std::nullopt;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      REQUIRE(n >= 0);
      if (n == 0) return got;
      got.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
};

/// The start of a request, never finished.
constexpr const char* kPartialRequest = "GET /streaming/ HTTP/1.1\r\nHost: x\r\n";

}  // namespace

TEST_CASE("the Streaming page in Chromium: batches, delays, the failure, the receiver and four charts") {
  Scenario sc(uiConf(kHostileApp));
  ui::StreamingUI ui(sc.ssc);
  REQUIRE(ui.serving());
  sc.run(ui);

  const std::string dom = dumpDom(ui.url() + "streaming/");
  INFO(dom);

  // The four charts, drawn.
  CHECK(count(dom, "<svg class=\"chart\"") == 4);
  for (const char* id : {"chart-input-rate", "chart-scheduling-delay", "chart-processing-time", "chart-total-delay"})
    CHECK(dom.find(std::string("id=\"") + id + "\"") != std::string::npos);
  CHECK(count(dom, "<circle class=\"point\"") == 5 + 5 + 4 + 4);
  CHECK(textOf(elementById(dom, "div", "chart-input-rate-avg")) == "Avg: 4.20 records/sec");
  CHECK(textOf(elementById(dom, "div", "chart-scheduling-delay-avg")) == "Avg: 40 ms");
  CHECK(textOf(elementById(dom, "div", "chart-processing-time-avg")) == "Avg: 330 ms");
  CHECK(textOf(elementById(dom, "div", "chart-total-delay-avg")) == "Avg: 380 ms");

  // The completed batches, newest first, with readable times and each delay.
  using Cells = std::vector<std::string>;
  CHECK(cellsOf(elementById(dom, "tr", "batch-1000")) ==
        Cells{"1970/01/01 00:00:01", "3", "0 ms", "30 ms", "30 ms", "2/2", "-"});
  CHECK(cellsOf(elementById(dom, "tr", "batch-2000")) ==
        Cells{"1970/01/01 00:00:02", "5", "0 ms", "1.2 s", "1.2 s", "2/2", "-"});
  // Every failure of the batch, each naming its output operation.
  CHECK(cellsOf(elementById(dom, "tr", "batch-3000")) ==
        Cells{"1970/01/01 00:00:03", "7", "200 ms", "70 ms", "270 ms", "0/2 (2 failed)",
              "Output Op 0 (foreachRDD): boom: record 42 is &lt;bad&gt; &amp; \"broken\""
              "Output Op 1 (foreachRDD): second: &lt;op 1&gt; failed"});
  CHECK(count(elementById(dom, "tr", "batch-3000"), "<pre class=\"failure\">") == 2);
  CHECK(cellsOf(elementById(dom, "tr", "batch-4000")) ==
        Cells{"1970/01/01 00:00:04", "2", "0 ms", "20 ms", "20 ms", "2/2", "-"});
  CHECK(dom.find("<tr id=\"batch-4000\">") < dom.find("<tr id=\"batch-1000\">"));
  CHECK(textOf(elementById(dom, "h2", "completed-title")) == "Completed Batches (last 4 out of 4)");

  // The running batch.
  CHECK(textOf(elementById(dom, "h2", "active-title")) == "Active Batches (1)");
  CHECK(cellsOf(elementById(dom, "tr", "batch-5000")) ==
        Cells{"1970/01/01 00:00:05", "4", "0 ms", "-", "0/2", "processing"});

  // The receiver (it stored nothing), its state and its last error, escaped.
  CHECK(cellsOf(elementById(dom, "tr", "receiver-1")) ==
        Cells{"&lt;i&gt;rx&lt;/i&gt;-1", "ACTIVE", "0.00", "1", "1970/01/01 00:00:00.000",
              "connection refused: &lt;b&gt;db&lt;/b&gt; &amp; \"replica\""});

  // What runs, and since when.
  CHECK(textOf(elementById(dom, "dd", "fact-app-id")) == ui.appId());
  CHECK(textOf(elementById(dom, "dd", "fact-master")) == "local[2]");
  CHECK(textOf(elementById(dom, "dd", "fact-interval")) == "1 second");
  CHECK(textOf(elementById(dom, "dd", "fact-failed")) == "1");
  CHECK(textOf(elementById(dom, "p", "summary")).find("(4 completed batches, 17 records)") != std::string::npos);
  CHECK(dom.find("<meta http-equiv=\"refresh\"") != std::string::npos);

  // The hostile application name is text, never markup, and no script ran.
  CHECK(textOf(elementById(dom, "dd", "fact-app")) == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(dom.find("<title>&lt;script&gt;alert(1)&lt;/script&gt; - Streaming</title>") != std::string::npos);
  CHECK(dom.find(kHostileApp) == std::string::npos);
  CHECK(dom.find("<script") == std::string::npos);
}

TEST_CASE("a batch's own page in Chromium shows its delays, its output operations and every failure message") {
  Scenario sc(uiConf("batch-page"));
  ui::StreamingUI ui(sc.ssc);
  sc.run(ui);
  const std::string dom = dumpDom(ui.url() + "streaming/batch/?id=3000");
  INFO(dom);
  CHECK(textOf(elementById(dom, "dd", "batch-status")) == "COMPLETED (failed)");
  CHECK(textOf(elementById(dom, "dd", "batch-records")) == "7");
  CHECK(textOf(elementById(dom, "dd", "batch-scheduling-delay")) == "200 ms");
  CHECK(textOf(elementById(dom, "dd", "batch-processing-time")) == "70 ms");
  CHECK(textOf(elementById(dom, "dd", "batch-total-delay")) == "270 ms");
  CHECK(textOf(elementById(dom, "dd", "batch-output-ops")) == "0 succeeded, 2 failed, 0 running, of 2");
  CHECK(textOf(elementById(dom, "dd", "batch-stream-records")) == "stream 0: 7, stream 1: 0");
  CHECK(textOf(elementById(dom, "pre", "batch-failure")) == "boom: record 42 is &lt;bad&gt; &amp; \"broken\"");
  CHECK(cellsOf(elementById(dom, "tr", "op-0")) ==
        outputOpRow(0, "00:00:03.200", "70 ms", "Failed", "boom: record 42 is &lt;bad&gt; &amp; \"broken\""));
  CHECK(cellsOf(elementById(dom, "tr", "op-1")) ==
        outputOpRow(1, "00:00:03.270", "0 ms", "Failed", "second: &lt;op 1&gt; failed"));

  const std::string ok = dumpDom(ui.url() + "streaming/batch/?id=2000");
  INFO(ok);
  CHECK(textOf(elementById(ok, "dd", "batch-output-ops")) == "2 succeeded, 0 failed, 0 running, of 2");
  CHECK(cellsOf(elementById(ok, "tr", "op-0")) == outputOpRow(0, "00:00:02.000", "1.2 s", "Succeeded", "-"));
  CHECK(cellsOf(elementById(ok, "tr", "op-1")) == outputOpRow(1, "00:00:03.200", "0 ms", "Succeeded", "-"));
  CHECK(elementById(ok, "pre", "batch-failure").empty());

  const HttpResult missing = httpGet(ui.port(), "/streaming/batch/?id=123");
  CHECK(missing.status == 404);
}

TEST_CASE("the REST API answers with Spark's field names and the exact values") {
  Scenario sc(uiConf(kHostileApp));
  ui::StreamingUI ui(sc.ssc);
  sc.run(ui);
  const std::string base = "/api/v1/applications/" + ui.appId() + "/streaming/";

  const HttpResult apps = httpGet(ui.port(), "/api/v1/applications");
  CHECK(apps.status == 200);
  CHECK(apps.contentType == "application/json");
  CHECK(apps.body.find("\"id\" : \"" + ui.appId() + "\"") != std::string::npos);
  CHECK(apps.body.find(R"("name" : "\u003cscript\u003ealert(1)\u003c/script\u003e")") != std::string::npos);
  CHECK(apps.body.find(kHostileApp) == std::string::npos);
  CHECK(apps.body.find("\"completed\" : false,") != std::string::npos);
  CHECK(apps.body.find("\"endTimeEpoch\" : -1,") != std::string::npos);

  CHECK(httpGet(ui.port(), base + "statistics").body ==
        "{\n"
        "  \"startTime\" : \"1970-01-01T00:00:01.000GMT\",\n"
        "  \"batchDuration\" : 1000,\n"
        "  \"numReceivers\" : 1,\n"
        "  \"numActiveReceivers\" : 1,\n"
        "  \"numInactiveReceivers\" : 0,\n"
        "  \"numTotalCompletedBatches\" : 4,\n"
        "  \"numRetainedCompletedBatches\" : 4,\n"
        "  \"numActiveBatches\" : 1,\n"
        "  \"numProcessedRecords\" : 17,\n"
        "  \"numReceivedRecords\" : 21,\n"
        "  \"avgInputRate\" : 4.2,\n"
        "  \"avgSchedulingDelay\" : 40,\n"
        "  \"avgProcessingTime\" : 330,\n"
        "  \"avgTotalDelay\" : 380\n"
        "}");

  CHECK(httpGet(ui.port(), base + "batches/3000").body ==
        "{\n"
        "  \"batchId\" : 3000,\n"
        "  \"batchTime\" : \"1970-01-01T00:00:03.000GMT\",\n"
        "  \"status\" : \"COMPLETED\",\n"
        "  \"batchDuration\" : 1000,\n"
        "  \"inputSize\" : 7,\n"
        "  \"schedulingDelay\" : 200,\n"
        "  \"processingTime\" : 70,\n"
        "  \"totalDelay\" : 270,\n"
        "  \"numActiveOutputOps\" : 0,\n"
        "  \"numCompletedOutputOps\" : 0,\n"
        "  \"numFailedOutputOps\" : 2,\n"
        "  \"numTotalOutputOps\" : 2,\n"
        "  \"firstFailureReason\" : \"boom: record 42 is \\u003cbad\\u003e \\u0026 \\\"broken\\\"\"\n"
        "}");

  const std::string batches = httpGet(ui.port(), base + "batches").body;
  std::vector<std::size_t> at;
  for (const char* id : {"5000", "4000", "3000", "2000", "1000"}) at.push_back(batches.find(std::string("\"batchId\" : ") + id));
  for (std::size_t i = 0; i < at.size(); ++i) CHECK(at[i] != std::string::npos);
  CHECK(std::is_sorted(at.begin(), at.end()));  // newest first, as Spark
  CHECK(batches.find("\"status\" : \"PROCESSING\"") < at[1]);

  const std::string processing = httpGet(ui.port(), base + "batches?status=PROCESSING").body;
  CHECK(count(processing, "\"batchId\"") == 1);
  CHECK(processing.find("\"numActiveOutputOps\" : 2") != std::string::npos);
  CHECK(count(httpGet(ui.port(), base + "batches?status=COMPLETED&status=QUEUED").body, "\"batchId\"") == 4);
  // Spark reads the status as BatchStatus.fromString does, ignoring case.
  CHECK(count(httpGet(ui.port(), base + "batches?status=completed").body, "\"batchId\"") == 4);
  CHECK(count(httpGet(ui.port(), base + "batches?status=Processing").body, "\"batchId\"") == 1);

  CHECK(httpGet(ui.port(), base + "batches/3000/operations").body ==
        "[\n"
        "  {\n"
        "    \"outputOpId\" : 0,\n"
        "    \"name\" : \"foreachRDD\",\n"
        "    \"description\" : \"foreachRDD (output operation 0 of the context)\",\n"
        "    \"startTime\" : \"1970-01-01T00:00:03.200GMT\",\n"
        "    \"endTime\" : \"1970-01-01T00:00:03.270GMT\",\n"
        "    \"duration\" : 70,\n"
        "    \"failureReason\" : \"boom: record 42 is \\u003cbad\\u003e \\u0026 \\\"broken\\\"\",\n"
        "    \"jobIds\" : []\n"
        "  },\n"
        "  {\n"
        "    \"outputOpId\" : 1,\n"
        "    \"name\" : \"foreachRDD\",\n"
        "    \"description\" : \"foreachRDD (output operation 1 of the context)\",\n"
        "    \"startTime\" : \"1970-01-01T00:00:03.270GMT\",\n"
        "    \"endTime\" : \"1970-01-01T00:00:03.270GMT\",\n"
        "    \"duration\" : 0,\n"
        "    \"failureReason\" : \"second: \\u003cop 1\\u003e failed\",\n"
        "    \"jobIds\" : []\n"
        "  }\n"
        "]");
  // The running batch: its first operation started, not ended; the second not started yet.
  CHECK(httpGet(ui.port(), base + "batches/5000/operations/0").body ==
        "{\n"
        "  \"outputOpId\" : 0,\n"
        "  \"name\" : \"foreachRDD\",\n"
        "  \"description\" : \"foreachRDD (output operation 0 of the context)\",\n"
        "  \"startTime\" : \"1970-01-01T00:00:05.000GMT\",\n"
        "  \"jobIds\" : []\n"
        "}");
  CHECK(httpGet(ui.port(), base + "batches/5000/operations/1").status == 404);

  CHECK(httpGet(ui.port(), base + "receivers/1").body ==
        "{\n"
        "  \"streamId\" : 1,\n"
        "  \"streamName\" : \"\\u003ci\\u003erx\\u003c/i\\u003e-1\",\n"
        "  \"isActive\" : true,\n"
        "  \"executorId\" : \"driver\",\n"
        "  \"executorHost\" : \"localhost\",\n"
        "  \"lastErrorTime\" : \"1970-01-01T00:00:00.000GMT\",\n"
        "  \"lastErrorMessage\" : \"connection refused: \\u003cb\\u003edb\\u003c/b\\u003e \\u0026 \\\"replica\\\"\",\n"
        "  \"lastError\" : \"connection refused: \\u003cb\\u003edb\\u003c/b\\u003e \\u0026 \\\"replica\\\"\",\n"
        "  \"avgEventRate\" : 0.0,\n"
        "  \"eventRates\" : [\n"
        "    [\n      1000,\n      0.0\n    ],\n"
        "    [\n      2000,\n      0.0\n    ],\n"
        "    [\n      3000,\n      0.0\n    ],\n"
        "    [\n      4000,\n      0.0\n    ],\n"
        "    [\n      5000,\n      0.0\n    ]\n"
        "  ]\n"
        "}");
  CHECK(httpGet(ui.port(), base + "receivers").body.find("\"streamId\" : 1") != std::string::npos);

  CHECK(httpGet(ui.port(), base + "batches/999").status == 404);
  CHECK(httpGet(ui.port(), base + "batches/3000/operations/2").status == 404);
  CHECK(httpGet(ui.port(), base + "receivers/7").status == 404);
  CHECK(httpGet(ui.port(), "/api/v1/applications/other-app/streaming/statistics").status == 404);
}

TEST_CASE("the Prometheus text has the counts, the last and average delays and the receiver errors") {
  Scenario sc(uiConf("metrics \"app\"\n"));
  ui::StreamingUI ui(sc.ssc);
  sc.run(ui);
  const HttpResult m = httpGet(ui.port(), "/metrics/prometheus");
  CHECK(m.status == 200);
  CHECK(m.contentType == "text/plain; version=0.0.4; charset=utf-8");
  std::vector<std::string> samples;
  std::istringstream lines(m.body);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] != '#') samples.push_back(line);
  CHECK(samples == std::vector<std::string>{
                       "rill_streaming_info{app_id=\"" + ui.appId() +
                           "\",app_name=\"metrics \\\"app\\\"\\n\",master=\"local[2]\"} 1",
                       "rill_streaming_batch_duration_ms 1000",
                       "rill_streaming_received_records_total 21",
                       "rill_streaming_processed_records_total 17",
                       "rill_streaming_completed_batches_total 4",
                       "rill_streaming_failed_batches_total 1",
                       "rill_streaming_active_batches 1",
                       "rill_streaming_retained_completed_batches 4",
                       "rill_streaming_last_batch_records 2",
                       "rill_streaming_last_batch_scheduling_delay_ms 0",
                       "rill_streaming_last_batch_processing_time_ms 20",
                       "rill_streaming_last_batch_total_delay_ms 20",
                       "rill_streaming_avg_input_rate 4.2",
                       "rill_streaming_avg_scheduling_delay_ms 40",
                       "rill_streaming_avg_processing_time_ms 330",
                       "rill_streaming_avg_total_delay_ms 380",
                       "rill_streaming_receivers 1",
                       "rill_streaming_active_receivers 1",
                       "rill_streaming_receiver_errors_total{stream_id=\"1\",receiver=\"<i>rx</i>-1\"} 1",
                   });
  CHECK(m.body.find("# TYPE rill_streaming_received_records_total counter\n") != std::string::npos);
}

TEST_CASE("the UI is read-only: other methods get 405, unknown paths 404") {
  Scenario sc(uiConf("read-only"));
  ui::StreamingUI ui(sc.ssc);
  httplib::Client cli("127.0.0.1", ui.port());
  cli.set_read_timeout(10, 0);
  const auto refused = [](const httplib::Result& res) {
    REQUIRE(res);
    CHECK(res->status == 405);
    CHECK(res->get_header_value("Allow") == "GET, HEAD");
  };
  refused(cli.Post("/api/v1/applications", "x", "text/plain"));
  refused(cli.Put("/streaming/", "x", "text/plain"));
  refused(cli.Delete("/streaming/"));
  CHECK(httpGet(ui.port(), "/nothing-here").status == 404);
  const HttpResult page = httpGet(ui.port(), "/streaming/");
  CHECK(page.status == 200);
  CHECK(page.body.find("Waiting for the streaming context to start") != std::string::npos);
  const auto root = cli.Get("/");
  REQUIRE(root);
  CHECK(root->status == 302);
  CHECK(root->get_header_value("Location") == "/streaming/");
}

TEST_CASE("a taken port moves the UI to the next free one, as Spark does") {
  ui::UiSettings settings;
  settings.port = 0;
  Scenario first(uiConf("first"));
  ui::StreamingUI a(first.ssc, settings);
  settings.port = a.port();
  Scenario second(uiConf("second"));
  ui::StreamingUI b(second.ssc, settings);
  CHECK(b.port() > a.port());
  CHECK(b.port() <= a.port() + settings.maxRetries);
  CHECK(httpGet(b.port(), "/api/v1/applications").body.find("\"name\" : \"second\"") != std::string::npos);

  settings.maxRetries = 0;
  Scenario third(uiConf("third"));
  CHECK_THROWS_AS(ui::StreamingUI(third.ssc, settings), IoError);
}

TEST_CASE("spark.ui.enabled decides whether attachIfEnabled serves; a bad setting is refused") {
  Scenario off(uiConf("off"));
  CHECK(ui::attachIfEnabled(off.ssc) == nullptr);
  Scenario on(uiConf("on").set("spark.ui.enabled", "true"));
  auto served = ui::attachIfEnabled(on.ssc);
  REQUIRE(served);
  CHECK(httpGet(served->port(), "/streaming/").status == 200);
  Scenario bad(uiConf("bad").set("spark.ui.enabled", "yes"));
  CHECK_THROWS_AS(ui::attachIfEnabled(bad.ssc), std::invalid_argument);
  Scenario badPort(uiConf("bad").set("spark.ui.port", "70000"));
  CHECK_THROWS_AS(ui::attach(badPort.ssc), std::invalid_argument);
}

TEST_CASE("spark.streaming.ui.retainedBatches bounds what is kept; totals go on counting") {
  CountingStream stream(uiConf("retained").set("spark.streaming.ui.retainedBatches", "3"));
  ui::StreamingUI ui(stream.ssc);
  stream.run(10);
  const auto s = ui.snapshot();
  CHECK(s->completed.size() == 3);
  CHECK(s->completed.front()->id() == 8000);
  CHECK(s->numTotalCompletedBatches == 10);
  CHECK(s->numProcessedRecords == 55);
  const std::string stats = httpGet(ui.port(), "/api/v1/applications/" + ui.appId() + "/streaming/statistics").body;
  CHECK(stats.find("\"numRetainedCompletedBatches\" : 3,") != std::string::npos);
  CHECK(stats.find("\"avgInputRate\" : 9.0,") != std::string::npos);  // (8 + 9 + 10) / 3
  CHECK(httpGet(ui.port(), "/streaming/batch/?id=1000").status == 404);
}

TEST_CASE("clients that connect and never finish a request do not hold up batches") {
  // A read timeout far beyond the test: the server waits on the stuck clients throughout.
  CountingStream stream(uiConf("slow-clients").set("rill.ui.threads", "2").set("rill.ui.readTimeout", "10min"));
  ui::StreamingUI ui(stream.ssc);
  // More half-open requests than the server has threads: every one is stuck.
  std::deque<RawClient> stuck;
  for (int i = 0; i < 6; ++i) stuck.emplace_back(ui.port()).send(kPartialRequest);
  stream.run(5);
  CHECK(eventually([&] { return ui.snapshot()->numTotalCompletedBatches == 5; }));
  // The batches completed while the server was still waiting on every client.
  for (const auto& client : stuck) CHECK(client.waiting());
}

TEST_CASE("rill.ui.readTimeout closes a client that does not send its request in time, and is checked") {
  // Two UIs: one waits 10 min for a request, the other 1 s. Each has a client
  // that sends nothing and one that sends part of a request. The patient UI's
  // clients connect first: with one timeout for both UIs they would be closed first.
  CountingStream patient(uiConf("patient").set("rill.ui.readTimeout", "10min"));
  ui::StreamingUI patientUi(patient.ssc);
  CountingStream brisk(uiConf("brisk").set("rill.ui.readTimeout", "1s"));
  ui::StreamingUI briskUi(brisk.ssc);
  RawClient patientIdle(patientUi.port()), patientPartial(patientUi.port());
  patientPartial.send(kPartialRequest);
  RawClient briskIdle(briskUi.port()), briskPartial(briskUi.port());
  briskPartial.send(kPartialRequest);

  CHECK(briskIdle.readToEnd() == std::string());  // closed without a word
  const auto answer = briskPartial.readToEnd();   // the request was cut short: 400
  REQUIRE(answer);
  CHECK(answer->starts_with("HTTP/1.1 400 Bad Request\r\n"));
  CHECK(patientIdle.waiting());
  CHECK(patientPartial.waiting());

  CHECK(ui::UiSettings().readTimeout == 5s);
  CHECK(ui::UiSettings::fromConf(uiConf("default")).readTimeout == 5s);
  CHECK(ui::UiSettings::fromConf(uiConf("minutes").set("rill.ui.readTimeout", "2min")).readTimeout == 120s);
  const std::string refusal = "rill: setting 'rill.ui.readTimeout' must be whole seconds from 1s to 1h, got ";
  CHECK_THROWS_WITH_AS(ui::UiSettings::fromConf(uiConf("part").set("rill.ui.readTimeout", "1500ms")),
                       (refusal + "1500 ms").c_str(), std::invalid_argument);
  for (const char* bad : {"0", "500ms", "2h", "-1s", "soon"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(ui::UiSettings::fromConf(uiConf("bad").set("rill.ui.readTimeout", bad)), std::invalid_argument);
    CountingStream refused(uiConf("refused").set("rill.ui.readTimeout", bad));
    CHECK_THROWS_AS(ui::attach(refused.ssc), std::invalid_argument);
  }
  ui::UiSettings settings;
  settings.port = 0;
  for (const auto bad : {0s, 3601s}) {
    settings.readTimeout = bad;
    CHECK_THROWS_WITH_AS(ui::StreamingUI(brisk.ssc, settings),
                         (refusal + std::to_string(std::chrono::milliseconds(bad).count()) + " ms").c_str(),
                         std::invalid_argument);
  }
}

TEST_CASE("each receiver's own rate, the keys of each state stream, and a stopped context reported as completed") {
  SparkContext sc(uiConf("two receivers"));
  auto clock = std::make_shared<ManualClock>(0);
  StreamingContext ssc(sc, 1s, clock);
  auto left = std::make_shared<Inbox>("left");
  auto right = std::make_shared<Inbox>("right");
  // State stream 0: a running count per value of the left receiver's records.
  ssc.receiverStream(left)
      .map([](int v) { return std::pair<int, int>(v, 1); })
      .updateStateByKey<int>([](const std::vector<int>& ones, std::optional<int> n) {
        return std::optional<int>(n.value_or(0) + static_cast<int>(ones.size()));
      })
      .foreachRDD([](const RDD<std::pair<int, int>>& rdd) { (void)rdd.count(); });
  // State stream 1: a value of the right receiver is kept until it comes again.
  ssc.receiverStream(right)
      .map([](int v) { return std::pair<int, int>(v, v); })
      .mapWithState(StateSpec::function([](const int&, std::optional<int>, State<int>& st) {
        if (st.exists()) st.remove();
        else st.update(1);
        return 0;
      }))
      .foreachRDD([](const RDD<int>& rdd) { (void)rdd.count(); });
  ui::StreamingUI ui(ssc);
  ssc.start();
  REQUIRE(eventually([&] {
    auto s = ui.snapshot();
    return s->receivers.size() == 2 && s->receivers[0].info.active && s->receivers[1].info.active;
  }));
  // Left: 6, 2 and 1 records (keys 1..9); right: 2, 4 and 0 (10 twice: kept, then removed).
  left->store(std::vector<int>{1, 2, 3, 4, 5, 6});
  right->store(std::vector<int>{10, 11});
  clock->setTime(1000);
  left->store(std::vector<int>{7, 8});
  right->store(std::vector<int>{10, 12, 13, 14});
  clock->setTime(2000);
  left->store(9);
  clock->setTime(3000);
  REQUIRE(eventually([&] { return ui.snapshot()->numTotalCompletedBatches == 3; }));
  const std::string app = "/api/v1/applications/" + ui.appId();
  const std::string base = app + "/streaming/";

  // Each receiver's rate comes from its own stream's records.
  const auto rates = [&](int stream) {
    const std::string json = httpGet(ui.port(), base + "receivers/" + std::to_string(stream)).body;
    const auto from = json.find("\"avgEventRate\"");
    return from == std::string::npos ? json : json.substr(from);
  };
  CHECK(rates(0) ==
        "\"avgEventRate\" : 3.0,\n"
        "  \"eventRates\" : [\n"
        "    [\n      1000,\n      6.0\n    ],\n"
        "    [\n      2000,\n      2.0\n    ],\n"
        "    [\n      3000,\n      1.0\n    ]\n"
        "  ]\n"
        "}");
  CHECK(rates(1) ==
        "\"avgEventRate\" : 2.0,\n"
        "  \"eventRates\" : [\n"
        "    [\n      1000,\n      2.0\n    ],\n"
        "    [\n      2000,\n      4.0\n    ],\n"
        "    [\n      3000,\n      0.0\n    ]\n"
        "  ]\n"
        "}");
  CHECK(httpGet(ui.port(), base + "receivers").body.find("\"avgEventRate\" : 2.0") != std::string::npos);

  // The keys of each state stream after each batch: on the batch's page, and the last in Prometheus.
  const HttpResult second = httpGet(ui.port(), "/streaming/batch/?id=2000");
  CHECK(textOf(elementById(second.body, "dd", "batch-state-keys")) == "stream 0: 8, stream 1: 4");
  CHECK(textOf(elementById(second.body, "dd", "batch-stream-records")) == "stream 0: 2, stream 1: 4");
  CHECK(textOf(elementById(httpGet(ui.port(), "/streaming/batch/?id=1000").body, "dd", "batch-state-keys")) ==
        "stream 0: 6, stream 1: 2");
  const std::string metrics = httpGet(ui.port(), "/metrics/prometheus").body;
  CHECK(metrics.find("# TYPE rill_streaming_state_keys gauge\n"
                     "rill_streaming_state_keys{stream=\"0\"} 9\n"
                     "rill_streaming_state_keys{stream=\"1\"} 4\n") != std::string::npos);

  // Running: not completed, and the page refreshes itself.
  std::string apps = httpGet(ui.port(), "/api/v1/applications").body;
  CHECK(apps.find("\"completed\" : false,") != std::string::npos);
  CHECK(jsonInteger(apps, "endTimeEpoch") == -1);

  ssc.stop(false);
  apps = httpGet(ui.port(), "/api/v1/applications").body;
  INFO(apps);
  CHECK(apps.find("\"completed\" : true,") != std::string::npos);
  const std::int64_t start = jsonInteger(apps, "startTimeEpoch"), end = jsonInteger(apps, "endTimeEpoch");
  CHECK(end >= start);
  CHECK(jsonInteger(apps, "duration") == end - start);
  CHECK(jsonInteger(apps, "lastUpdatedEpoch") == end);
  CHECK(apps.find("\"endTime\" : \"" + ui::formatJsonDate(end) + "\",") != std::string::npos);
  CHECK(httpGet(ui.port(), app).body.find("\"completed\" : true,") != std::string::npos);

  const std::string dom = dumpDom(ui.url() + "streaming/");
  INFO(dom);
  CHECK(textOf(elementById(dom, "p", "summary")) ==
        "Stopped at 1970/01/01 00:00:03 after batches of 1 second since 1970/01/01 00:00:01 "
        "(3 completed batches, 15 records)");
  CHECK(dom.find("<meta http-equiv=\"refresh\"") == std::string::npos);
  using Cells = std::vector<std::string>;
  CHECK(cellsOf(elementById(dom, "tr", "receiver-0")) == Cells{"left-0", "INACTIVE", "3.00", "0", "-", "-"});
  CHECK(cellsOf(elementById(dom, "tr", "receiver-1")) == Cells{"right-1", "INACTIVE", "2.00", "0", "-", "-"});
}
