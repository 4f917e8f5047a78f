// A generator: a function that starts a goroutine and returns the channel
// the goroutine talks on (Rob Pike, "Go Concurrency Patterns", 2012). The
// channel is a handle on a service; main talks to two of them in turn.
// Pike's talkers sleep a random time; these sleep a fixed one.
package main

import (
	"fmt"
	"time"
)

// boring returns a receive-only channel; the goroutine behind it sends a
// message every d, for as long as someone receives.
func boring(msg string, d time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := 0; ; i++ {
			time.Sleep(d)
			c <- fmt.Sprintf("%s %d", msg, i)
		}
	}()
	return c // the caller gets the channel; the goroutine runs on
}

func main() {
	joe := boring("Joe", 300*time.Millisecond)
	ann := boring("Ann", 100*time.Millisecond)
	for i := 0; i < 3; i++ {
		fmt.Println(<-joe) // in turn: Ann is faster, but waits for Joe
		fmt.Println(<-ann)
	}
	fmt.Println("You're both boring; I'm leaving.")
}

// Output:
// Joe 0
// Ann 0
// Joe 1
// Ann 1
// Joe 2
// Ann 2
// You're both boring; I'm leaving.
