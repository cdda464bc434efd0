#pragma once
// Helpers for the UI tests: an HTTP GET with httplib's client, headless
// Chromium run with a deadline (its rendered DOM or a screenshot), and small
// readers of the dumped DOM (an element by id, a table row's cells).
#include "temp_dir.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace rill_ui_test {

struct HttpResult {
  int status = 0;
  std::string body;
  std::string contentType;
};

inline HttpResult httpGet(int port, const std::string& path) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(5, 0);
  cli.set_read_timeout(10, 0);
  auto res = cli.Get(path.c_str());
  if (!res) throw std::runtime_error("GET " + path + " failed: " + httplib::to_string(res.error()));
  return {res->status, res->body, res->get_header_value("Content-Type")};
}

/// Runs Chromium headless with `extra` arguments and returns what it printed on
/// stdout; throws when it does not finish within `timeout` (it is then killed).
inline std::string runChromium(const std::vector<std::string>& extra,
                               std::chrono::seconds timeout = std::chrono::seconds(90)) {
  rill_test::TempDir profile("chromium");
  std::vector<std::string> args{RILL_CHROMIUM,
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--disable-dev-shm-usage",
                                "--user-data-dir=" + profile.file("profile")};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  const std::string errFile = profile.file("stderr.txt");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addopen(&actions, 2, errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    throw std::runtime_error("cannot start " + args[0]);
  }
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timedOut = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[65536];
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  if (timedOut) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (timedOut) throw std::runtime_error("chromium did not finish within the deadline");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream err(errFile);
    std::stringstream ss;
    ss << err.rdbuf();
    throw std::runtime_error("chromium failed: " + ss.str());
  }
  return text;
}

/// The page at `url` after its scripts ran (a virtual-time budget of 3 s), as Chromium serialises the DOM.
inline std::string dumpDom(const std::string& url) {
  return runChromium({"--virtual-time-budget=3000", "--dump-dom", url});
}

/// The element <tag ... id="id" ...>...</tag> (up to the first closing tag), or "" when absent.
inline std::string elementById(const std::string& dom, const std::string& tag, const std::string& id) {
  const auto attr = dom.find(" id=\"" + id + "\"");
  if (attr == std::string::npos) return "";
  const auto start = dom.rfind("<" + tag + " ", attr);
  if (start == std::string::npos || dom.find('>', start) < attr) return "";
  const auto end = dom.find("</" + tag + ">", start);
  return end == std::string::npos ? "" : dom.substr(start, end + tag.size() + 3 - start);
}

/// `html` with its tags removed (entities stay as Chromium wrote them).
inline std::string textOf(const std::string& html) {
  std::string text;
  bool inTag = false;
  for (const char c : html) {
    if (c == '<') inTag = true;
    else if (c == '>') inTag = false;
    else if (!inTag) text += c;
  }
  return text;
}

/// The text of each <td> of a table row.
inline std::vector<std::string> cellsOf(const std::string& row) {
  std::vector<std::string> cells;
  for (auto at = row.find("<td"); at != std::string::npos; at = row.find("<td", at + 1)) {
    const auto open = row.find('>', at);
    const auto close = row.find("</td>", open);
    cells.push_back(textOf(row.substr(open + 1, close - open - 1)));
  }
  return cells;
}

/// How many times `needle` occurs in `text`.
inline std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace rill_ui_test
