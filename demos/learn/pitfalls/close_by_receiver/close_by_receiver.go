// Pitfall: the receiver closes the channel while senders are still sending.
// A send on a closed channel panics, and the panic ends the program.
package main

import (
	"fmt"
	"time"
)

func produce(id int, results chan<- int) {
	for n := 1; ; n++ {
		results <- id*100 + n // panics once results is closed
	}
}

func main() {
	results := make(chan int)
	go produce(1, results)
	go produce(2, results)
	for i := 0; i < 3; i++ {
		<-results
	}
	fmt.Println("main: got 3 results, closing the channel")
	close(results) // the wrong side: the producers are still sending
	time.Sleep(time.Second)
	fmt.Println("main: never gets here")
}

// Output:
// main: got 3 results, closing the channel

// Stderr:
// panic: send on closed channel
//
// goroutine ... [running]:
// main.produce(...)
// ...

// Exit status: 2
