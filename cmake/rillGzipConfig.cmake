# Part of rill's installed package: rill::gzip for find_package(rill COMPONENTS
# gzip). Installed only if rill was built with zlib; without this file the gzip
# component is reported missing.
if("gzip" IN_LIST rill_FIND_COMPONENTS)
  include(CMakeFindDependencyMacro)
  find_dependency(ZLIB)
  include("${CMAKE_CURRENT_LIST_DIR}/rillGzipTargets.cmake")
  set(rill_gzip_FOUND TRUE)
endif()
