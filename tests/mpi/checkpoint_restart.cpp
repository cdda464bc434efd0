// The checkpointed, windowed and stateful job of distributed_checkpoint_job.hpp
// as one MPI process of a job (or alone, as one rank):
//   checkpoint_restart DIR UNTIL [--kill] [--threads N]
// runs it from its checkpoint in DIR (getOrCreate) up to batch UNTIL; rank 0
// then prints "restored <ms>" (or "restored none") and each batch it ran as
// "<ms> <outputs>". With --kill rank 0 kills itself with SIGKILL after batch
// UNTIL has been checkpointed, and mpiexec ends the job: what a crash leaves.
#include <rill/mpi.hpp>

#include "distributed_checkpoint_job.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: checkpoint_restart DIR UNTIL [--kill] [--threads N]\n";
    return 2;
  }
  const std::string dir = argv[1];
  const std::int64_t until = std::stoll(argv[2]);
  bool kill = false;
  int threads = 1;
  for (int i = 3; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--kill")
      kill = true;
    else if (arg == "--threads" && i + 1 < argc)
      threads = std::stoi(argv[++i]);
  }
  rill::mpi::MpiCluster cluster;  // first: MPI starts here (one rank without mpiexec)
  rill::SparkContext sc(
      rill::SparkConf().setAppName("checkpoint_restart").setMaster("local[" + std::to_string(threads) + "]"), cluster);
  try {
    const auto run = dc_test::runJob(sc, dir, until, std::make_shared<rill::StreamingListener>(),
                                     std::chrono::milliseconds(120'000), [kill] {
                                       if (kill) std::raise(SIGKILL);
                                     });
    if (sc.isDriver()) {
      std::cout << "restored " << (run.restored ? std::to_string(*run.restored) : std::string("none")) << '\n';
      for (const auto& [ms, text] : run.out) std::cout << ms << ' ' << text << '\n';
    }
  } catch (const std::exception& e) {
    std::cerr << "rank " << cluster.rank() << ": " << e.what() << '\n';
    return 1;
  }
  return 0;
}
