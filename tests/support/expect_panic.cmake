# cmake -DPROGRAM=<exe> [-DARGS=<a;b;c>] -DEXPECT_STATUS=2 -DEXPECT_STDERR=<regex>
#       [-DEXPECT_STDOUT=<regex>] [-DEXPECT_STDERR_ONCE=<regex>] -P expect_panic.cmake
#
# Runs PROGRAM (with ARGS) and passes only if it exits with EXPECT_STATUS and
# its stderr matches EXPECT_STDERR: a Go-style panic ends the process with
# both, and so does a command line given bad flags (usage, status 2).
# EXPECT_STDERR_ONCE: a pattern stderr must match exactly once (one panic
# reported, whatever a sanitizer adds around it).
execute_process(COMMAND "${PROGRAM}" ${ARGS}
  RESULT_VARIABLE status
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(NOT status STREQUAL "${EXPECT_STATUS}")
  message(FATAL_ERROR "expected exit status ${EXPECT_STATUS}, got '${status}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}':\n${err}")
endif()
if(DEFINED EXPECT_STDERR_ONCE)
  string(REGEX MATCHALL "${EXPECT_STDERR_ONCE}" matches "${err}")
  list(LENGTH matches count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "stderr matches '${EXPECT_STDERR_ONCE}' ${count} times, want once:\n${err}")
  endif()
endif()
if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  message(FATAL_ERROR "stdout does not match '${EXPECT_STDOUT}':\n${out}")
endif()
message(STATUS "exit status ${status}, stderr: ${err}")
