# Part of rill's installed package: rill::kafka for find_package(rill COMPONENTS
# kafka). Installed only if rill was built with librdkafka, whose library the
# target names by its full path; without this file the kafka component is
# reported missing.
if("kafka" IN_LIST rill_FIND_COMPONENTS)
  include("${CMAKE_CURRENT_LIST_DIR}/rillKafkaTargets.cmake")
  set(rill_kafka_FOUND TRUE)
endif()
