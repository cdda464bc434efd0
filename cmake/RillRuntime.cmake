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
# A target that links one of rill's opt-in parts (rill::mpi, rill::kafka,
# rill::ui) gets that part's runtime too, compiled once into rill_<part>_runtime.
# The parts are looked up at the end of the project's configuration, so
# target_link_libraries may come before or after this call.
#
# All of a program's source files must be compiled the same way: link every
# target of the program that includes rill through this function. The targets
# must link rill::rill; the runtime libraries are compiled with the flags of the
# directory that first calls this function.
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
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _rill_link_part_runtimes)
  endif()
  foreach(target IN LISTS ARGN)
    if(NOT TARGET "${target}")
      message(FATAL_ERROR "rill_compile_runtime: '${target}' is not a target")
    endif()
    target_link_libraries(${target} PRIVATE rill_runtime)
    set_property(GLOBAL APPEND PROPERTY RILL_RUNTIME_TARGETS "${target}")
  endforeach()
endfunction()

# At the end of the configuration: links each target given to rill_compile_runtime
# to the runtime of every part it links, compiled with rill_runtime's options.
function(_rill_link_part_runtimes)
  get_property(targets GLOBAL PROPERTY RILL_RUNTIME_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(libraries ${target} LINK_LIBRARIES)
    foreach(part IN ITEMS mpi kafka ui)
      if(NOT "rill::${part}" IN_LIST libraries)
        continue()
      endif()
      set(library rill_${part}_runtime)
      if(NOT TARGET ${library})
        add_library(${library} STATIC "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/rill_${part}_runtime.cpp")
        target_link_libraries(${library} PUBLIC rill_runtime rill::${part})
        foreach(property IN ITEMS COMPILE_OPTIONS LINK_OPTIONS)
          get_target_property(value rill_runtime ${property})
          if(value)
            set_property(TARGET ${library} PROPERTY ${property} "${value}")
          endif()
        endforeach()
      endif()
      target_link_libraries(${target} PRIVATE ${library})
    endforeach()
  endforeach()
endfunction()
