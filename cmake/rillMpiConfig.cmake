# Part of rill's installed package: rill::mpi for find_package(rill COMPONENTS mpi),
# which also finds MPI the way rill's build found it. Installed only if rill was
# built with MPI; without this file the mpi component is reported missing.
if("mpi" IN_LIST rill_FIND_COMPONENTS)
  set(MPI_CXX_SKIP_MPICXX ON CACHE BOOL "rill uses MPI's C interface only")
  find_dependency(MPI COMPONENTS CXX)
  include("${CMAKE_CURRENT_LIST_DIR}/rillMpiTargets.cmake")
  set(rill_mpi_FOUND TRUE)
endif()
