#include <doctest/doctest.h>

#include <gofer/gofer.hpp>

TEST_CASE("placeholder") { CHECK(gofer::make_chan<int>(1).cap() == 1); }
