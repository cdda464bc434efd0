#pragma once
// The example programs' command line: `--flag` and `--option VALUE`, each
// filling a variable whose type (bool, int, double, std::string) says how the
// value is read, plus `--help`. One parser for every example, so they all
// answer the same way: --help prints the usage on stdout and exits 0; an
// unknown flag or a bad value prints the problem and the usage on stderr and
// exits 2 (the shell convention for usage errors).
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace examples {

/// What the command line asks for, when it is not simply "run".
struct ParseOutcome {
  enum class Kind { Run, Help, Error };
  Kind kind = Kind::Run;
  std::string problem;  // for Kind::Error
};

/// Reads all of `text` as a T (a number must be the whole string, so "3x" is an error).
template <class T>
bool parseValue(std::string_view text, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    out = std::string(text);
    return !text.empty();
  } else {
    static_assert(std::is_arithmetic_v<T>, "examples::CommandLine options are bool, numbers or std::string");
    T value{};
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end) return false;
    out = value;
    return true;
  }
}

class CommandLine {
 public:
  /// `usageLine`: the synopsis after the program name; `summary`: what it does.
  CommandLine(std::string program, std::string usageLine, std::string summary)
      : program_(std::move(program)), usageLine_(std::move(usageLine)), summary_(std::move(summary)) {}

  /// --name: sets `target` to true.
  CommandLine& flag(std::string name, bool& target, std::string help) {
    entries_.push_back({std::move(name), "", std::move(help), [&target](std::string_view) {
                          target = true;
                          return true;
                        }});
    return *this;
  }

  /// --name VALUE: reads VALUE into `target`; its value now is shown as the default.
  template <class T>
  CommandLine& option(std::string name, T& target, std::string metavar, std::string help) {
    if (!isUnset(target)) help += " (default " + show(target) + ")";
    entries_.push_back({std::move(name), std::move(metavar), std::move(help),
                        [&target](std::string_view text) { return parseValue(text, target); }});
    return *this;
  }

  /// Fills the targets; says whether to run, show the help, or report a problem.
  ParseOutcome tryParse(int argc, const char* const* argv) const {
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      if (arg == "--help" || arg == "-h") return {ParseOutcome::Kind::Help, ""};
      const Entry* e = find(arg);
      if (!e) return error("unknown argument '" + std::string(arg) + "'");
      std::string_view value;
      if (!e->metavar.empty()) {
        if (i + 1 >= argc) return error(std::string(arg) + " needs a value (" + e->metavar + ")");
        value = argv[++i];
      }
      if (!e->set(value)) return error("bad value '" + std::string(value) + "' for " + std::string(arg));
    }
    return {};
  }

  /// tryParse, then act on it: --help exits 0, a problem exits 2.
  void parse(int argc, const char* const* argv) const {
    const ParseOutcome outcome = tryParse(argc, argv);
    if (outcome.kind == ParseOutcome::Kind::Help) {
      std::cout << usage();
      std::exit(0);
    }
    if (outcome.kind == ParseOutcome::Kind::Error) fail(outcome.problem);
  }

  /// A usage error found after parsing (values that do not go together).
  [[noreturn]] void fail(const std::string& problem) const {
    std::cerr << program_ << ": " << problem << "\n\n" << usage();
    std::exit(2);
  }
  /// fail(problem) unless `ok`.
  void require(bool ok, const std::string& problem) const {
    if (!ok) fail(problem);
  }

  std::string usage() const {
    std::string text = "usage: " + program_ + " " + usageLine_ + "\n\n" + summary_ + "\n\noptions:\n";
    for (const auto& e : entries_) {
      std::string left = "  " + e.name + (e.metavar.empty() ? "" : " " + e.metavar);
      left.resize(std::max<std::size_t>(left.size() + 2, kHelpColumn), ' ');
      text += left + e.help + "\n";
    }
    text += "  --help" + std::string(kHelpColumn - 8, ' ') + "show this help and exit\n";
    return text;
  }

 private:
  static constexpr std::size_t kHelpColumn = 26;

  struct Entry {
    std::string name, metavar, help;  // an empty metavar: a flag without a value
    std::function<bool(std::string_view)> set;
  };

  const Entry* find(std::string_view name) const {
    for (const auto& e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  }
  static ParseOutcome error(std::string problem) { return {ParseOutcome::Kind::Error, std::move(problem)}; }

  template <class T>
  static bool isUnset(const T& v) {
    if constexpr (std::is_same_v<T, std::string>) return v.empty();
    else return v == T{};
  }
  template <class T>
  static std::string show(const T& v) {
    std::ostringstream os;
    os << v;
    return os.str();
  }

  std::string program_, usageLine_, summary_;
  std::vector<Entry> entries_;
};

}  // namespace examples
