# cmake -DEXE=checkpoint_restart -DMPIEXEC=mpiexec -DMPIFLAGS=f;g -DNP=n -DDIR=dir -P kill_restart.cmake
# The checkpointed job (checkpoint_restart.cpp) on NP ranks, killed with SIGKILL
# after batch 4 and restarted with as many ranks, prints for batches 5 to 8
# exactly what one process of NP threads prints running batches 1 to 8 without
# a break; restarted on NP + 1 ranks it is refused with a message naming both.
include("${CMAKE_CURRENT_LIST_DIR}/bounded_run.cmake")
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}")
bounded_run("${EXE} alone" COMMAND "${EXE}" "${DIR}/alone" 8 --threads ${NP} OUTPUT_VARIABLE alone)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} alone exited with '${rc}'")
endif()
bounded_run("${EXE} on ${NP} ranks with --kill"
            COMMAND "${MPIEXEC}" -n ${NP} ${MPIFLAGS} "${EXE}" "${DIR}/ranks" 4 --kill OUTPUT_QUIET ERROR_QUIET)
if(rc EQUAL 0)
  message(FATAL_ERROR "${EXE} on ${NP} ranks with --kill exited with 0")
endif()
bounded_run("${EXE} restarted on ${NP} ranks"
            COMMAND "${MPIEXEC}" -n ${NP} ${MPIFLAGS} "${EXE}" "${DIR}/ranks" 8 OUTPUT_VARIABLE resumed)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} restarted on ${NP} ranks exited with '${rc}'")
endif()
string(FIND "${alone}" "\n5000 " at)
if(at EQUAL -1)
  message(FATAL_ERROR "${EXE} alone printed no batch at 5000 ms:\n${alone}")
endif()
math(EXPR at "${at} + 1")
string(SUBSTRING "${alone}" ${at} -1 after)
if(NOT resumed STREQUAL "restored 4000\n${after}")
  message(FATAL_ERROR "${EXE} restarted on ${NP} ranks printed something else than alone\n"
    "--- alone ---\n${alone}--- restarted on ${NP} ranks ---\n${resumed}")
endif()
math(EXPR more "${NP} + 1")
bounded_run("${EXE} on ${more} ranks"
            COMMAND "${MPIEXEC}" -n ${more} ${MPIFLAGS} "${EXE}" "${DIR}/ranks" 8 OUTPUT_QUIET ERROR_VARIABLE refused)
string(FIND "${refused}" "was written by a job of ${NP} processes; this one has ${more}" named)
if(rc EQUAL 0 OR named EQUAL -1)
  message(FATAL_ERROR "${EXE} on ${more} ranks was not refused (exit '${rc}'):\n${refused}")
endif()
