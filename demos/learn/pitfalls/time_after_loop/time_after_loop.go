// Pitfall: time.After inside a for-select loop makes a new timer on every
// iteration, so the timeout starts again with each event. Meant as "stop
// waiting after 500ms in all", it fires only once events stop coming for
// 500ms. (Before Go 1.23, each of those timers also stays in memory until
// it fires.) The fix: one timer, made before the loop.
package main

import (
	"fmt"
	"time"
)

var start time.Time

// events sends count events, one every period, into a channel with room for
// all.
func events(period time.Duration, count int) <-chan int {
	ch := make(chan int, count)
	go func() {
		for i := 1; i <= count; i++ {
			time.Sleep(period)
			ch <- i
		}
	}()
	return ch
}

func broken() {
	ch := events(200*time.Millisecond, 5)
	received := 0
	for {
		select {
		case <-ch: // an event: the next iteration makes a new 500ms timer
			received++
		case <-time.After(500 * time.Millisecond):
			fmt.Printf("broken: gave up after %d events, at %.1fs\n", received, time.Since(start).Seconds())
			return
		}
	}
}

func fixed() {
	ch := events(200*time.Millisecond, 5)
	timeout := time.NewTimer(500 * time.Millisecond) // one timer for the whole loop
	defer timeout.Stop()
	received := 0
	for {
		select {
		case <-ch:
			received++
		case <-timeout.C:
			fmt.Printf("fixed: gave up after %d events, at %.1fs\n", received, time.Since(start).Seconds())
			return
		}
	}
}

func main() {
	start = time.Now()
	broken()
	start = time.Now()
	fixed()
}

// Output:
// broken: gave up after 5 events, at 1.5s
// fixed: gave up after 2 events, at 0.5s
