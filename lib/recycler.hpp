// lib/recycler.hpp - fixed-size blocks recycled through per-thread caches
// and one shared list (private to the library). Go: the gFree lists of dead
// Gs (a list per P and sched.gFree), and the per-P mcache that serves a
// closure's allocation.
//
// Why not malloc: a goroutine started on one worker usually ends on another
// at two threads or more, and what it allocated at go() (its record, its
// body) is freed there. glibc's free of a block from another thread's arena
// takes that arena's lock, against the owner's next malloc: on a spawn-join
// over two threads, malloc and free were 8-11% of the time.
//
// Each thread keeps up to `limit` free blocks of each recycler and trades
// `batch` at a time with the shared list, which holds at most
// `shared_limit`; what is beyond goes back to malloc. That limit is high (Go
// never frees a g at all): a program that runs 100k goroutines at once and
// then again frees and re-mallocs every block beyond it, and glibc trims
// and re-faults its heap in between. At 8,192, on one thread, that was a
// fifth of Errgroup100k (97-103 ms against 78-85) and of SpawnJoin100k
// (982-1,059 ns against 811-825). A goroutine's record is 192 bytes of
// heap: 128k of them is 24 MiB, kept for reuse after a burst that held
// a gigabyte of stacks.
//
// The per-thread part is trivially destructible, so that it stays usable
// while its thread ends (a goroutine's record may be freed from
// Boost.Fiber's thread-local scheduler destructor); a thread-exit flusher,
// registered on the thread's first deallocate, hands its blocks to the
// shared list and sends later ones to malloc.
//
// AddressSanitizer builds do not recycle: a block used after its owner freed
// it must stay a use-after-free that ASan reports.
#pragma once

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

#include "gofer/detail/spinlock.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define GOFER_RECYCLE_BLOCKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOFER_RECYCLE_BLOCKS 0
#endif
#endif
#ifndef GOFER_RECYCLE_BLOCKS
#define GOFER_RECYCLE_BLOCKS 1
#endif

namespace gofer::detail {

// Blocks of `Size` bytes (aligned as operator new aligns). `Tag` keeps the
// recyclers of different users apart even when their sizes are equal.
template <class Tag, std::size_t Size>
class recycler {
 public:
  static constexpr std::size_t batch = 32;
  static constexpr std::size_t limit = 2 * batch;
  static constexpr std::size_t shared_limit = 128 * 1024;

  static void* allocate() {
#if GOFER_RECYCLE_BLOCKS
    thread_list& own = own_;
    if (own.count == 0 && !own.closing) {
      shared_list& shared = shared_list::instance();
      spinlock_lock lock{shared.lock};
      const std::size_t n = std::min(batch, shared.free.size());
      std::copy(shared.free.end() - static_cast<std::ptrdiff_t>(n), shared.free.end(), own.free);
      shared.free.resize(shared.free.size() - n);
      own.count = n;
    }
    if (own.count > 0) return own.free[--own.count];
#endif
    return ::operator new(Size);
  }

  static void deallocate(void* block) noexcept {
#if GOFER_RECYCLE_BLOCKS
    thread_list& own = own_;
    if (!own.closing) {
      // The first use on this thread registers the flusher for its exit.
      static_cast<void>(&flusher_);
      own.free[own.count++] = block;
      if (own.count <= limit) return;
      // Over the limit: the oldest `batch` (least likely still in this
      // core's cache) go to the shared list.
      shared_list::instance().give(own.free, batch);
      std::copy(own.free + batch, own.free + own.count, own.free);
      own.count -= batch;
      return;
    }
#endif
    ::operator delete(block);
  }

 private:
#if GOFER_RECYCLE_BLOCKS
  struct shared_list {
    // Guards free. A spinlock: each critical section copies at most `batch`
    // pointers, and a mutex here put the thread that spawns and the one
    // where goroutines end to sleep on a futex against each other.
    spinlock lock{lock_rank::leaf};
    std::vector<void*> free;  // capacity shared_limit, reserved once

    static shared_list& instance() {
      // Never destroyed: threads may end after static destructors ran.
      static auto* const shared = [] {
        auto* created = new shared_list;
        created->free.reserve(shared_limit);
        return created;
      }();
      return *shared;
    }

    // Takes `n` blocks; those beyond the shared list's room go back to
    // malloc, after the lock is released.
    void give(void* const* blocks, std::size_t n) noexcept {
      std::size_t k = 0;
      {
        spinlock_lock held{lock};
        for (; k < n && free.size() < free.capacity(); ++k)
          free.push_back(blocks[k]);
      }
      for (; k < n; ++k)
        ::operator delete(blocks[k]);
    }
  };

  // This thread's free blocks, touched only by its own thread.
  struct thread_list {
    void* free[limit + 1];
    std::size_t count;
    bool closing;  // set by the flusher: from then on, malloc
  };

  struct flusher {
    flusher() = default;
    flusher(const flusher&) = delete;
    flusher& operator=(const flusher&) = delete;
    ~flusher() {
      thread_list& own = own_;
      own.closing = true;
      shared_list::instance().give(own.free, own.count);
      own.count = 0;
    }
  };

  static inline thread_local thread_list own_{};
  static inline thread_local flusher flusher_;
#endif
};

}  // namespace gofer::detail
