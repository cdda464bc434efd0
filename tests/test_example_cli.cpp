// Tests for the examples' command-line parser (examples/common/cli.hpp): typed
// values, flags, --help, and the problems reported as usage errors.
#include "../examples/common/cli.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using examples::CommandLine;
using examples::ParseOutcome;

namespace {

struct Parsed {
  ParseOutcome outcome;
  int n = 3;
  double x = 0.5;
  std::string s;
  bool f = false;
};

Parsed parse(std::vector<const char*> args) {
  Parsed p;
  CommandLine cli("prog", "[options]", "A test program.");
  cli.option("--n", p.n, "N", "a count").option("--x", p.x, "X", "a ratio").option("--s", p.s, "S", "a name");
  cli.flag("--f", p.f, "a switch");
  args.insert(args.begin(), "prog");
  p.outcome = cli.tryParse(static_cast<int>(args.size()), args.data());
  return p;
}

}  // namespace

TEST_CASE("options fill their variables by type; absent ones keep their defaults") {
  auto p = parse({"--x", "2.25", "--f", "--s", "web-1"});
  CHECK(p.outcome.kind == ParseOutcome::Kind::Run);
  CHECK(p.n == 3);
  CHECK(p.x == 2.25);
  CHECK(p.s == "web-1");
  CHECK(p.f);
  p = parse({"--n", "-7"});
  CHECK(p.n == -7);
  CHECK(!p.f);
}

TEST_CASE("--help wins over everything, even a bad argument after it") {
  CHECK(parse({"--help", "--bogus"}).outcome.kind == ParseOutcome::Kind::Help);
  CHECK(parse({"--n", "1", "-h"}).outcome.kind == ParseOutcome::Kind::Help);
}

TEST_CASE("problems name the argument") {
  CHECK(parse({"--bogus"}).outcome.problem == "unknown argument '--bogus'");
  CHECK(parse({"--n"}).outcome.problem == "--n needs a value (N)");
  CHECK(parse({"--n", "3x"}).outcome.problem == "bad value '3x' for --n");
  CHECK(parse({"--n", "99999999999"}).outcome.problem == "bad value '99999999999' for --n");
  CHECK(parse({"--x", "fast"}).outcome.problem == "bad value 'fast' for --x");
  CHECK(parse({"--s", ""}).outcome.problem == "bad value '' for --s");
  CHECK(parse({"--n", "4", "--bogus"}).outcome.kind == ParseOutcome::Kind::Error);
}

TEST_CASE("the usage lists every option with its default") {
  int n = 3;
  bool f = false;
  std::string s;
  CommandLine cli("prog", "[options]", "A test program.");
  cli.option("--n", n, "N", "a count").option("--s", s, "S", "a name").flag("--f", f, "a switch");
  CHECK(cli.usage() ==
        "usage: prog [options]\n\nA test program.\n\noptions:\n"
        "  --n N                   a count (default 3)\n"
        "  --s S                   a name\n"
        "  --f                     a switch\n"
        "  --help                  show this help and exit\n");
}
