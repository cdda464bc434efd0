# cmake -DEXE=... -DARGS=a;b -P expect_usage_error.cmake
# A usage error must exit with code 2, say what is wrong on stderr followed by
# the usage, and print nothing on stdout.
execute_process(COMMAND "${EXE}" ${ARGS}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "${EXE} ${ARGS}: exit code '${rc}', expected 2\nstderr:\n${err}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "${EXE} ${ARGS}: printed on stdout:\n${out}")
endif()
if(NOT err MATCHES "^[a-z_]+: .+\n\nusage: ")
  message(FATAL_ERROR "${EXE} ${ARGS}: stderr is not '<program>: <problem>' and the usage:\n${err}")
endif()
