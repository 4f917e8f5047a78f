// The sender closes a channel to say "no more values"; the receiver's range
// loop ends once the channel is closed and drained. The parameter types say
// who may do what: chan<- int only sends and closes, <-chan int only
// receives.
package main

import "fmt"

func produce(out chan<- int) {
	for i := 1; i <= 3; i++ {
		out <- i * 10
	}
	close(out) // ends the receiver's loop
}

func consume(in <-chan int) {
	for v := range in { // receives until in is closed and drained
		fmt.Println("got", v)
	}
	v, ok := <-in // closed: returns at once, zero value, ok=false
	fmt.Printf("after close: %d %t\n", v, ok)
}

func main() {
	ch := make(chan int)
	go produce(ch) // chan int converts to either direction
	consume(ch)
}

// Output:
// got 10
// got 20
// got 30
// after close: 0 false
