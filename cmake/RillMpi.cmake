# rill::mpi: rill over MPI (include <rill/mpi.hpp>), an opt-in INTERFACE target
# defined, exported and installed only when MPI is found at configure time. A
# program that links only rill::rill links nothing of MPI.
# Installed consumers ask for it with find_package(rill COMPONENTS mpi).
include_guard(GLOBAL)
include(RillComponent)

option(RILL_BUILD_MPI_TESTS "Build the MPI tests and run them under mpiexec (needs MPI)" OFF)

# The project enables no C compiler, so MPI is looked up through its C++
# component, with the deprecated C++ bindings switched off: rill calls MPI's C
# interface only.
set(MPI_CXX_SKIP_MPICXX ON CACHE BOOL "rill uses MPI's C interface only")
find_package(MPI QUIET COMPONENTS CXX)

if(MPI_CXX_FOUND)
  rill_add_component(mpi)
  target_link_libraries(rill_mpi INTERFACE MPI::MPI_CXX)
  rill_install_component(mpi rillMpiTargets "${CMAKE_CURRENT_LIST_DIR}/rillMpiConfig.cmake")
  message(STATUS "rill: MPI ${MPI_CXX_VERSION} found, rill::mpi available")
elseif(RILL_BUILD_MPI_TESTS)
  message(WARNING "rill: RILL_BUILD_MPI_TESTS is ON but MPI was not found: no MPI tests")
else()
  message(STATUS "rill: MPI not found, no rill::mpi target")
endif()
