# The helpers that keep gofer's CMakeLists short: every target gets its flags
# from gofer_set_target_options, and a test, demo or benchmark is one call.
include_guard(GLOBAL)

# The one function that owns compiler flags. Warnings are PRIVATE so that
# gofer's -Werror never leaks into a project that links gofer. Sanitizer and
# optimisation flags are not set here: they come from CMakePresets.json through
# CMAKE_CXX_FLAGS, so that every target (and the consumer projects the package
# tests build) is compiled the same way.
function(gofer_set_target_options target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(GOFER_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
    if(GOFER_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  endif()
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
endfunction()

# gofer_use_pch(<target> test|demo)
#
# Makes <target> reuse the precompiled header of its kind (if
# GOFER_PRECOMPILE_HEADERS is on): `test` is <gofer/gofer.hpp> and doctest,
# `demo` is <gofer/gofer.hpp>, <gofer/fmt.hpp> and {fmt}. Each kind's header
# is built once, by an object library of no code (gofer_pch_<kind>) that has
# the flags every target of the kind has; a reusing target must link nothing
# that changes those flags in a way the header depends on, or GCC rejects the
# header (-Winvalid-pch, an error with GOFER_WERROR) instead of compiling
# something different. The headers are only ones each program includes
# anyway, so a file that forgets an include still fails to compile.
function(gofer_use_pch target kind)
  if(NOT GOFER_PRECOMPILE_HEADERS)
    return()
  endif()
  set(origin gofer_pch_${kind})
  if(NOT TARGET ${origin})
    set(source ${PROJECT_BINARY_DIR}/gofer_pch/${kind}.cpp)
    file(WRITE ${source} "// The precompiled header's origin (gofer_use_pch); no code.\n")
    add_library(${origin} OBJECT ${source})
    gofer_set_target_options(${origin})
    if(kind STREQUAL "test")
      target_link_libraries(${origin} PRIVATE gofer::gofer doctest::doctest)
      target_precompile_headers(${origin} PRIVATE <doctest/doctest.h> <gofer/gofer.hpp>)
    elseif(kind STREQUAL "demo")
      target_link_libraries(${origin} PRIVATE gofer::gofer fmt::fmt)
      target_precompile_headers(${origin} PRIVATE <fmt/format.h> <gofer/gofer.hpp>
        <gofer/fmt.hpp>)
    else()
      message(FATAL_ERROR "gofer_use_pch: no precompiled header of kind ${kind}")
    endif()
  endif()
  target_precompile_headers(${target} REUSE_FROM ${origin})
endfunction()

# gofer_add_test(NAME chan_test SOURCES unit/chan_test.cpp LABELS unit [TIMEOUT 300]
#                [LIBRARIES fmt::fmt])
#
# One doctest executable, registered as one CTest test. Running the whole
# executable per test (instead of doctest_discover_tests, one process per
# case) keeps ctest fast; run it directly with doctest's own flags
# (-tc="name", -s) to pick out cases. LIBRARIES are linked besides gofer and
# doctest (fmt::fmt for the test of gofer/fmt.hpp).
function(gofer_add_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;TIMEOUT" "SOURCES;LABELS;LIBRARIES")
  if(NOT arg_NAME OR NOT arg_SOURCES)
    message(FATAL_ERROR "gofer_add_test needs NAME and SOURCES")
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "gofer_add_test: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 120)
  endif()

  add_executable(${arg_NAME} ${arg_SOURCES})
  target_link_libraries(${arg_NAME} PRIVATE gofer::gofer gofer_doctest_main ${arg_LIBRARIES})
  gofer_set_target_options(${arg_NAME})
  if(NOT arg_LIBRARIES)
    gofer_use_pch(${arg_NAME} test)
  endif()

  add_test(NAME ${arg_NAME} COMMAND ${arg_NAME})
  set_tests_properties(${arg_NAME} PROPERTIES TIMEOUT ${arg_TIMEOUT})
  if(arg_LABELS)
    set_tests_properties(${arg_NAME} PROPERTIES LABELS "${arg_LABELS}")
  endif()
endfunction()

# gofer_add_compile_fail_test(NAME send_on_recv_chan
#                             SOURCE compile_fail/send_on_recv_chan.cpp
#                             EXPECT "no member named 'send'|has no member named 'send'")
#
# Proves that misuse does not compile. The source is left out of the normal
# build; the test builds it and passes only if the compiler's output matches
# EXPECT, so a file that fails for some other reason (a typo, a missing
# include) does not pass by accident.
function(gofer_add_compile_fail_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;SOURCE;EXPECT" "")
  if(NOT arg_NAME OR NOT arg_SOURCE OR NOT arg_EXPECT)
    message(FATAL_ERROR "gofer_add_compile_fail_test needs NAME, SOURCE and EXPECT")
  endif()

  add_library(${arg_NAME} OBJECT EXCLUDE_FROM_ALL ${arg_SOURCE})
  target_link_libraries(${arg_NAME} PRIVATE gofer::gofer)
  gofer_set_target_options(${arg_NAME})

  add_test(NAME ${arg_NAME}
    COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target ${arg_NAME} --config $<CONFIG>)
  set_tests_properties(${arg_NAME} PROPERTIES
    PASS_REGULAR_EXPRESSION "${arg_EXPECT}"
    LABELS compile_fail
    TIMEOUT 120
    # Two build tools running in one build tree at once can corrupt its logs.
    RESOURCE_LOCK gofer_build_tree)
endfunction()

# gofer_add_demo(NAME hello SOURCES hello/hello.cpp)
#
# Builds <build>/demos/<name>/<name>: one folder per program, like the source
# tree. The target is gofer_demo_<name> so that short demo names cannot clash
# with a parent project's targets. Demos print as Go programs do, with {fmt}
# and gofer/fmt.hpp, so each links fmt::fmt (found by demos/CMakeLists.txt).
function(gofer_add_demo)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME" "SOURCES")
  if(NOT arg_NAME OR NOT arg_SOURCES)
    message(FATAL_ERROR "gofer_add_demo needs NAME and SOURCES")
  endif()

  set(target gofer_demo_${arg_NAME})
  add_executable(${target} ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE gofer::gofer fmt::fmt)
  gofer_set_target_options(${target})
  gofer_use_pch(${target} demo)
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${arg_NAME}
    RUNTIME_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}")
endfunction()

# gofer_add_bench(NAME chan_bench SOURCES chan_bench.cpp)
#
# A Google Benchmark executable with benchmark's own main(), so a benchmark
# file holds only BENCHMARK(...) definitions.
function(gofer_add_bench)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME" "SOURCES")
  if(NOT arg_NAME OR NOT arg_SOURCES)
    message(FATAL_ERROR "gofer_add_bench needs NAME and SOURCES")
  endif()

  add_executable(${arg_NAME} ${arg_SOURCES})
  target_link_libraries(${arg_NAME} PRIVATE gofer::gofer benchmark::benchmark_main)
  gofer_set_target_options(${arg_NAME})
endfunction()

# gofer_add_example(NAME channels_handoff SOURCES 02_channels/handoff/handoff.cpp
#                   [GO <file>] [PYTHON <file>] [ARGS <args>...])
#
# A teaching example or demo: the C++ program (built as gofer_add_demo does),
# and optionally the same program in Go and in Python, usually beside it in
# its folder (02_channels/handoff/handoff.go). Like SOURCES, the GO and PYTHON
# files are named relative to the calling CMakeLists.txt. Each file ends with an
# `// Output:` comment (`# Output:` in Python) that states what it prints, as
# Go's testable examples do; tests/docs/run_example.py runs each program and
# checks it against its own comment:
#   example.<NAME>         the C++ program, on the virtual clock
#                          (GOFER_VIRTUAL_TIME=1), so it takes no real time;
#                          once on one thread, compared line by line, and
#                          once on four, where lines printed at the same
#                          instant may come in any order (--threads 1,4)
#   example.<NAME>.go      `go run <file>`, in real time, up to three runs
#                          when only its printed times differ (--attempts 3:
#                          a loaded machine can delay a wake past the 50 ms
#                          the printed times round to)
#   example.<NAME>.python  `python3 <file>`, the same way
# The Go and Python runs are left out of sanitizer builds: they do not change
# with the C++ flags, so the plain build runs them once.
function(gofer_add_example)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;GO;PYTHON" "SOURCES;ARGS")
  if(NOT arg_NAME OR NOT arg_SOURCES)
    message(FATAL_ERROR "gofer_add_example needs NAME and SOURCES")
  endif()
  gofer_add_demo(NAME ${arg_NAME} SOURCES ${arg_SOURCES})
  if(NOT GOFER_BUILD_TESTS)
    return()
  endif()

  set(runner ${PROJECT_SOURCE_DIR}/tests/docs/run_example.py)
  list(GET arg_SOURCES 0 main_source)
  add_test(NAME example.${arg_NAME}
    COMMAND ${CMAKE_COMMAND} -E env GOFER_VIRTUAL_TIME=1
      ${Python3_EXECUTABLE} ${runner} --source ${CMAKE_CURRENT_SOURCE_DIR}/${main_source}
      --threads 1,4 -- $<TARGET_FILE:gofer_demo_${arg_NAME}> ${arg_ARGS})
  set_tests_properties(example.${arg_NAME} PROPERTIES LABELS "docs;example" TIMEOUT 60)

  set(script_args)
  if(arg_GO)
    list(APPEND script_args GO ${arg_GO})
  endif()
  if(arg_PYTHON)
    list(APPEND script_args PYTHON ${arg_PYTHON})
  endif()
  if(script_args)
    gofer_add_script_example(NAME ${arg_NAME} ${script_args} ARGS ${arg_ARGS})
  endif()
endfunction()

# gofer_add_script_example(NAME pitfall_never_retrieved
#                          [GO <file> [GO_FLAGS -race]] [PYTHON <file>] [ARGS <args>...])
#
# The Go and Python runs of gofer_add_example (example.<NAME>.go,
# example.<NAME>.python), for a program that has no C++ twin, or whose C++
# twin is a program of another name. GO and PYTHON are relative to the
# calling CMakeLists.txt. GO_FLAGS go between `go run` and the file (`-race`
# runs it under Go's race detector). Left out of sanitizer builds: they do not
# change with the C++ flags, so the plain build runs them once.
function(gofer_add_script_example)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;GO;PYTHON" "GO_FLAGS;ARGS")
  if(NOT arg_NAME OR NOT (arg_GO OR arg_PYTHON))
    message(FATAL_ERROR "gofer_add_script_example needs NAME and GO or PYTHON")
  endif()
  if(NOT GOFER_BUILD_TESTS OR CMAKE_CXX_FLAGS MATCHES "-fsanitize")
    return()
  endif()
  set(runner ${PROJECT_SOURCE_DIR}/tests/docs/run_example.py)
  foreach(language GO PYTHON)
    if(arg_${language})
      cmake_path(ABSOLUTE_PATH arg_${language} BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
    endif()
  endforeach()
  if(arg_GO)
    # Run from the file's folder, so that go finds the module the file is in
    # (demos/go.mod) and compiles it at that module's language version.
    cmake_path(GET arg_GO PARENT_PATH go_folder)
    add_test(NAME example.${arg_NAME}.go
      COMMAND ${CMAKE_COMMAND} -E env GOCACHE=${PROJECT_BINARY_DIR}/go-cache GOFLAGS=-mod=mod
        ${Python3_EXECUTABLE} ${runner} --source ${arg_GO} --attempts 3
        -- ${GOFER_GO_EXECUTABLE} run ${arg_GO_FLAGS} ${arg_GO} ${arg_ARGS}
      WORKING_DIRECTORY ${go_folder})
    # No lock against the other real-time runs: ctest's two jobs bound the
    # load either way (two twins at once load the machine no more than one
    # twin beside a C++ test), and go's build cache is safe for concurrent
    # use. Serialised, the twins were most of the debug preset's test time.
    set_tests_properties(example.${arg_NAME}.go PROPERTIES
      LABELS "docs;example;go" TIMEOUT 120)
  endif()
  if(arg_PYTHON)
    add_test(NAME example.${arg_NAME}.python
      COMMAND ${Python3_EXECUTABLE} ${runner} --source ${arg_PYTHON} --attempts 3
        -- ${Python3_EXECUTABLE} ${arg_PYTHON} ${arg_ARGS})
    set_tests_properties(example.${arg_NAME}.python PROPERTIES
      LABELS "docs;example;python" TIMEOUT 120)
  endif()
endfunction()

# gofer_add_exit_test(NAME panic_test SOURCE unit/panic_main.cpp [ARGS a b]
#                     STATUS 2 STDERR <regex> [STDERR_ONCE <regex>]
#                     [STDOUT <regex>] [TARGET name])
#
# A program that must end a certain way (a Go-style panic or fatal error):
# builds SOURCE (once per TARGET, default NAME), runs it with ARGS and passes
# only if it exits with STATUS and its stderr (and stdout, if given) match;
# STDERR_ONCE is a pattern stderr must match exactly once.
function(gofer_add_exit_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;SOURCE;TARGET;STATUS;STDERR;STDERR_ONCE;STDOUT"
    "ARGS")
  if(NOT arg_NAME OR NOT arg_SOURCE OR NOT DEFINED arg_STATUS OR NOT DEFINED arg_STDERR)
    message(FATAL_ERROR "gofer_add_exit_test needs NAME, SOURCE, STATUS and STDERR")
  endif()
  if(NOT arg_TARGET)
    set(arg_TARGET ${arg_NAME})
  endif()
  if(NOT TARGET ${arg_TARGET})
    add_executable(${arg_TARGET} ${arg_SOURCE})
    target_link_libraries(${arg_TARGET} PRIVATE gofer::gofer)
    gofer_set_target_options(${arg_TARGET})
  endif()
  set(expect_stdout "")
  if(DEFINED arg_STDOUT)
    set(expect_stdout "-DEXPECT_STDOUT=${arg_STDOUT}")
  endif()
  set(expect_once "")
  if(DEFINED arg_STDERR_ONCE)
    set(expect_once "-DEXPECT_STDERR_ONCE=${arg_STDERR_ONCE}")
  endif()
  add_test(NAME ${arg_NAME}
    COMMAND ${CMAKE_COMMAND}
      -DPROGRAM=$<TARGET_FILE:${arg_TARGET}> "-DARGS=${arg_ARGS}"
      -DEXPECT_STATUS=${arg_STATUS}
      "-DEXPECT_STDERR=${arg_STDERR}"
      ${expect_stdout} ${expect_once}
      -P ${PROJECT_SOURCE_DIR}/tests/support/expect_panic.cmake)
  set_tests_properties(${arg_NAME} PROPERTIES LABELS unit TIMEOUT 60)
endfunction()
