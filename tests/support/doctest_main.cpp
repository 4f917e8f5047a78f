// doctest's main(), compiled once (as gofer_doctest_main) and linked into
// every test executable, so that a test file only includes <doctest/doctest.h>
// and holds nothing but test cases.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
