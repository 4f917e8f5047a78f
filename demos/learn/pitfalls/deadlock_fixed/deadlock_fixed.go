// The fix for deadlock.go: the send happens in a goroutine of its own, so
// main is free to receive. (A buffered channel, make(chan string, 1), would
// also let this one send complete without a receiver.)
package main

import "fmt"

func main() {
	results := make(chan string)
	go func() {
		fmt.Println("worker: sending the result")
		results <- "42" // waits until main receives
	}()
	fmt.Println("main: received", <-results)
}

// Output:
// worker: sending the result
// main: received 42
