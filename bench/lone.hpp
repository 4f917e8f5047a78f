// bench/lone.hpp - a value alone on its cache line, for the atomics that one
// goroutine writes or polls while another runs the timed loop.
//
// Why: such an atomic declared as a local lives on a goroutine's stack,
// beside the frames of the loop that writes there every op. At 2 threads the
// other goroutine then pulls that line away every op, and both loops slow
// down though they share nothing else (SelectUncontended, a stop flag on
// main's stack: 31 ns per select at 1 thread, 90-96 ns at 2; on a line of
// its own, 30 ns). Go's twins have no such effect: a variable their
// goroutines share escapes to the heap.
#pragma once

#include <memory>

namespace gofer_bench {

template <class T>
struct alignas(64) lone {
  T value{};
};

// A value-initialized lone<T> on the heap (a goroutine's stack is what it
// must not share a line with); keep the pointer while the value is in use.
template <class T>
std::unique_ptr<lone<T>> make_lone() {
  return std::make_unique<lone<T>>();
}

}  // namespace gofer_bench
