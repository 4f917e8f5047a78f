// The leak in Pike's First: the losing replicas send on an unbuffered
// channel that nobody receives from again, and block forever. A buffer with
// room for every replica lets them finish; a context stops them as soon as
// the first answer is in. runtime.NumGoroutine() counts what is left.
package main

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

type Result string
type Search func(ctx context.Context, query string) Result

func fakeSearch(kind string, latency time.Duration) Search {
	return func(ctx context.Context, query string) Result {
		select {
		case <-time.After(latency):
			return Result(kind + " result")
		case <-ctx.Done(): // only firstCancel's context is ever cancelled
			return Result(kind + " cancelled")
		}
	}
}

// firstLeaky is Pike's First: the losers block on c forever.
func firstLeaky(query string, replicas ...Search) Result {
	c := make(chan Result)
	for i := range replicas {
		go func(i int) { c <- replicas[i](context.Background(), query) }(i)
	}
	return <-c
}

// firstBuffered gives every replica room to send: the losers finish.
func firstBuffered(query string, replicas ...Search) Result {
	c := make(chan Result, len(replicas))
	for i := range replicas {
		go func(i int) { c <- replicas[i](context.Background(), query) }(i)
	}
	return <-c
}

// firstCancel also cancels the losers as it returns.
func firstCancel(ctx context.Context, query string, replicas ...Search) Result {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // the losers see ctx.Done() and return at once
	c := make(chan Result, len(replicas))
	for i := range replicas {
		go func(i int) { c <- replicas[i](ctx, query) }(i)
	}
	return <-c
}

// measure calls first and counts the replicas still running soon after it
// returns, and once each replica has had time to finish.
func measure(name string, first func() Result) {
	before := runtime.NumGoroutine()
	result := first()
	time.Sleep(100 * time.Millisecond)
	soon := runtime.NumGoroutine() - before
	time.Sleep(500 * time.Millisecond) // every replica is done by now
	later := runtime.NumGoroutine() - before
	fmt.Printf("%s: %s; replicas left 100ms later: %d, 600ms later: %d\n",
		name, result, soon, later)
}

func main() {
	replicas := []Search{
		fakeSearch("replica 1", 100*time.Millisecond),
		fakeSearch("replica 2", 300*time.Millisecond),
		fakeSearch("replica 3", 500*time.Millisecond),
	}
	measure("leaky", func() Result { return firstLeaky("golang", replicas...) })
	measure("buffered", func() Result { return firstBuffered("golang", replicas...) })
	measure("cancel", func() Result {
		return firstCancel(context.Background(), "golang", replicas...)
	})
}

// Output:
// leaky: replica 1 result; replicas left 100ms later: 2, 600ms later: 2
// buffered: replica 1 result; replicas left 100ms later: 2, 600ms later: 0
// cancel: replica 1 result; replicas left 100ms later: 0, 600ms later: 0
