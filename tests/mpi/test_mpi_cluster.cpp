// MpiCluster's collectives on as many ranks as mpiexec started (or one, without
// a launcher): exact contents of allToAll, allGather and broadcast, empty and
// multi-round exchanges (a small round size forces many rounds without
// allocating gigabytes), mismatched operations, and failures rethrown on every
// rank. Plain main: prints each failed check and exits non-zero.
//
//   test_mpi_cluster --expect-ranks N            the checks
//   test_mpi_cluster --expect-ranks 2 --rank-1-skips-a-barrier
//       rank 1 leaves out a barrier: rank 0 prints the timeout and the job ends
#include <rill/exec/trivial_bytes.hpp>
#include <rill/mpi.hpp>

#include "cluster_test_support.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

using cluster_test::Bytes;
using cluster_test::contains;
using cluster_test::messageOf;
using rill::mpi::MpiCluster;

int failures = 0;

void expect(const MpiCluster& c, bool ok, const std::string& what) {
  if (ok) return;
  ++failures;
  std::fprintf(stderr, "rank %zu of %zu: FAILED: %s\n", c.rank(), c.size(), what.c_str());
}

void checkExchanges(MpiCluster& c, std::size_t scale, const std::string& label) {
  const std::size_t me = c.rank(), n = c.size();
  expect(c, c.allToAll("allToAll", cluster_test::sendsOf(me, n, scale)) == cluster_test::receivesOf(me, n, scale),
         "allToAll " + label);
  expect(c, c.allGather("allGather", cluster_test::rankBytes(me, scale)) == cluster_test::gathered(n, scale),
         "allGather " + label);
  for (std::size_t root = 0; root < n; ++root) {
    const Bytes data = cluster_test::rankBytes(root + 1, scale * 3 + 1);
    const Bytes ignored = me == root ? data : Bytes("not the root's");
    expect(c, c.broadcast("broadcast", root, ignored) == data, "broadcast from " + std::to_string(root) + " " + label);
  }
  c.barrier("barrier");
}

void checkRounds(MpiCluster& c) {
  expect(c, contains(messageOf<std::invalid_argument>([&] { c.setRoundBytes(0); }), "round size must be"), "round size 0 refused");
  c.setRoundBytes(1000);  // ~4 KB to 80 KB per pair: dozens of rounds
  checkExchanges(c, 20'000, "in rounds of 1000 bytes");
  c.setRoundBytes(1);  // one byte per round: fewer bytes than ranks
  checkExchanges(c, 3, "in rounds of 1 byte");
  c.setRoundBytes(c.rank() == 0 ? 1000 : 3000);  // a round size of each rank's own: the smallest counts
  checkExchanges(c, 20'000, "in rounds of 1000 bytes on rank 0 and 3000 on the others");
  c.setRoundBytes(rill::mpi::kMaxRoundBytes);
}

void checkEndlessTimeout(MpiCluster& c) {
  c.setTimeout(std::chrono::milliseconds::max());  // Long.MaxValue milliseconds: wait as long as it takes
  if (c.rank() == 1) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the others wait for it
  checkExchanges(c, 1000, "with a timeout of Long.MaxValue ms");
  c.setTimeout(std::chrono::milliseconds(60'000));
}

void checkMismatch(MpiCluster& c) {
  if (c.size() < 2) return;
  const std::string m = messageOf<rill::SparkException>([&] {
    if (c.rank() == 0)
      c.allGather("collect", "x");
    else
      c.allToAll("reduceByKey", std::vector<Bytes>(c.size()));
  });
  expect(c,
         contains(m, "rank 0 called 'collect' (allGather, collective #") &&
             contains(m, " while rank 1 called 'reduceByKey' (allToAll, collective #"),
         "mismatch names both operations: " + m);
  c.barrier("after the mismatch");  // every rank stopped at the same collective: still usable
}

struct CustomError : std::exception {
  const char* what() const noexcept override { return "custom failure"; }
};

void checkFailures(MpiCluster& c) {
  const std::size_t last = c.size() - 1;
  c.agreeOnFailure("no failure", nullptr);
  const std::string range = "index 7 out of range on rank " + std::to_string(last);
  std::exception_ptr mine;
  if (c.rank() == last) mine = std::make_exception_ptr(std::out_of_range(range));
  expect(c, messageOf<std::out_of_range>([&] { c.agreeOnFailure("one rank failed", mine); }) == range,
         "out_of_range kept on every rank");

  mine = nullptr;
  if (c.rank() == 0) mine = std::make_exception_ptr(CustomError());
  if (c.rank() == last && last > 0) mine = std::make_exception_ptr(rill::IoError("later rank"));
  const std::string custom = messageOf<rill::SparkException>([&] { c.agreeOnFailure("two ranks failed", mine); });
  expect(c, contains(custom, "CustomError: custom failure"), "the lowest rank's unknown type named: " + custom);

  mine = c.rank() == last ? std::make_exception_ptr(rill::IoError("rill: disk full")) : nullptr;
  expect(c, messageOf<rill::IoError>([&] { c.agreeOnFailure("io", mine); }) == "rill: disk full", "IoError kept");
}

void checkTrivialPairs(MpiCluster& c) {
  using Pair = std::pair<long, double>;
  std::vector<Bytes> send(c.size());
  for (std::size_t to = 0; to < c.size(); ++to) {
    std::vector<Pair> values;
    for (std::size_t i = 0; i < to + c.rank(); ++i) values.emplace_back(static_cast<long>(c.rank() * 100 + i), 0.5 * i);
    rill::exec::appendTrivial<Pair>(send[to], values);
  }
  const std::vector<Bytes> got = c.allToAll("pairs", std::move(send));
  for (std::size_t from = 0; from < c.size(); ++from) {
    std::vector<Pair> want;
    for (std::size_t i = 0; i < from + c.rank(); ++i) want.emplace_back(static_cast<long>(from * 100 + i), 0.5 * i);
    expect(c, rill::exec::readTrivial<Pair>(got[from]) == want, "pairs from rank " + std::to_string(from));
  }
}

int skipABarrier(MpiCluster& c) {
  c.setTimeout(std::chrono::milliseconds(1500));
  c.allGather("hello", "");
  if (c.rank() == 1) return 0;
  try {
    c.barrier("sync");
  } catch (const rill::SparkException& e) {
    std::printf("rank %zu caught: %s\n", c.rank(), e.what());
    std::fflush(stdout);
  }
  return 0;  // the cluster's destructor ends the job: a collective was abandoned
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t expectRanks = 0;
  bool skip = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--expect-ranks" && i + 1 < argc)
      expectRanks = static_cast<std::size_t>(std::atoi(argv[++i]));
    else if (arg == "--rank-1-skips-a-barrier")
      skip = true;
  }
  try {
    MpiCluster c;
    expect(c, c.size() == expectRanks, "cluster size " + std::to_string(c.size()));
    if (skip) return skipABarrier(c);
    c.setTimeout(std::chrono::milliseconds(60'000));
    checkExchanges(c, 1000, "of up to 4 KB");
    checkExchanges(c, 0, "of empty buffers");
    checkExchanges(c, 1 << 20, "of up to 4 MB");
    checkRounds(c);
    checkEndlessTimeout(c);
    checkMismatch(c);
    checkFailures(c);
    checkTrivialPairs(c);
    c.barrier("end");
    if (c.rank() == 0) std::printf("%s on %zu ranks\n", failures == 0 ? "passed" : "FAILED", c.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    return 2;
  }
  return failures == 0 ? 0 : 1;
}
