# cmake -DEXE=prog -DARGS=a;b -DMPIEXEC=mpiexec -DMPIFLAGS=f;g -DNP=n -DOUT=prefix -P same_as_one_process.cmake
# Runs `prog ARGS` alone (one rank) and under `mpiexec -n NP MPIFLAGS prog ARGS`, and
# fails unless both exit 0 and print the same, non-empty, stdout.
include("${CMAKE_CURRENT_LIST_DIR}/bounded_run.cmake")
bounded_run("${EXE} alone" COMMAND "${EXE}" ${ARGS} OUTPUT_FILE "${OUT}.alone")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} alone exited with '${rc}'")
endif()
bounded_run("${EXE} on ${NP} ranks" COMMAND "${MPIEXEC}" -n ${NP} ${MPIFLAGS} "${EXE}" ${ARGS} OUTPUT_FILE "${OUT}.np${NP}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} on ${NP} ranks exited with '${rc}'")
endif()
file(READ "${OUT}.alone" alone)
file(READ "${OUT}.np${NP}" ranks)
if(alone STREQUAL "")
  message(FATAL_ERROR "${EXE} printed nothing")
endif()
if(NOT alone STREQUAL ranks)
  message(FATAL_ERROR "${EXE} on ${NP} ranks printed something else than alone\n"
    "--- alone (${OUT}.alone) ---\n${alone}--- ${NP} ranks (${OUT}.np${NP}) ---\n${ranks}")
endif()
