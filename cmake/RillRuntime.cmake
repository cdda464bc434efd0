# rill_compile_runtime(<target>...)
#
# Compiles rill's runtime once, into the static library rill_runtime, and links
# each <target> to it. rill is header-only, so by default every source file that
# includes it also compiles its non-template runtime: the context, the thread
# pool, collectives, the streaming scheduler, checkpoints (rill/core/runtime.hpp).
# Linked through this function, a target's source files see only the declarations
# of that runtime (RILL_SEPARATE_COMPILATION) and compile faster; the figures are
# in docs/benchmarks.md. Templates, and with them everything about a program's
# own types, stay in the headers either way.
#
# All of a program's source files must be compiled the same way: link every
# target of the program that includes rill through this function. The targets
# must link rill::rill; rill_runtime is compiled with the flags of the directory
# that first calls this function.
#
#   find_package(rill CONFIG REQUIRED)
#   add_executable(app main.cpp)
#   target_link_libraries(app PRIVATE rill::rill)
#   rill_compile_runtime(app)
include_guard(GLOBAL)

function(rill_compile_runtime)
  if(NOT TARGET rill_runtime)
    add_library(rill_runtime STATIC "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/rill_runtime.cpp")
    target_link_libraries(rill_runtime PUBLIC rill::rill)
    target_compile_definitions(rill_runtime PUBLIC RILL_SEPARATE_COMPILATION)
  endif()
  foreach(target IN LISTS ARGN)
    if(NOT TARGET "${target}")
      message(FATAL_ERROR "rill_compile_runtime: '${target}' is not a target")
    endif()
    target_link_libraries(${target} PRIVATE rill_runtime)
  endforeach()
endfunction()
