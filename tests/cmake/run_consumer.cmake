# Builds and runs the first program of README.md (examples/first/) the way a
# user of gofer would. Run by the package.* tests in tests/CMakeLists.txt:
#
#   cmake -DMODE=find_package|add_subdirectory -DGOFER_SOURCE_DIR=...
#         -DGOFER_BINARY_DIR=... -DGOFER_VERSION=x.y.z -DWORK_DIR=... -DPYTHON=...
#         [-DCONFIG=...] [-DGENERATOR=...] [-DCXX_COMPILER=...] [-DCXX_FLAGS=...]
#         [-DGOFER_WERROR=ON] -P run_consumer.cmake
#
# The project is copied to WORK_DIR/first as it is, with one line added at
# its end that includes consumer/targets.cmake (the package tests' own
# programs), so that one build of gofer checks both.
# find_package:     installs GOFER_BINARY_DIR into WORK_DIR/prefix and builds
#                   the project with CMAKE_PREFIX_PATH pointing there (and no
#                   third_party/gofer to fall back on).
# add_subdirectory: links GOFER_SOURCE_DIR in as the project's
#                   third_party/gofer, and keeps find_package(gofer) from
#                   finding an installed one.
# Either way `first` must print what its `Output:` comment says (checked by
# tests/docs/run_example.py), gofer_consumer this build's version, and
# gofer_fmt_consumer (gofer/fmt.hpp, with {fmt} linked by the consumer) Go's
# text for a received duration.
cmake_minimum_required(VERSION 3.25)

foreach(_var IN ITEMS MODE GOFER_SOURCE_DIR GOFER_BINARY_DIR GOFER_VERSION WORK_DIR PYTHON)
  if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${_var}=... is required")
  endif()
endforeach()
if(NOT MODE MATCHES "^(find_package|add_subdirectory)$")
  message(FATAL_ERROR "run_consumer.cmake: MODE must be find_package or add_subdirectory")
endif()

# Runs one step, echoing the command; stops the script on the first failure
# with the step's name, so the ctest log says what broke.
function(run_step name)
  message(STATUS "[${MODE}] ${name}")
  execute_process(COMMAND ${ARGN} COMMAND_ECHO STDOUT RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "[${MODE}] ${name} failed (${rc})")
  endif()
endfunction()

# Start clean so that a stale install or cache cannot make the test pass.
file(REMOVE_RECURSE "${WORK_DIR}")
set(_source_dir "${WORK_DIR}/first")
set(_build_dir "${WORK_DIR}/build")
file(COPY "${GOFER_SOURCE_DIR}/examples/first/CMakeLists.txt"
  "${GOFER_SOURCE_DIR}/examples/first/main.cpp" DESTINATION "${_source_dir}")
file(APPEND "${_source_dir}/CMakeLists.txt"
  "include(\"${CMAKE_CURRENT_LIST_DIR}/consumer/targets.cmake\")  # added by run_consumer.cmake\n")

set(_configure_args
  -S "${_source_dir}"
  -B "${_build_dir}"
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
if(GENERATOR)
  list(APPEND _configure_args -G "${GENERATOR}")
endif()
if(CXX_COMPILER)
  list(APPEND _configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(CONFIG)
  list(APPEND _configure_args "-DCMAKE_BUILD_TYPE=${CONFIG}")
endif()

if(MODE STREQUAL "find_package")
  set(_prefix "${WORK_DIR}/prefix")
  set(_install_args --install "${GOFER_BINARY_DIR}" --prefix "${_prefix}")
  if(CONFIG)
    list(APPEND _install_args --config "${CONFIG}")
  endif()
  run_step("install gofer" "${CMAKE_COMMAND}" ${_install_args})
  # Only the fresh install may satisfy find_package(gofer), never a build tree
  # or a copy installed elsewhere on the machine.
  list(APPEND _configure_args
    "-DCMAKE_PREFIX_PATH=${_prefix}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    "-DEXPECTED_GOFER_DIR=${_prefix}")
else()
  file(MAKE_DIRECTORY "${_source_dir}/third_party")
  file(CREATE_LINK "${GOFER_SOURCE_DIR}" "${_source_dir}/third_party/gofer" SYMBOLIC)
  list(APPEND _configure_args
    -DCMAKE_DISABLE_FIND_PACKAGE_gofer=ON
    "-DGOFER_WERROR=${GOFER_WERROR}")
endif()

run_step("configure consumer" "${CMAKE_COMMAND}" ${_configure_args})
set(_build_args --build "${_build_dir}")
if(CONFIG)
  list(APPEND _build_args --config "${CONFIG}")
endif()
run_step("build consumer" "${CMAKE_COMMAND}" ${_build_args})

# The path of one of the project's programs: multi-config generators put it
# in a per-config folder.
function(program_path name out)
  set(_program "${_build_dir}/${name}")
  if(CONFIG AND NOT EXISTS "${_program}" AND NOT EXISTS "${_program}.exe")
    set(_program "${_build_dir}/${CONFIG}/${name}")
  endif()
  set(${out} "${_program}" PARENT_SCOPE)
endfunction()

# The first program prints what its `Output:` comment says.
program_path(first _first)
run_step("run first" "${PYTHON}" "${GOFER_SOURCE_DIR}/tests/docs/run_example.py"
  --source "${GOFER_SOURCE_DIR}/examples/first/main.cpp" -- "${_first}")

# Runs one of the consumer's programs; it must exit with 0 and print `expected`.
function(run_program name expected)
  program_path(${name} _program)
  message(STATUS "[${MODE}] run ${name}")
  execute_process(COMMAND "${_program}"
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  message("${_out}${_err}")
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "[${MODE}] ${name} exited with ${_rc}")
  endif()
  string(FIND "${_out}" "${expected}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "[${MODE}] ${name} did not print '${expected}'")
  endif()
endfunction()
run_program(gofer_consumer "gofer ${GOFER_VERSION}")
run_program(gofer_fmt_consumer "gofer/fmt.hpp: 1.5s true")
message(STATUS "[${MODE}] ok")
