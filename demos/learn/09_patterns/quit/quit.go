// A quit channel (Pike, "Go Concurrency Patterns"): main tells the talker
// to stop, and waits on the same channel for it to say it has cleaned up.
package main

import (
	"fmt"
	"time"
)

func cleanup() {
	fmt.Println("Joe: cleaning up")
}

func boring(msg string, quit chan string) <-chan string {
	c := make(chan string)
	go func() {
		for i := 0; ; i++ {
			select {
			case c <- fmt.Sprintf("%s %d", msg, i):
				time.Sleep(100 * time.Millisecond)
			case <-quit:
				cleanup()
				quit <- "See you!"
				return
			}
		}
	}()
	return c
}

func main() {
	quit := make(chan string)
	c := boring("Joe", quit)
	for i := 0; i < 3; i++ {
		fmt.Println(<-c)
	}
	quit <- "Bye!"
	fmt.Println("Joe says:", <-quit) // returns once Joe has cleaned up
}

// Output:
// Joe 0
// Joe 1
// Joe 2
// Joe: cleaning up
// Joe says: See you!
