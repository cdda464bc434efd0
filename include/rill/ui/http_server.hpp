#pragma once
// The UI's HTTP server: cpp-httplib's, made read-only and bounded. Only GET
// (and HEAD) are answered, anything else gets 405; requests are served by a
// fixed pool of threads with read and write timeouts, so a slow or hostile
// client ties up one of those threads for at most one of them and never
// anything of the streaming job. The port is chosen as Spark chooses it: the
// one asked for, else the next free one, up to maxRetries.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

namespace rill::ui {

class HttpServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  /// Serves with `threads` threads; a connection that has not sent its whole
  /// request within `readTimeout` is closed.
  HttpServer(std::size_t threads, std::chrono::seconds readTimeout);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer() { stop(); }

  /// Answers GET requests whose path matches `pattern` (a regular expression).
  void get(const std::string& pattern, Handler handler) { server_.Get(pattern, std::move(handler)); }

  /// Binds `host` at `port` (0: any free port), else the next free port up to
  /// port + maxRetries, and starts serving; returns the port bound.
  int start(const std::string& host, int port, int maxRetries);

  /// Stops accepting, waits for requests in progress (bounded by the timeouts).
  void stop();

 private:
  // httplib listens with a backlog of 5: many pollers connecting at once would
  // then wait for SYN retries. Listening again on the bound socket raises it.
  class Server final : public httplib::Server {
   public:
    void widenBacklog() { ::listen(svr_sock_, SOMAXCONN); }
  };

  int bind(const std::string& host, int port, int maxRetries);

  Server server_;
  std::thread thread_;
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME HttpServer::HttpServer(std::size_t threads, std::chrono::seconds readTimeout) {
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Only SO_REUSEADDR: httplib's defaults add SO_REUSEPORT, which would let
  // two UIs share a port instead of the second moving to the next one.
  server_.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server_.set_read_timeout(readTimeout.count(), 0);
  // httplib waits for a connection's first byte with its keep-alive timeout.
  server_.set_keep_alive_timeout(readTimeout.count());
  server_.set_write_timeout(5, 0);
  // One request per connection: httplib keeps a thread on each open
  // keep-alive connection, so many polling clients would queue behind a few.
  server_.set_keep_alive_max_count(1);
  server_.set_payload_max_length(4096);
  server_.set_default_headers({
      {"X-Content-Type-Options", "nosniff"},
      {"Cache-Control", "no-store"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Content-Security-Policy",
       "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'"},
  });
  server_.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "GET" || req.method == "HEAD") return httplib::Server::HandlerResponse::Unhandled;
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("405 method not allowed: the UI is read-only\n", "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });
  server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty())
      res.set_content(std::to_string(res.status) + (res.status == 404 ? " not found\n" : " error\n"),
                      "text/plain; charset=utf-8");
  });
  server_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content("500 internal error\n", "text/plain; charset=utf-8");
  });
}

RILL_RUNTIME int HttpServer::start(const std::string& host, int port, int maxRetries) {
  const int bound = bind(host, port, maxRetries);
  server_.widenBacklog();
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // stop() only ends a server that has begun listening: wait for that here.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_.is_running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return bound;
}

RILL_RUNTIME void HttpServer::stop() {
  if (!thread_.joinable()) return;
  server_.stop();
  thread_.join();
}

RILL_RUNTIME int HttpServer::bind(const std::string& host, int port, int maxRetries) {
  if (port == 0) {
    const int any = server_.bind_to_any_port(host);
    if (any > 0) return any;
  } else {
    for (int p = port; p <= port + maxRetries && p <= 65535; ++p)
      if (server_.bind_to_port(host, p)) return p;
  }
  throw IoError("rill: the streaming UI could not bind " + host + ":" + std::to_string(port) +
                (port == 0 ? "" : " nor the " + std::to_string(maxRetries) + " ports after it") +
                " (spark.ui.port, spark.driver.bindAddress, spark.port.maxRetries)");
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
