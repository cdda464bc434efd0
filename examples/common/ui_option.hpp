#pragma once
// `--ui [PORT]` for the example programs: serve the streaming UI (the
// Streaming page, Spark's REST API, Prometheus metrics; rill/ui.hpp) on PORT,
// by default spark.ui.port (4040) or the next free port (0: any free port).
// After a scripted run the program keeps serving until Ctrl-C, so the page can
// be looked at; a Ctrl-C during the run ends both. The UI is compiled in only
// when the examples are built with rill::ui (CMake then defines
// RILL_EXAMPLES_WITH_UI); otherwise --ui is refused.
//
//   examples::UiOption ui(argc, argv);   // first: takes --ui [PORT] out of argv
//   ui.addTo(cli);                       // lists --ui in --help
//   ui.attach(app.ssc());                // before run()
//   ui.serveUntilInterrupted();          // after run()
#include "cli.hpp"

#include <rill/stream/shutdown_signals.hpp>
#include <rill/stream/streaming_context.hpp>
#ifdef RILL_EXAMPLES_WITH_UI
#include <rill/ui.hpp>
#endif

#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace examples {

class UiOption {
 public:
  /// Removes `--ui` and the port after it, if one follows, from argv.
  UiOption(int& argc, char** argv) {
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
      if (std::string_view(argv[i]) != "--ui") {
        argv[kept++] = argv[i];
        continue;
      }
      requested_ = true;
      int port = 0;
      if (i + 1 < argc && parseValue(argv[i + 1], port)) {
        if (port < 0 || port > 65535) badPort_ = argv[i + 1];
        port_ = port;
        ++i;
      }
    }
    argc = kept;
    argv[argc] = nullptr;
  }
  UiOption(const UiOption&) = delete;
  UiOption& operator=(const UiOption&) = delete;
  ~UiOption() {
#ifdef RILL_EXAMPLES_WITH_UI
    if (signalHook_) rill::detail::ShutdownSignals::remove(*signalHook_);
#endif
  }

  void addTo(CommandLine& cli) {
    cli.flag("--ui", listed_,
             "[PORT] serve the streaming UI on PORT (default 4040 or the next free one); after a scripted run, "
             "until Ctrl-C");
    cli_ = &cli;
  }

  /// Serves `ssc`'s UI when --ui was given (call before ssc.start()).
  void attach(rill::StreamingContext& ssc) {
    if (!requested_) return;
    if (cli_) cli_->require(badPort_.empty(), "--ui PORT must be in 0..65535 (0: any free port), got " + badPort_);
#ifdef RILL_EXAMPLES_WITH_UI
    // A program may attach again to a context it made anew (a restarted demo): one hook, one UI.
    if (signalHook_) rill::detail::ShutdownSignals::remove(*signalHook_);
    ui_.reset();
    auto settings = rill::ui::UiSettings::fromConf(ssc.sparkContext().getConf());
    if (port_) settings.port = *port_;
    ui_ = std::make_unique<rill::ui::StreamingUI>(ssc, settings);
    std::cerr << "streaming UI at " << ui_->url() << "\n";
    // Heard from now on, so a Ctrl-C during the run also ends the serving after it.
    signalHook_ = rill::detail::ShutdownSignals::add([this] {
      std::lock_guard lock(mutex_);
      interrupted_ = true;
      changed_.notify_all();
    });
#else
    (void)ssc;
    if (cli_) cli_->fail("--ui: this build has no streaming UI (rill::ui needs cpp-httplib: Debian libcpp-httplib-dev)");
    std::exit(2);
#endif
  }

  /// With --ui: keeps the page up until SIGINT or SIGTERM (at once if one came already).
  void serveUntilInterrupted() {
#ifdef RILL_EXAMPLES_WITH_UI
    if (!ui_) return;
    std::unique_lock lock(mutex_);
    if (!interrupted_) std::cerr << "the run is over; still serving " << ui_->url() << " until Ctrl-C\n";
    changed_.wait(lock, [&] { return interrupted_; });
#endif
  }

 private:
  bool requested_ = false;
  bool listed_ = false;  // --ui is taken out of argv before parsing; this only lists it in --help
  std::optional<int> port_;
  std::string badPort_;
  CommandLine* cli_ = nullptr;
#ifdef RILL_EXAMPLES_WITH_UI
  std::unique_ptr<rill::ui::StreamingUI> ui_;
  std::optional<std::uint64_t> signalHook_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool interrupted_ = false;  // SIGINT or SIGTERM came
#endif
};

}  // namespace examples
