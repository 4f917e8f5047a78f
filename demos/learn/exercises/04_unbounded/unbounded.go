// Exercise 4.2, a buffer without a bound (docs/learn/exercises.md): a
// goroutine between two unbuffered channels holds every value it receives
// until someone takes it, so a sender never waits. Its select turns the
// send case off, with a nil channel, while it holds nothing, and the
// receive case off once the input is closed.
package main

import "fmt"

// buffer passes the values from in to out in order, then closes out.
func buffer(in <-chan int, out chan<- int) {
	var queue []int
	for in != nil || len(queue) > 0 {
		var send chan<- int // nil: the send case is off while the queue is empty
		var next int
		if len(queue) > 0 {
			send, next = out, queue[0]
		}
		select {
		case v, ok := <-in:
			if !ok {
				in = nil // closed: off, but what is queued still goes out
				continue
			}
			queue = append(queue, v)
		case send <- next:
			queue = queue[1:]
		}
	}
	close(out)
}

func main() {
	in, out := make(chan int), make(chan int)
	go buffer(in, out)
	for i := 1; i <= 5; i++ {
		in <- i // never waits long: the buffer goroutine always receives
	}
	close(in)
	fmt.Println("sent 5 values, nobody received yet")
	for v := range out {
		fmt.Println("got", v)
	}
	fmt.Println("out closed: the buffer is drained")
}

// Output:
// sent 5 values, nobody received yet
// got 1
// got 2
// got 3
// got 4
// got 5
// out closed: the buffer is drained
