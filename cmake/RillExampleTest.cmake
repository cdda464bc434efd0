# rill_example_test(NAME <test-name> EXAMPLE <target> [ARGS <arg>...]
#                   EXPECT_FILE <file> [WORKING_DIRECTORY <dir>])
# Registers a CTest test that runs the example executable with ARGS and
# compares its stdout byte for byte with EXPECT_FILE (relative paths are taken
# from the calling CMakeLists' source dir). stderr is ignored; a non-zero exit
# code fails the test.
include_guard(GLOBAL)

set(_RILL_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "")

function(rill_example_test)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME;EXAMPLE;EXPECT_FILE;WORKING_DIRECTORY" "ARGS")
  if(NOT ARG_NAME OR NOT ARG_EXAMPLE OR NOT ARG_EXPECT_FILE)
    message(FATAL_ERROR "rill_example_test: NAME, EXAMPLE and EXPECT_FILE are required")
  endif()
  cmake_path(ABSOLUTE_PATH ARG_EXPECT_FILE BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
             OUTPUT_VARIABLE expect)
  if(NOT ARG_WORKING_DIRECTORY)
    set(ARG_WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  # Arguments travel as a ';'-list; escape them for the -D transport.
  string(REPLACE ";" "\\;" args_escaped "${ARG_ARGS}")
  add_test(NAME ${ARG_NAME}
    COMMAND ${CMAKE_COMMAND}
      "-DEXE=$<TARGET_FILE:${ARG_EXAMPLE}>"
      "-DARGS=${ARG_ARGS}"
      "-DEXPECT=${expect}"
      "-DOUT=${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}.actual"
      -P "${_RILL_CMAKE_DIR}/RunExampleTest.cmake"
    WORKING_DIRECTORY "${ARG_WORKING_DIRECTORY}")
endfunction()
