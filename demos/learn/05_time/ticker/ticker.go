// A Ticker sends the time on its channel every period. A slow receiver does
// not get a queue of ticks: at most one tick waits for it, and the others
// are dropped. (Since Go 1.23, cap(ticker.C) is 0: the runtime keeps the one
// pending tick itself, and hands it over when the receiver comes.)
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	at := func(t time.Time) time.Duration { return t.Sub(start).Round(50 * time.Millisecond) }

	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop() // a ticker runs until stopped
	for i := 1; i <= 3; i++ {
		tick := <-ticker.C // the value: the time the tick was due (Go 1.23; before, when it was sent)
		fmt.Printf("tick due at %v, received at %v\n", at(tick), at(time.Now()))
		if i == 1 {
			// Slow work: the tick due at 200ms waits for the receiver,
			// the one due at 300ms finds a tick already pending and is
			// dropped.
			time.Sleep(250 * time.Millisecond)
		}
	}
}

// Output:
// tick due at 100ms, received at 100ms
// tick due at 200ms, received at 350ms
// tick due at 400ms, received at 400ms
