# cmake -DGLOB=<pattern> -DEXPECT=<file> -P expect_saved_text.cmake
# The files matching GLOB (e.g. the part files saveAsTextFiles wrote), read in
# name order and joined, must equal EXPECT byte for byte.
file(GLOB parts LIST_DIRECTORIES false "${GLOB}")
list(SORT parts)
set(actual "")
foreach(part IN LISTS parts)
  file(READ "${part}" text)
  string(APPEND actual "${text}")
endforeach()
file(READ "${EXPECT}" expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "files ${GLOB} differ from ${EXPECT}\n--- expected ---\n${expected}--- actual ---\n${actual}")
endif()
