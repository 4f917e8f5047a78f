// An unbuffered channel is a handoff: the send completes only when a
// receiver takes the value, so the two goroutines meet at that point.
package main

import "fmt"

func main() {
	handoff := make(chan int) // unbuffered
	go func() {
		fmt.Println("sending 42")
		handoff <- 42 // waits for the receiver
	}()
	value, ok := <-handoff
	fmt.Printf("received %d (ok=%t)\n", value, ok)
}

// Output:
// sending 42
// received 42 (ok=true)
