// Exercise 4.1, a counter that one goroutine owns (docs/learn/exercises.md):
// the count lives in a goroutine that serves three channels in a
// for-select loop, inc, read and quit. Three workers add 1000 each at once,
// with no mutex: only the owner touches the count.
package main

import (
	"fmt"
	"sync"
)

func counter(inc <-chan int, read <-chan chan int, quit <-chan struct{}, stopped chan<- struct{}) {
	count := 0 // confined to this goroutine
	for {
		select {
		case n := <-inc:
			count += n
		case reply := <-read: // a request carries the channel for its answer
			reply <- count
		case <-quit:
			fmt.Println("counter: stopped at", count)
			close(stopped)
			return
		}
	}
}

func main() {
	inc, read := make(chan int), make(chan chan int)
	quit, stopped := make(chan struct{}), make(chan struct{})
	go counter(inc, read, quit, stopped)
	get := func() int {
		reply := make(chan int)
		read <- reply
		return <-reply
	}

	fmt.Println("before:", get())
	var workers sync.WaitGroup
	for w := 0; w < 3; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for i := 0; i < 1000; i++ {
				inc <- 1
			}
		}()
	}
	workers.Wait()
	fmt.Println("after 3 workers x 1000:", get())
	close(quit)
	<-stopped
}

// Output:
// before: 0
// after 3 workers x 1000: 3000
// counter: stopped at 3000
