// Exercise 9.2, a rate limiter that allows bursts (docs/learn/exercises.md):
// a bucket of at most 3 tokens, one more every 100 ms; each request takes
// a token, and waits for one when the bucket is empty. The bucket is a
// buffered channel, filled by a ticker.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	at := func() time.Duration { return time.Since(start).Round(50 * time.Millisecond) }

	tokens := make(chan struct{}, 3) // the bucket: at most 3 tokens
	for i := 0; i < 3; i++ {
		tokens <- struct{}{} // it starts full
	}
	done := make(chan struct{})
	defer close(done) // stops the refill goroutine
	go func() {
		ticker := time.NewTicker(100 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-ticker.C:
				select {
				case tokens <- struct{}{}:
				default: // the bucket is full: this token is lost
				}
			case <-done:
				return
			}
		}
	}()

	request := func(n int) {
		<-tokens
		fmt.Println("request", n, "at", at())
	}
	for n := 1; n <= 6; n++ {
		request(n)
	}
	time.Sleep(350 * time.Millisecond) // quiet: the bucket fills up again, to 3
	for n := 7; n <= 10; n++ {
		request(n)
	}
}

// Output:
// request 1 at 0s
// request 2 at 0s
// request 3 at 0s
// request 4 at 100ms
// request 5 at 200ms
// request 6 at 300ms
// request 7 at 650ms
// request 8 at 650ms
// request 9 at 650ms
// request 10 at 700ms
