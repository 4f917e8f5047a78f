// Go twins of chan_bench's Chain, SpawnJoinWaitGroup and StrandedWake, with
// the same names and the same op. Run from this folder:
//
//	go test -run '^$' -bench 'Chain|SpawnJoinWaitGroup|StrandedWake' -cpu 1,2
package bench

import (
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A demand-driven chain (the shape of Go's power-series programs): depth
// goroutines in a line, each pair joined by an unbuffered request and an
// unbuffered reply channel. The benchmark goroutine sends a request into the
// head; each stage forwards it to the next and forwards the reply back; the
// last stage answers. One op is one hop, one goroutine handing to the next:
// a request and its reply make 2 x depth hops. ns per hop.
func benchmarkChain(b *testing.B, depth int) {
	requests := make([]chan int, depth)
	replies := make([]chan int, depth)
	for i := range requests {
		requests[i] = make(chan int)
		replies[i] = make(chan int)
	}
	for i := 0; i+1 < depth; i++ {
		go func(request, reply, nextRequest, nextReply chan int) {
			for v := range request {
				nextRequest <- v
				reply <- <-nextReply
			}
			close(nextRequest)
		}(requests[i], replies[i], requests[i+1], replies[i+1])
	}
	go func(request, reply chan int) {
		for v := range request {
			reply <- v + 1
		}
	}(requests[depth-1], replies[depth-1])
	hops := 2 * depth
	rounds := (b.N + hops - 1) / hops // as chan_bench's KeepRunningBatch(hops)
	value := 0
	b.ResetTimer()
	for i := 0; i < rounds; i++ {
		requests[0] <- value
		value = <-replies[0]
	}
	b.StopTimer()
	close(requests[0])
	if value != rounds {
		b.Fatalf("chain: %d replies of %d", value, rounds)
	}
}

func BenchmarkChain(b *testing.B) {
	b.Run("depth:10", func(b *testing.B) { benchmarkChain(b, 10) })
}

// SpawnJoin100k with a sync.WaitGroup, as Go code writes it: wg.Add(1)
// before each goroutine, which calls wg.Done(); wg.Wait() in the benchmark
// goroutine. Batches of 100k; ns per goroutine. bench/compare also reports
// the process's peak RSS.
func BenchmarkSpawnJoinWaitGroup(b *testing.B) {
	b.Run("100k", func(b *testing.B) {
		var wg sync.WaitGroup
		batch := func(n int) {
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					wg.Done()
				}()
			}
			wg.Wait()
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
	})
}

// strandedWork LCG steps: about 1 ms of arithmetic (chan_bench's stranded_work).
const strandedWork = 1_000_000

var computeSink uint64

func compute(steps int) uint64 {
	x := uint64(1)
	for i := 0; i < steps; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// StrandedWake: the benchmark goroutine (main) starts X and spins until X
// runs; X starts Y and parks on a channel receive; Y computes for a fixed
// amount of work without blocking. Once Y is computing, main sends to X and
// blocks until X reports when it resumed. The latency is the time from just
// before the send to X's resumption: ns/op is its mean over the rounds,
// p50-ns and max-ns its median and maximum (as chan_bench's wake_ns,
// wake_p50_ns and wake_max_ns); send-ns is the mean of its first part, the
// send until it returns (as send_ns); compute-ns is Y's mean compute time, for
// scale. chan_bench's twin also checks that X runs on a thread other than
// main's; Go cannot see threads, and with main spinning on one P, X can only
// run on the other. Needs GOMAXPROCS >= 2.
func BenchmarkStrandedWake(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS >= 2")
	}
	epoch := time.Now() // time.Since(epoch) reads the monotonic clock
	wakes := make([]time.Duration, 0, b.N)
	var computeNs, sendNs time.Duration // sendNs: the send until it returns
	for i := 0; i < b.N; i++ {
		wake := make(chan int)
		resumed := make(chan time.Duration, 1)
		computed := make(chan time.Duration, 1)
		var xRunning, yComputing int32
		go func() {
			atomic.StoreInt32(&xRunning, 1)
			go func() {
				atomic.StoreInt32(&yComputing, 1)
				start := time.Now()
				computeSink += compute(strandedWork)
				computed <- time.Since(start)
			}()
			<-wake
			resumed <- time.Since(epoch)
		}()
		for atomic.LoadInt32(&xRunning) == 0 {
		}
		for atomic.LoadInt32(&yComputing) == 0 {
		}
		sent := time.Since(epoch)
		wake <- 1
		sendNs += time.Since(epoch) - sent
		wakes = append(wakes, <-resumed-sent)
		computeNs += <-computed
	}
	sort.Slice(wakes, func(i, j int) bool { return wakes[i] < wakes[j] })
	var wakeNs time.Duration
	for _, w := range wakes {
		wakeNs += w
	}
	b.ReportMetric(float64(wakeNs)/float64(b.N), "ns/op")
	b.ReportMetric(float64(wakes[len(wakes)/2]), "p50-ns")
	b.ReportMetric(float64(wakes[len(wakes)-1]), "max-ns")
	b.ReportMetric(float64(computeNs)/float64(b.N), "compute-ns")
	b.ReportMetric(float64(sendNs)/float64(b.N), "send-ns")
}
