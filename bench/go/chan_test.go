// Go twins of chan_bench's PingPong, ChanProdCons1024 and SpawnJoin100k, so
// one table can hold Go, gofer and Boost. Run from this folder:
//
//	go test -run '^$' -bench . -cpu 1,2 -count 3
//
// -cpu sets GOMAXPROCS (chan_bench's threads:N). One op is what chan_bench
// counts: a round trip, a message, a goroutine.
package bench

import (
	"sync/atomic"
	"testing"
)

// Ping-pong over two unbuffered channels; ns per round trip.
func BenchmarkPingPong(b *testing.B) {
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ping <- 1
		<-pong
	}
	b.StopTimer()
	close(ping)
}

// One producer (the benchmark goroutine) and one consumer over a channel of
// capacity 1024; ns per message. The consumer's final drain is not timed.
func BenchmarkChanProdCons1024(b *testing.B) {
	ch := make(chan int, 1024)
	done := make(chan int64, 1)
	go func() {
		var received int64
		for v := range ch {
			received += int64(v)
		}
		done <- received
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ch <- 1
	}
	b.StopTimer()
	close(ch)
	if got := <-done; got != int64(b.N) {
		b.Fatalf("consumer got %d of %d messages", got, b.N)
	}
}

const spawnCount = 100_000

// Starts goroutines in batches of 100k, all alive at once; the last of a
// batch to finish signals. One op is one goroutine, so ns/op is ns per
// goroutine, as chan_bench counts it.
func BenchmarkSpawnJoin100k(b *testing.B) {
	done := make(chan struct{}, 1)
	var left int64
	batch := func(n int) {
		atomic.StoreInt64(&left, int64(n))
		for i := 0; i < n; i++ {
			go func() {
				if atomic.AddInt64(&left, -1) == 0 {
					done <- struct{}{}
				}
			}()
		}
		<-done
	}
	batch(spawnCount) // untimed warm-up, as in chan_bench
	b.ResetTimer()
	for n := 0; n < b.N; n += spawnCount {
		if b.N-n < spawnCount {
			batch(b.N - n)
		} else {
			batch(spawnCount)
		}
	}
}
