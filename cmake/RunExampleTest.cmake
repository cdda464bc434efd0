# cmake -DEXE=... -DARGS=a;b -DEXPECT=file -DOUT=file -P RunExampleTest.cmake
execute_process(COMMAND "${EXE}" ${ARGS}
  OUTPUT_FILE "${OUT}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "example ${EXE} exited with '${rc}'")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${OUT}" "${EXPECT}"
  RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  file(READ "${OUT}" actual)
  file(READ "${EXPECT}" expected)
  message(FATAL_ERROR "stdout of ${EXE} differs from ${EXPECT}\n"
    "--- expected ---\n${expected}--- actual (${OUT}) ---\n${actual}")
endif()
