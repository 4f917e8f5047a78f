# cmake -DPROGRAM=<exe> -DARGS=<a;b> -DSVG=<out> -DEXPECTED=<checked-in svg> -P check_timeline.cmake
#
# Runs a monitor program with --timeline SVG and fails unless the picture it
# draws is byte for byte the one checked in under docs/learn/. To refresh the
# checked-in picture after a deliberate change, copy SVG over EXPECTED.
# On one thread (GOFER_MAXPROCS=1), so that checkers stopping at the same
# virtual instant are drawn in one order every run.
set(ENV{GOFER_MAXPROCS} 1)
execute_process(COMMAND "${PROGRAM}" ${ARGS} --timeline "${SVG}"
  RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${SVG}" "${EXPECTED}"
  RESULT_VARIABLE differs)
if(differs)
  message(FATAL_ERROR "${SVG} differs from ${EXPECTED}; if the change is meant, copy it there")
endif()
