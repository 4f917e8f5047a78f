// Pitfall: a send on an unbuffered channel waits for a receiver. Here main
// sends and would receive afterwards, so nobody ever receives. Every
// goroutine is asleep, and the runtime ends the program with a fatal error
// (which, unlike a panic, recover cannot stop) and exit status 2.
package main

import "fmt"

func main() {
	results := make(chan string)
	fmt.Println("main: sending the result")
	results <- "42" // waits for a receiver: there is none
	fmt.Println("main: received", <-results)
}

// Output:
// main: sending the result

// Stderr:
// fatal error: all goroutines are asleep - deadlock!
//
// goroutine 1 [chan send]:
// main.main()
// ...

// Exit status: 2
