// Exercise 5.1, a ticker that stops (docs/learn/exercises.md): tick every
// 200 ms and stop after n ticks or at a deadline, whichever comes first.
package main

import (
	"fmt"
	"time"
)

func ticks(n int, deadline time.Duration) {
	start := time.Now()
	ticker := time.NewTicker(200 * time.Millisecond)
	defer ticker.Stop()
	timeout := time.NewTimer(deadline)
	defer timeout.Stop()
	for i := 0; ; {
		select {
		case <-ticker.C:
			i++
			fmt.Println("tick", i, "at", time.Since(start).Round(100*time.Millisecond))
			if i == n {
				fmt.Println("stopped after", n, "ticks")
				return
			}
		case <-timeout.C:
			fmt.Println("deadline after", i, "ticks at", time.Since(start).Round(100*time.Millisecond))
			return
		}
	}
}

func main() {
	ticks(5, 2*time.Second)
	ticks(5, 700*time.Millisecond)
}

// Output:
// tick 1 at 200ms
// tick 2 at 400ms
// tick 3 at 600ms
// tick 4 at 800ms
// tick 5 at 1s
// stopped after 5 ticks
// tick 1 at 200ms
// tick 2 at 400ms
// tick 3 at 600ms
// deadline after 3 ticks at 700ms
