// time.Sleep parks the goroutine for a while; time.After returns a channel
// that receives once, after a while, which makes a timeout in a select.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	// Rounded, because a real clock never wakes exactly on time.
	elapsed := func() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

	time.Sleep(100 * time.Millisecond)
	fmt.Println("slept until", elapsed())

	// One slot, so the slow server can always deliver and end, even after
	// nobody waits for its reply any more.
	reply := make(chan string, 1)
	go func() {
		time.Sleep(500 * time.Millisecond) // a slow server
		reply <- "pong"
	}()
	select {
	case r := <-reply:
		fmt.Println("reply:", r)
	case <-time.After(200 * time.Millisecond):
		fmt.Println("timed out at", elapsed())
	}
}

// Output:
// slept until 100ms
// timed out at 300ms
