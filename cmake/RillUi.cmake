# rill::ui: the streaming UI (include <rill/ui.hpp>), an opt-in INTERFACE
# target defined, exported and installed only when cpp-httplib is found at
# configure time: its CMake package "httplib" if there is one, else
# pkg-config "cpp-httplib" (Debian's libcpp-httplib-dev, a compiled library
# whose header must see the same CPPHTTPLIB_* definitions it was built with).
# A program that links only rill::rill links nothing of HTTP. Installed
# consumers ask for it with find_package(rill COMPONENTS ui).
include_guard(GLOBAL)
include(RillComponent)

option(RILL_BUILD_UI_TESTS "Build the streaming UI tests (tests/ui; they need cpp-httplib and chromium)" OFF)

set(RILL_UI_HTTPLIB_PACKAGE OFF)
find_package(httplib CONFIG QUIET)
if(TARGET httplib::httplib)
  set(RILL_UI_HTTPLIB_PACKAGE ON)
else()
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(CPPHTTPLIB QUIET cpp-httplib)
  endif()
  if(CPPHTTPLIB_FOUND)
    find_library(RILL_HTTPLIB_LIBRARY NAMES cpp-httplib HINTS ${CPPHTTPLIB_LIBRARY_DIRS})
  endif()
endif()

if(RILL_UI_HTTPLIB_PACKAGE OR RILL_HTTPLIB_LIBRARY)
  rill_add_component(ui)
  if(RILL_UI_HTTPLIB_PACKAGE)
    target_link_libraries(rill_ui INTERFACE httplib::httplib)
    set(rill_ui_found "cpp-httplib's CMake package")
  else()
    # The library by its full path and the header's definitions as pkg-config
    # gives them, so the installed target needs no lookup of its own.
    target_link_libraries(rill_ui INTERFACE "${RILL_HTTPLIB_LIBRARY}")
    target_compile_options(rill_ui INTERFACE ${CPPHTTPLIB_CFLAGS_OTHER})
    if(CPPHTTPLIB_INCLUDE_DIRS)
      target_include_directories(rill_ui SYSTEM INTERFACE ${CPPHTTPLIB_INCLUDE_DIRS})
    endif()
    set(rill_ui_found "${RILL_HTTPLIB_LIBRARY}")
  endif()

  configure_file("${CMAKE_CURRENT_LIST_DIR}/rillUiConfig.cmake.in" "${CMAKE_CURRENT_BINARY_DIR}/rillUiConfig.cmake" @ONLY)
  rill_install_component(ui rillUiTargets "${CMAKE_CURRENT_BINARY_DIR}/rillUiConfig.cmake")
  message(STATUS "rill: cpp-httplib found (${rill_ui_found}), rill::ui available")
elseif(RILL_BUILD_UI_TESTS)
  message(FATAL_ERROR "rill: RILL_BUILD_UI_TESTS is ON but cpp-httplib was not found (Debian: libcpp-httplib-dev)")
else()
  message(STATUS "rill: cpp-httplib not found, no rill::ui target (Debian: libcpp-httplib-dev)")
endif()
