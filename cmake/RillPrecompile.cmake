# rill_precompile_headers(<target> [HEADERS <header>...] [REUSE_FROM <other-target>])
#
# Compiles rill's headers once per target instead of once per source file:
# a program's own code then compiles in a fraction of the time it takes to
# parse rill (see docs/benchmarks.md). HEADERS are include names as a source
# file writes them between <> (default: rill/rill.hpp; rill/rdd.hpp for a
# program that does not stream); any other header may be added, e.g.
# doctest/doctest.h. The target must link rill::rill. Every source file of the
# target sees the headers as if it included them first.
#
# REUSE_FROM <other-target> uses the header precompiled for <other-target>
# instead (CMake's REUSE_FROM): targets compiled with the same flags share one
# precompiled header, which is how rill's own tests use it.
#
#   find_package(rill CONFIG REQUIRED)
#   add_executable(app main.cpp)
#   target_link_libraries(app PRIVATE rill::rill)
#   rill_precompile_headers(app HEADERS rill/rdd.hpp)
include_guard(GLOBAL)

function(rill_precompile_headers target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "REUSE_FROM" "HEADERS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "rill_precompile_headers: unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "rill_precompile_headers: '${target}' is not a target")
  endif()
  if(ARG_REUSE_FROM)
    if(ARG_HEADERS)
      message(FATAL_ERROR "rill_precompile_headers: HEADERS and REUSE_FROM exclude each other")
    endif()
    target_precompile_headers(${target} REUSE_FROM ${ARG_REUSE_FROM})
    return()
  endif()
  if(NOT ARG_HEADERS)
    set(ARG_HEADERS rill/rill.hpp)
  endif()
  set(headers "")
  foreach(header IN LISTS ARG_HEADERS)
    # target_precompile_headers takes <name> for an include-path header;
    # a bare name would be read as a file relative to the current directory.
    if(NOT header MATCHES "^[<\"]")
      set(header "<${header}>")
    endif()
    list(APPEND headers "${header}")
  endforeach()
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()
