// Rate limiting (after Go by Example's "Rate Limiting"): a ticker lets one
// request through every 100ms; a buffered channel of ticks lets a burst of
// three through at once, then one every 100ms.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	elapsed := func() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

	requests := make(chan int, 5)
	for i := 1; i <= 5; i++ {
		requests <- i
	}
	close(requests)

	limiter := time.Tick(100 * time.Millisecond)
	for req := range requests {
		<-limiter // waits for the next tick
		fmt.Println("request", req, "at", elapsed())
	}

	start = time.Now()
	burstyLimiter := make(chan time.Time, 3)
	for i := 0; i < 3; i++ {
		burstyLimiter <- time.Now() // a burst of three, allowed at once
	}
	go func() {
		for t := range time.Tick(100 * time.Millisecond) {
			burstyLimiter <- t // then one more every 100ms
		}
	}()

	burstyRequests := make(chan int, 5)
	for i := 1; i <= 5; i++ {
		burstyRequests <- i
	}
	close(burstyRequests)
	for req := range burstyRequests {
		<-burstyLimiter
		fmt.Println("bursty request", req, "at", elapsed())
	}
}

// Output:
// request 1 at 100ms
// request 2 at 200ms
// request 3 at 300ms
// request 4 at 400ms
// request 5 at 500ms
// bursty request 1 at 0s
// bursty request 2 at 0s
// bursty request 3 at 0s
// bursty request 4 at 100ms
// bursty request 5 at 200ms
