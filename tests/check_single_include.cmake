# cmake -DREPO=<repo root> -DTMP=<scratch file> -P check_single_include.cmake
# Fails when single_include/rill.hpp is stale; fix with: tools/amalgamate
execute_process(COMMAND bash "${REPO}/tools/amalgamate" --output "${TMP}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "tools/amalgamate failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${TMP}" "${REPO}/single_include/rill.hpp"
  RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "single_include/rill.hpp is stale: run tools/amalgamate and commit the result")
endif()
