// A Ticker sends the time on its channel every period. A slow receiver does
// not get a queue of ticks: the channel holds one, and the ticks that find it
// full are dropped.
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
		tick := <-ticker.C // the value is the time the tick was sent
		fmt.Printf("tick sent at %v, received at %v\n", at(tick), at(time.Now()))
		if i == 1 {
			// Slow work: the tick at 200ms waits in the channel, the one
			// at 300ms finds it full and is dropped.
			time.Sleep(250 * time.Millisecond)
		}
	}
}

// Output:
// tick sent at 100ms, received at 100ms
// tick sent at 200ms, received at 350ms
// tick sent at 400ms, received at 400ms
