// Exercise 5.2, debouncing (docs/learn/exercises.md): events come in
// bursts; handle each burst once, as a batch, when no event has come for
// 100 ms. One timer, reset by every event; its case is off (a nil channel)
// while no batch is pending.
package main

import (
	"fmt"
	"time"
)

var start = time.Now()

func at() time.Duration { return time.Since(start).Round(50 * time.Millisecond) }

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
		for i, gap := range []time.Duration{0, 50, 50, 200, 50} { // at 0, 50, 100, 300, 350ms
			time.Sleep(gap * time.Millisecond)
			events <- i + 1
		}
		time.Sleep(250 * time.Millisecond)
		close(events)
	}()
	debounce(events, 100*time.Millisecond)
}

// Output:
// event 1 at 0s
// event 2 at 50ms
// event 3 at 100ms
// handle [1 2 3] at 200ms
// event 4 at 300ms
// event 5 at 350ms
// handle [4 5] at 450ms
