# rill::kafka: rill over Kafka (include <rill/kafka.hpp>), an opt-in INTERFACE
# target defined, exported and installed only when librdkafka is found at
# configure time (through pkg-config "rdkafka", or else by name). A program that
# links only rill::rill links nothing of Kafka. Installed consumers ask for it
# with find_package(rill COMPONENTS kafka).
include_guard(GLOBAL)
include(RillComponent)

option(RILL_BUILD_KAFKA_TESTS "Build the Kafka tests (tests/kafka; they need librdkafka)" OFF)

find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(RDKAFKA QUIET rdkafka)
endif()
if(RDKAFKA_FOUND)
  find_library(RILL_RDKAFKA_LIBRARY NAMES rdkafka HINTS ${RDKAFKA_LIBRARY_DIRS})
  set(RILL_RDKAFKA_INCLUDE_DIRS ${RDKAFKA_INCLUDE_DIRS})
else()
  find_library(RILL_RDKAFKA_LIBRARY rdkafka)
  find_path(RILL_RDKAFKA_INCLUDE_DIR librdkafka/rdkafka.h)
  if(RILL_RDKAFKA_INCLUDE_DIR)
    set(RILL_RDKAFKA_INCLUDE_DIRS "${RILL_RDKAFKA_INCLUDE_DIR}")
  else()
    set(RILL_RDKAFKA_LIBRARY RILL_RDKAFKA_LIBRARY-NOTFOUND)
  endif()
endif()

if(RILL_RDKAFKA_LIBRARY)
  rill_add_component(kafka)
  # librdkafka by its full path, so the installed target needs no lookup of its own.
  target_link_libraries(rill_kafka INTERFACE "${RILL_RDKAFKA_LIBRARY}")
  if(RILL_RDKAFKA_INCLUDE_DIRS)
    target_include_directories(rill_kafka SYSTEM INTERFACE ${RILL_RDKAFKA_INCLUDE_DIRS})
  endif()

  rill_install_component(kafka rillKafkaTargets "${CMAKE_CURRENT_LIST_DIR}/rillKafkaConfig.cmake")
  message(STATUS "rill: librdkafka found (${RILL_RDKAFKA_LIBRARY}), rill::kafka available")
elseif(RILL_BUILD_KAFKA_TESTS)
  message(FATAL_ERROR "rill: RILL_BUILD_KAFKA_TESTS is ON but librdkafka was not found (Debian: librdkafka-dev)")
else()
  message(STATUS "rill: librdkafka not found, no rill::kafka target (Debian: librdkafka-dev)")
endif()
