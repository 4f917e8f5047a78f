// Go twins of chan_bench's workloads that Go's runtime has no benchmark for:
// Select2 (select over two channels), Skynet, MemBlocked100k and Idle, with
// the same names and the same op as chan_bench. Run from this folder:
//
//	go test -run '^$' -bench 'Select2|Skynet' -cpu 1,2
//	go test -run '^$' -bench 'MemBlocked100k' -benchtime 1x   # peak RSS: see bench/compare
package bench

import (
	"sync"
	"sync/atomic"
	"testing"
)

// A goroutine sends round-robin on two channels of capacity cap; the
// benchmark goroutine selects a receive over both. ns per select. Like
// chan_bench, the producer stops and closes both channels after the timing.
func benchmarkSelect2(b *testing.B, capacity int) {
	chans := [2]chan int{make(chan int, capacity), make(chan int, capacity)}
	var stop int32
	go func() {
		for i := 0; atomic.LoadInt32(&stop) == 0; i++ {
			chans[i%2] <- 1
		}
		close(chans[0])
		close(chans[1])
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		select {
		case <-chans[0]:
		case <-chans[1]:
		}
	}
	b.StopTimer()
	atomic.StoreInt32(&stop, 1)
	for {
		var ok bool
		select {
		case _, ok = <-chans[0]:
		case _, ok = <-chans[1]:
		}
		if !ok {
			return
		}
	}
}

func BenchmarkSelect2(b *testing.B) {
	b.Run("cap:0", func(b *testing.B) { benchmarkSelect2(b, 0) })
	b.Run("cap:128", func(b *testing.B) { benchmarkSelect2(b, 128) })
}

const (
	skynetLeaves = 1_000_000
	skynetSum    = skynetLeaves * (skynetLeaves - 1) / 2
)

// Skynet (github.com/atemerev/skynet): a node over `size` leaves starts 10
// children over a tenth each and sends the sum of their answers to its
// parent on an unbuffered channel; a leaf sends its number.
func skynet(parent chan<- int64, num, size int64) {
	if size == 1 {
		parent <- num
		return
	}
	children := make(chan int64)
	childSize := size / 10
	for i := int64(0); i < 10; i++ {
		go skynet(children, num+i*childSize, childSize)
	}
	var sum int64
	for i := 0; i < 10; i++ {
		sum += <-children
	}
	parent <- sum
}

// One op is one whole tree of 1,111,111 goroutines.
func BenchmarkSkynet(b *testing.B) {
	for i := 0; i < b.N; i++ {
		root := make(chan int64)
		go skynet(root, 0, skynetLeaves)
		if sum := <-root; sum != skynetSum {
			b.Fatalf("skynet: got %d, want %d", sum, int64(skynetSum))
		}
	}
}

const blockedCount = 100_000

// 100k goroutines blocked at once on one channel's receive, then released by
// close. bench/compare runs it once in a process of its own and subtracts
// Idle's peak RSS from this one's.
func BenchmarkMemBlocked100k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		block := make(chan struct{})
		var started, finished sync.WaitGroup
		started.Add(blockedCount)
		finished.Add(blockedCount)
		for g := 0; g < blockedCount; g++ {
			go func() {
				started.Done()
				<-block
				finished.Done()
			}()
		}
		started.Wait()
		close(block)
		finished.Wait()
	}
}

// The baseline for MemBlocked100k's peak RSS: the test binary, doing nothing.
func BenchmarkIdle(b *testing.B) {
	for i := 0; i < b.N; i++ {
	}
}
