// A select with a default case never blocks: default runs when no other case
// is ready. It is Go's non-blocking receive and send.
package main

import "fmt"

// tryReceive receives from ch if a value is ready, without waiting.
func tryReceive(ch chan int) {
	select {
	case v := <-ch:
		fmt.Println("received", v)
	default:
		fmt.Println("nothing to receive")
	}
}

// trySend sends v on ch if there is room, without waiting.
func trySend(ch chan int, v int) {
	select {
	case ch <- v:
		fmt.Println("sent", v)
	default:
		fmt.Println("buffer full, dropped", v)
	}
}

func main() {
	ch := make(chan int, 1) // room for one value
	tryReceive(ch)
	trySend(ch, 1)
	trySend(ch, 2)
	tryReceive(ch)
}

// Output:
// nothing to receive
// sent 1
// buffer full, dropped 2
// received 1
