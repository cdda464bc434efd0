# cmake -DCXX=<compiler> -DSOURCE=<file.cpp> -DINCLUDES=<dir|dir|...> -P run_compile_fail.cmake
#
# A compile-time misuse test: SOURCE's first line is "// EXPECT: <text>". The
# test passes only if compiling SOURCE FAILS and the compiler's diagnostics
# contain <text> (the static_assert message the misuse must produce), so a
# file that breaks for another reason (a typo, a missing include) fails too.
if(NOT CXX OR NOT SOURCE)
  message(FATAL_ERROR "usage: cmake -DCXX=... -DSOURCE=... -DINCLUDES=a|b -P run_compile_fail.cmake")
endif()

# file(READ), not file(STRINGS): the latter would escape a ';' in the message.
file(READ "${SOURCE}" head LIMIT 2000)
if(NOT head MATCHES "^// EXPECT: ([^\n]+)")
  message(FATAL_ERROR "${SOURCE}: the first line must be '// EXPECT: <part of the expected diagnostic>'")
endif()
string(STRIP "${CMAKE_MATCH_1}" expect)

set(include_args "")
string(REPLACE "|" ";" include_dirs "${INCLUDES}")
foreach(dir IN LISTS include_dirs)
  if(dir)
    list(APPEND include_args "-I${dir}")
  endif()
endforeach()

execute_process(
  COMMAND "${CXX}" -std=c++20 -fsyntax-only -fdiagnostics-color=never ${include_args} "${SOURCE}"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
set(diagnostics "${out}${err}")

if(rc EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it must be rejected with: ${expect}")
endif()
string(FIND "${diagnostics}" "${expect}" at)
if(at EQUAL -1)
  string(SUBSTRING "${diagnostics}" 0 4000 head)
  message(FATAL_ERROR "${SOURCE} was rejected, but the diagnostics do not contain\n  ${expect}\n"
                      "First diagnostics:\n${head}")
endif()
message(STATUS "rejected as expected: ${expect}")
