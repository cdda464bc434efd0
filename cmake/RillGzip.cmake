# rill::gzip: reading gzip-compressed input (.gz) with textFile and
# wholeTextFiles (include <rill/io/gzip.hpp> and call rill::io::enableGzip()),
# an opt-in INTERFACE target defined, exported and installed only when zlib is
# found. A program that links only rill::rill links no zlib. Installed
# consumers ask for it with find_package(rill COMPONENTS gzip).
include_guard(GLOBAL)

find_package(ZLIB QUIET)
if(TARGET ZLIB::ZLIB)
  add_library(rill_gzip INTERFACE)
  add_library(rill::gzip ALIAS rill_gzip)
  set_target_properties(rill_gzip PROPERTIES EXPORT_NAME gzip)
  target_link_libraries(rill_gzip INTERFACE rill ZLIB::ZLIB)
  install(TARGETS rill_gzip EXPORT rillGzipTargets)
  install(EXPORT rillGzipTargets NAMESPACE rill:: DESTINATION lib/cmake/rill)
  install(FILES "${CMAKE_CURRENT_LIST_DIR}/rillGzipConfig.cmake" DESTINATION lib/cmake/rill)
  message(STATUS "rill: zlib found, rill::gzip available")
else()
  message(STATUS "rill: zlib not found, no rill::gzip target (Debian: zlib1g-dev)")
endif()
