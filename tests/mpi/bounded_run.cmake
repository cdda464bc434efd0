# bounded_run(<what> <execute_process arguments>...), for the MPI test scripts:
# execute_process with a TIMEOUT of 120 s and its exit status in `rc`. A run
# still going then is killed and fails the test, naming <what>, rather than
# leaving a non-zero `rc` a script could take for the failure it expects.
macro(bounded_run what)
  execute_process(${ARGN} TIMEOUT 120 RESULT_VARIABLE rc)
  if(rc STREQUAL "Process terminated due to timeout")
    message(FATAL_ERROR "${what} did not finish within 120 s and was killed")
  endif()
endmacro()
