# Checks that no public header of gofer reaches a Boost header: users compile
# against gofer's headers alone, and Boost.Fiber and Boost.Context stay the
# library's private business (lib/). Run by the headers.no_boost test in
# tests/CMakeLists.txt:
#
#   cmake -DCXX_COMPILER=... -DSTD_FLAG=-std=c++20 -DINCLUDE_DIRS="a;b"
#         -DHEADERS_DIR=<source>/include -DWORK_DIR=... -P check_public_headers.cmake
#
# Preprocesses, for every include/gofer/**/*.hpp, a file that only includes
# it, as a user would, with -H, which lists each file the preprocessor
# opens; fails if any of those paths has a "boost"
# folder in it. All of Boost, not only boost/fiber and boost/context: no
# public header needs any. (gofer/fmt.hpp includes {fmt}'s headers, which is
# allowed: it is opt-in and its users link {fmt} themselves. So is
# gofer/asio.hpp's Boost.Asio: it is the opt-in bridge to Asio, and must
# include Asio to specialize async_result; gofer.hpp does not include it.)
cmake_minimum_required(VERSION 3.25)

foreach(_var IN ITEMS CXX_COMPILER STD_FLAG HEADERS_DIR WORK_DIR)
  if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
    message(FATAL_ERROR "check_public_headers.cmake: -D${_var}=... is required")
  endif()
endforeach()

set(_include_flags "-I${HEADERS_DIR}")
foreach(_dir IN LISTS INCLUDE_DIRS)
  list(APPEND _include_flags "-I${_dir}")
endforeach()

file(GLOB_RECURSE _headers RELATIVE "${HEADERS_DIR}" "${HEADERS_DIR}/gofer/*.hpp")
list(REMOVE_ITEM _headers "gofer/asio.hpp")
list(SORT _headers)
if(NOT _headers)
  message(FATAL_ERROR "no headers under ${HEADERS_DIR}/gofer")
endif()

file(MAKE_DIRECTORY "${WORK_DIR}")
set(_source "${WORK_DIR}/include_one.cpp")
set(_failures "")
foreach(_header IN LISTS _headers)
  file(WRITE "${_source}" "#include <${_header}>\n")
  execute_process(
    COMMAND "${CXX_COMPILER}" ${STD_FLAG} -E -H ${_include_flags} "${_source}"
      -o "${WORK_DIR}/include_one.ii"
    RESULT_VARIABLE _rc ERROR_VARIABLE _trace)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "preprocessing ${_header} failed (${_rc}):\n${_trace}")
  endif()
  # -H prints one line per opened file: dots for the depth, a space, the path.
  string(REGEX MATCHALL "(^|\n)\\.+ [^\n]*" _opened "${_trace}")
  list(LENGTH _opened _count)
  if(_count EQUAL 0)
    # The header itself is opened at least: -H said nothing we could read.
    message(FATAL_ERROR "no -H output for ${_header}; cannot check it:\n${_trace}")
  endif()
  # The first Boost file, with the chain of includes that reached it.
  set(_chain "")
  set(_boost_files 0)
  foreach(_line IN LISTS _opened)
    string(STRIP "${_line}" _line)
    string(REGEX MATCH "^\\.+" _dots "${_line}")
    string(LENGTH "${_dots}" _depth)
    if(_boost_files EQUAL 0)
      # Keep the includes on the way down to this one: depths 1 .. _depth.
      list(LENGTH _chain _kept)
      while(_kept GREATER_EQUAL _depth)
        list(POP_BACK _chain)
        math(EXPR _kept "${_kept} - 1")
      endwhile()
      list(APPEND _chain "${_line}")
    endif()
    if(_line MATCHES "[/\\\\]boost[/\\\\]")
      math(EXPR _boost_files "${_boost_files} + 1")
    endif()
  endforeach()
  if(_boost_files GREATER 0)
    list(JOIN _chain "\n    " _shown)
    string(APPEND _failures
      "  ${_header} opens ${_boost_files} Boost files; the first, and how:\n    ${_shown}\n")
  else()
    message(STATUS "${_header}: ${_count} files, no Boost")
  endif()
endforeach()

if(_failures)
  message(FATAL_ERROR "public headers must not include Boost headers:\n${_failures}")
endif()
