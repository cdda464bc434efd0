# rill_project_flags(<target>)
# Warnings-as-errors plus the RILL_SANITIZE flags, for rill's own executables
# (tests, examples, benchmarks). Third-party headers (range-v3, doctest,
# benchmark, cereal) come in as SYSTEM includes from imported targets, so they
# do not trip -Werror.
include_guard(GLOBAL)

function(rill_project_flags target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(RILL_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${RILL_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${RILL_SANITIZE})
    if(RILL_SANITIZE MATCHES "undefined")
      # make UBSan findings fatal even if UBSAN_OPTIONS is not set
      target_compile_options(${target} PRIVATE -fno-sanitize-recover=undefined)
    endif()
  endif()
endfunction()
