// A timeout is one more case: time.After returns a channel that receives
// once the time is up.
package main

import (
	"fmt"
	"time"
)

// fetch delivers a result after delay. The channel has room for it, so the
// goroutine can finish even if nobody receives any more (with an unbuffered
// channel it would block forever after a timeout: a goroutine leak).
func fetch(delay time.Duration) <-chan string {
	result := make(chan string, 1)
	go func() {
		time.Sleep(delay)
		result <- fmt.Sprint("result after ", delay)
	}()
	return result
}

func main() {
	for _, delay := range []time.Duration{50 * time.Millisecond, 200 * time.Millisecond} {
		select {
		case r := <-fetch(delay):
			fmt.Println(r)
		case <-time.After(100 * time.Millisecond):
			fmt.Println("timed out after 100ms")
		}
	}
}

// Output:
// result after 50ms
// timed out after 100ms
