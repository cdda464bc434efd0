#pragma once
// rill over MPI (opt-in: CMake target rill::mpi). A program creates one
// rill::mpi::MpiCluster at the start of main and runs the same code on every
// rank: `mpirun -np 4 prog`, or `prog` alone as a single rank.
#include <rill/mpi/mpi_cluster.hpp>
