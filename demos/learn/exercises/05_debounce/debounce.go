// Exercise 5.2, debouncing (docs/learn/exercises.md): events come in
// bursts; handle each burst once, as a batch, when no event has come for
// 200 ms. One timer, reset by every event; its case is off (a nil channel)
// while no batch is pending.
package main

import (
	"fmt"
	"time"
)

var start = time.Now()

func at() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

func debounce(events <-chan int, quiet time.Duration) {
	timer := time.NewTimer(quiet)
	timer.Stop()
	var fire <-chan time.Time // nil while no batch is pending
	var batch []int
	for {
		select {
		case e, ok := <-events:
			if !ok {
				if len(batch) > 0 { // closed: handle what is pending at once
					fmt.Println("handle", batch, "at", at())
				}
				return
			}
			fmt.Println("event", e, "at", at())
			batch = append(batch, e)
			// Before Go 1.23 a timer that fired must be drained before Reset;
			// since 1.23, timer.Reset(quiet) alone is enough.
			if fire != nil && !timer.Stop() {
				<-timer.C
			}
			timer.Reset(quiet)
			fire = timer.C
		case <-fire:
			fmt.Println("handle", batch, "at", at())
			batch, fire = nil, nil
		}
	}
}

func main() {
	events := make(chan int)
	go func() {
		for i, gap := range []time.Duration{0, 100, 100, 400, 100} { // at 0, 100, 200, 600, 700ms
			time.Sleep(gap * time.Millisecond)
			events <- i + 1
		}
		time.Sleep(500 * time.Millisecond)
		close(events)
	}()
	debounce(events, 200*time.Millisecond)
}

// Output:
// event 1 at 0s
// event 2 at 100ms
// event 3 at 200ms
// handle [1 2 3] at 400ms
// event 4 at 600ms
// event 5 at 700ms
// handle [4 5] at 900ms
