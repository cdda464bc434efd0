# cmake -DEXE=... -DARGS=a;b -P expect_usage_error.cmake
# How an example answers its command line. With ARGS "--help": the usage on
# stdout, nothing on stderr, exit code 0. Otherwise a usage error: exit code 2,
# what is wrong on stderr followed by the usage, and nothing on stdout.
execute_process(COMMAND "${EXE}" ${ARGS}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(ARGS STREQUAL "--help")
  set(expected_rc 0)
  set(quiet "${err}")
  set(usage "${out}")
  set(usage_pattern "^usage: [a-z_]+ .*\n\noptions:\n(.*\n)?  --help +show this help and exit\n$")
else()
  set(expected_rc 2)
  set(quiet "${out}")
  set(usage "${err}")
  set(usage_pattern "^[a-z_]+: .+\n\nusage: ")
endif()
if(NOT rc EQUAL expected_rc)
  message(FATAL_ERROR "${EXE} ${ARGS}: exit code '${rc}', expected ${expected_rc}\nstderr:\n${err}")
endif()
if(NOT quiet STREQUAL "")
  message(FATAL_ERROR "${EXE} ${ARGS}: printed where nothing was expected:\n${quiet}")
endif()
if(NOT usage MATCHES "${usage_pattern}")
  message(FATAL_ERROR "${EXE} ${ARGS}: not the expected usage text:\n${usage}")
endif()
