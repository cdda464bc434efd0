#pragma once
// StreamingUI: the live Streaming page, Spark's REST API and Prometheus
// metrics of one StreamingContext, served over HTTP while it lives.
//
//   rill::ui::StreamingUI ui(ssc);          // before ssc.start(); serves at ui.url()
//   auto ui = rill::ui::attachIfEnabled(ssc); // only if spark.ui.enabled=true
//
// Settings come from the context's SparkConf (see settings.hpp). With several
// ranks only the driver (rank 0) serves; the others attach nothing.
//
//   /                                    redirects to /streaming/
//   /streaming/[?page=N]                 the Streaming page
//   /streaming/batch/?id=<batch-id>      one batch
//   /api/v1/applications/...             Spark's REST API (rest_api.hpp)
//   /metrics/prometheus                  Prometheus text (prometheus.hpp)
#include <rill/core/runtime.hpp>
#include <rill/stream/streaming_context.hpp>
#include <rill/ui/batch_page.hpp>
#include <rill/ui/http_server.hpp>
#include <rill/ui/progress_listener.hpp>
#include <rill/ui/prometheus.hpp>
#include <rill/ui/rest_api.hpp>
#include <rill/ui/settings.hpp>
#include <rill/ui/snapshot.hpp>
#include <rill/ui/streaming_page.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rill::ui {

class StreamingUI {
 public:
  /// Serves `ssc` with the settings of its SparkConf.
  explicit StreamingUI(StreamingContext& ssc) : StreamingUI(ssc, UiSettings::fromConf(ssc.sparkContext().getConf())) {}

  /// Serves `ssc` with `settings` (spark.ui.enabled is not consulted: attaching is asking).
  StreamingUI(StreamingContext& ssc, const UiSettings& settings);
  StreamingUI(const StreamingUI&) = delete;
  StreamingUI& operator=(const StreamingUI&) = delete;
  ~StreamingUI() { stop(); }

  /// False on a rank other than the driver's, and after stop().
  bool serving() const { return server_ != nullptr; }
  /// The port bound (0 when not serving).
  int port() const { return port_; }
  /// "http://127.0.0.1:4040/" (empty when not serving).
  std::string url() const { return serving() ? "http://" + host_ + ":" + std::to_string(port_) + "/" : ""; }
  /// Spark's application id, as the REST API names it ("local-<start ms>").
  std::string appId() const { return app_ ? app_->id : ""; }
  /// What the UI shows now (null when not serving).
  std::shared_ptr<const StreamingSnapshot> snapshot() const { return listener_ ? listener_->snapshot() : nullptr; }

  /// Stops serving; requests in progress finish first. The streaming job is unaffected.
  void stop();

 private:
  static std::int64_t numberParam(const httplib::Request& req, const char* name, std::int64_t dflt);

  // Every handler reads one snapshot and renders from it; none touches the context.
  static void route(HttpServer& server, std::shared_ptr<StreamingProgressListener> listener);

  std::shared_ptr<const AppFacts> app_;
  std::shared_ptr<StreamingProgressListener> listener_;
  std::unique_ptr<HttpServer> server_;
  std::string host_;
  int port_ = 0;
};

/// Serves `ssc` (see StreamingUI); call before ssc.start().
inline std::unique_ptr<StreamingUI> attach(StreamingContext& ssc) { return std::make_unique<StreamingUI>(ssc); }

/// attach(ssc) if its SparkConf sets spark.ui.enabled=true, else nothing.
RILL_RUNTIME std::unique_ptr<StreamingUI> attachIfEnabled(StreamingContext& ssc);

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME StreamingUI::StreamingUI(StreamingContext& ssc, const UiSettings& settings) {
  const auto readTimeout = UiSettings::checkedReadTimeout(settings.readTimeout);
  if (!ssc.sparkContext().isDriver()) return;
  const SparkConf& conf = ssc.sparkContext().getConf();
  auto app = std::make_shared<AppFacts>();
  app->startWallMillis = wallClockMillis();
  app->id = "local-" + std::to_string(app->startWallMillis);
  app->name = conf.appName();
  app->master = conf.master();
  app->batchDuration = ssc.batchDuration();
  app_ = app;
  listener_ = std::make_shared<StreamingProgressListener>(app_, ssc.graph(), settings.retainedBatches);
  server_ = std::make_unique<HttpServer>(settings.threads, readTimeout);
  route(*server_, listener_);
  host_ = settings.bindAddress;
  port_ = server_->start(settings.bindAddress, settings.port, settings.maxRetries);
  ssc.addStreamingListener(listener_);  // once serving: a port that cannot be bound leaves the context as it was
}

RILL_RUNTIME void StreamingUI::stop() {
  if (server_) server_->stop();
  server_.reset();
}

RILL_RUNTIME std::int64_t StreamingUI::numberParam(const httplib::Request& req, const char* name, std::int64_t dflt) {
  if (!req.has_param(name)) return dflt;
  const auto v = detail::parseId(req.get_param_value(name));
  return v ? *v : -1;
}

RILL_RUNTIME void StreamingUI::route(HttpServer& server, std::shared_ptr<StreamingProgressListener> listener) {
  constexpr const char* kHtml = "text/html; charset=utf-8";
  server.get("/", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/streaming/"); });
  server.get("/streaming/?", [listener](const httplib::Request& req, httplib::Response& res) {
    const auto page = numberParam(req, "page", 1);
    res.set_content(streamingPage(*listener->snapshot(), std::chrono::steady_clock::now(),
                                  static_cast<std::size_t>(page < 1 ? 1 : page)),
                    kHtml);
  });
  server.get("/streaming/batch/?", [listener](const httplib::Request& req, httplib::Response& res) {
    const auto id = numberParam(req, "id", -1);
    const auto s = listener->snapshot();
    if (auto page = id < 0 ? std::nullopt : batchPage(*s, id)) {
      res.set_content(*page, kHtml);
    } else {
      res.status = 404;
      res.set_content(htmlPage(*s->app, "Batch not found",
                               "<h1>No such batch</h1><p>The batch is not among the retained batches "
                               "(spark.streaming.ui.retainedBatches).</p>",
                               false),
                      kHtml);
    }
  });
  server.get("/api/v1(/.*)?", [listener](const httplib::Request& req, httplib::Response& res) {
    std::vector<std::string> statuses;
    for (std::size_t i = 0; i < req.get_param_value_count("status"); ++i)
      statuses.push_back(req.get_param_value("status", i));
    const ApiAnswer a = answerApi(*listener->snapshot(), req.matches[1].str(), statuses, wallClockMillis());
    res.status = a.status;
    res.set_content(a.body, a.status == 200 ? "application/json" : "text/plain; charset=utf-8");
  });
  server.get("/metrics/prometheus/?", [listener](const httplib::Request&, httplib::Response& res) {
    res.set_content(prometheusText(*listener->snapshot()), "text/plain; version=0.0.4; charset=utf-8");
  });
}

RILL_RUNTIME std::unique_ptr<StreamingUI> attachIfEnabled(StreamingContext& ssc) {
  const UiSettings settings = UiSettings::fromConf(ssc.sparkContext().getConf());
  return settings.enabled ? std::make_unique<StreamingUI>(ssc, settings) : nullptr;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
