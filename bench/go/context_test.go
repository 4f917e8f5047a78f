// Go twins of context_bench's ContextCancel, CancelFanout10k and
// Errgroup100k, so one table can hold Go and gofer. Run from this folder:
//
//	go test -run '^$' -bench 'Context|Fanout|Errgroup' -cpu 1,2 -count 3
//
// -cpu sets GOMAXPROCS (context_bench's threads:N).
package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// context.WithCancel(context.Background()), then cancel; ns per pair.
func BenchmarkContextCancel(b *testing.B) {
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_ = ctx
	}
}

const fanoutGoroutines = 10000

// 10k goroutines select on one ctx.Done(); ns from cancel() until all 10k
// have observed it (starting them is not timed), and ns/goroutine.
func BenchmarkCancelFanout10k(b *testing.B) {
	var total time.Duration
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		never := make(chan int) // a second case, as a real select has
		allStarted := make(chan struct{}, 1)
		allObserved := make(chan struct{}, 1)
		var started, left int64 = 0, fanoutGoroutines
		for g := 0; g < fanoutGoroutines; g++ {
			go func() {
				if atomic.AddInt64(&started, 1) == fanoutGoroutines {
					allStarted <- struct{}{}
				}
				select {
				case <-ctx.Done():
				case <-never:
				}
				if atomic.AddInt64(&left, -1) == 0 {
					allObserved <- struct{}{}
				}
			}()
		}
		<-allStarted
		time.Sleep(time.Millisecond) // let the last ones reach their select
		b.StartTimer()
		start := time.Now()
		cancel()
		<-allObserved
		total += time.Since(start)
		b.StopTimer()
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N*fanoutGoroutines), "ns/goroutine")
}

// group is golang.org/x/sync/errgroup's Group with WithContext, written out:
// x/sync is not in the standard library and this machine has no network, so
// the benchmark uses the same parts errgroup does (a WaitGroup, a sync.Once
// for the first error, context.WithCancel).
type group struct {
	cancel  context.CancelFunc
	ctx     context.Context
	wg      sync.WaitGroup
	errOnce sync.Once
	err     error
}

func withContext(parent context.Context) *group {
	ctx, cancel := context.WithCancel(parent)
	return &group{cancel: cancel, ctx: ctx}
}

func (g *group) Go(f func(context.Context) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(g.ctx); err != nil {
			g.errOnce.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}

const groupTasks = 100000

// A group runs 100k trivial functions and waits; ns per group, and ns/task.
func BenchmarkErrgroup100k(b *testing.B) {
	var calls int64
	start := time.Now()
	for i := 0; i < b.N; i++ {
		g := withContext(context.Background())
		for t := 0; t < groupTasks; t++ {
			g.Go(func(context.Context) error {
				atomic.AddInt64(&calls, 1)
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*groupTasks), "ns/task")
}
