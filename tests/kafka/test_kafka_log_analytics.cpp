// examples/log_analytics --kafka HOST:PORT --topic T against librdkafka's mock
// cluster: the lines of examples/data/access.log are written to the topic
// before the program starts, so its first batch (from the earliest offsets)
// reads all of them and the later ones nothing, whenever the batches fall on
// the system clock. The test reads the program's output until the third
// window (its sixth batch), stops it with SIGTERM as Ctrl-C would, and compares
// that output exactly, each batch time written as its batch's number.
#include "kafka_test_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#if !defined(RILL_LOG_ANALYTICS) || !defined(RILL_ACCESS_LOG)
#error "tests/kafka/CMakeLists.txt passes the paths of log_analytics and examples/data/access.log"
#endif

extern char** environ;

namespace {

using namespace std::chrono_literals;

/// How long the program may take to print its six batches (about 6 s when all is well).
constexpr auto kTimeout = 60s;

std::vector<std::string> linesOf(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

/// A running program whose stdout comes through a pipe; stderr goes to a file.
class Program {
 public:
  Program(std::vector<std::string> args, const std::string& errFile) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    ::posix_spawn_file_actions_addclose(&actions, fds[0]);
    ::posix_spawn_file_actions_addclose(&actions, fds[1]);
    ::posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int spawned = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    REQUIRE(spawned == 0);
  }
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  ~Program() {
    if (pid_ > 0) {  // a failed check left it running
      ::kill(pid_, SIGKILL);
      wait();
    }
    ::close(out_);
  }

  /// Reads stdout until `done(text so far)` or the deadline; false on the deadline or end of output.
  template <class Done>
  bool readUntil(Done done, std::chrono::steady_clock::time_point deadline) {
    while (!done(text_)) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return false;
      pollfd p{out_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return false;
      char buffer[4096];
      const ssize_t n = ::read(out_, buffer, sizeof buffer);
      if (n <= 0) return false;
      text_.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
  }
  const std::string& text() const { return text_; }

  void signal(int sig) { ::kill(pid_, sig); }
  /// Its wait status, once it ended (within `timeout`, else it is killed and the status says so).
  int waitFor(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        status = wait();
        break;
      }
      pollfd p{out_, POLLIN, 0};  // drains stdout meanwhile, so a full pipe never blocks it
      if (::poll(&p, 1, 50) > 0) {
        char buffer[4096];
        const ssize_t n = ::read(out_, buffer, sizeof buffer);
        if (n > 0) text_.append(buffer, static_cast<std::size_t>(n));
      }
    }
    pid_ = -1;
    return status;
  }

 private:
  int wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  std::string text_;
};

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

/// The output up to the end of the third window's client list, each
/// "[YYYY-MM-DD HH:MM:SS UTC]" written "[batch k]", k counted from the first batch.
std::string throughThirdWindow(const std::string& text) {
  static const std::regex stamp(R"(^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\] )");
  std::istringstream in(text);
  std::string out;
  std::vector<std::string> seen;  // the batch times, in order of appearance
  int windows = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, stamp)) {
      if (windows == 3) break;  // the batch after the third window
      if (seen.empty() || seen.back() != m[1].str()) seen.push_back(m[1].str());
      line = "[batch " + std::to_string(seen.size()) + "] " + m.suffix().str();
    }
    if (line == "  top 10 client IPs:") ++windows;
    out += line + "\n";
  }
  return out;
}

// Batch 1 holds all 23 lines; the windows (4 s, sliding every 2 s) end at
// batches 2, 4 and 6: the first two hold batch 1, the third none. The totals
// are those of examples/expected/log_analytics_input.txt after its last batch.
const std::string kExpected = R"([batch 1] batch: 23 lines (malformed: 4)
[batch 1] since start: 19 requests, 4xx 15.8%, 5xx 15.8% (malformed lines: 4)
[batch 2] batch: 0 lines (malformed: 0)
[batch 2] since start: 19 requests, 4xx 15.8%, 5xx 15.8% (malformed lines: 4)
[batch 2] last 4 s, by status: 2xx=11 3xx=2 4xx=3 5xx=3
  top 10 paths:
       6  /api/orders
       6  /index.html
       2  /about.html
       2  /static/site.css
       1  /.env
       1  /admin
       1  /wp-login.php
  top 10 client IPs:
       6  192.168.1.10
       4  192.168.1.11
       4  192.168.1.12
       3  192.168.1.13
       2  192.168.1.14
[batch 3] batch: 0 lines (malformed: 0)
[batch 3] since start: 19 requests, 4xx 15.8%, 5xx 15.8% (malformed lines: 4)
[batch 4] batch: 0 lines (malformed: 0)
[batch 4] since start: 19 requests, 4xx 15.8%, 5xx 15.8% (malformed lines: 4)
[batch 4] last 4 s, by status: 2xx=11 3xx=2 4xx=3 5xx=3
  top 10 paths:
       6  /api/orders
       6  /index.html
       2  /about.html
       2  /static/site.css
       1  /.env
       1  /admin
       1  /wp-login.php
  top 10 client IPs:
       6  192.168.1.10
       4  192.168.1.11
       4  192.168.1.12
       3  192.168.1.13
       2  192.168.1.14
[batch 5] batch: 0 lines (malformed: 0)
[batch 5] since start: 19 requests, 4xx 15.8%, 5xx 15.8% (malformed lines: 4)
[batch 6] batch: 0 lines (malformed: 0)
[batch 6] since start: 19 requests, 4xx 15.8%, 5xx 15.8% (malformed lines: 4)
[batch 6] last 4 s, by status: 2xx=0 3xx=0 4xx=0 5xx=0
  top 10 paths:
          (none)
  top 10 client IPs:
          (none)
)";

}  // namespace

TEST_CASE("log_analytics --kafka reads a topic with the direct stream and prints each batch and window") {
  rill_kafka_test::Cluster cluster;
  cluster.mock.createTopic("logs", 1);
  const auto lines = linesOf(RILL_ACCESS_LOG);
  REQUIRE(lines.size() == 23);
  cluster.produce("logs", 0, lines);

  Program program({RILL_LOG_ANALYTICS, "--kafka", cluster.mock.bootstrapServers(), "--topic", "logs"},
                  "log_analytics.err");
  const bool printed = program.readUntil([](const std::string& text) { return occurrences(text, "client IPs:") >= 3; },
                                         std::chrono::steady_clock::now() + kTimeout);
  program.signal(SIGTERM);  // Ctrl-C's graceful stop
  const int status = program.waitFor(kTimeout);
  CHECK(printed);
  CHECK(throughThirdWindow(program.text()) == kExpected);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::ifstream err("log_analytics.err");
  const std::string errors((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  CHECK(errors.find("reading Kafka topic logs on " + cluster.mock.bootstrapServers() + "; Ctrl-C to stop\n") !=
        std::string::npos);
}
