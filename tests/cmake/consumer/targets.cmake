# The package tests' own programs, added to the end of the first program's
# project (examples/first/CMakeLists.txt, the one README.md shows) by
# run_consumer.cmake, so that one configure and one build of gofer check the
# README's project as it is and these:
#   gofer_consumer       hands the version over a channel and prints it;
#   gofer_fmt_consumer   includes gofer/fmt.hpp and links {fmt} itself
#                        (gofer's package brings no {fmt}).

# run_consumer.cmake passes the prefix it installed into; make sure that is
# the gofer we got, not one lying around elsewhere on the machine.
if(EXPECTED_GOFER_DIR)
  cmake_path(IS_PREFIX EXPECTED_GOFER_DIR "${gofer_DIR}" NORMALIZE _from_expected_prefix)
  if(NOT _from_expected_prefix)
    message(FATAL_ERROR "found gofer in ${gofer_DIR}, expected it under ${EXPECTED_GOFER_DIR}")
  endif()
endif()

add_executable(gofer_consumer ${CMAKE_CURRENT_LIST_DIR}/main.cpp)
target_link_libraries(gofer_consumer PRIVATE gofer::gofer)

# gofer/fmt.hpp is opt-in: a program that includes it finds and links {fmt}.
find_package(fmt REQUIRED)
add_executable(gofer_fmt_consumer ${CMAKE_CURRENT_LIST_DIR}/fmt_main.cpp)
target_link_libraries(gofer_fmt_consumer PRIVATE gofer::gofer fmt::fmt)
