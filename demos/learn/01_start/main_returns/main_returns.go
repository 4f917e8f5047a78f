// When main returns, the program ends: other goroutines simply stop, and
// their deferred calls never run.
package main

import "fmt"

func main() {
	started := make(chan struct{})
	never := make(chan int) // nobody ever sends on it
	go func() {
		defer fmt.Println("worker: deferred call ran") // never printed
		fmt.Println("worker: waiting forever")
		close(started)
		<-never // still blocked here when main returns
	}()
	<-started
	fmt.Println("main: returning")
}

// Output:
// worker: waiting forever
// main: returning
