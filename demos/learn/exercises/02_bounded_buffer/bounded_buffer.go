// Exercise 2.2, a bounded buffer (docs/learn/exercises.md): a producer sends
// five values as fast as it can to a consumer that needs 100 ms for each.
// The buffer's capacity decides when the producer is done; the consumer
// finishes at the same time whatever the capacity.
package main

import (
	"fmt"
	"time"
)

func run(capacity int) {
	start := time.Now()
	ch := make(chan int, capacity)
	consumed := make(chan struct{})
	go func() {
		for range ch {
			time.Sleep(100 * time.Millisecond) // slow work on each value
		}
		close(consumed)
	}()

	for i := 1; i <= 5; i++ {
		ch <- i // waits while the buffer is full
	}
	producer := time.Since(start)
	close(ch)
	<-consumed
	fmt.Printf("capacity %d: producer done at %.1fs, consumer done at %.1fs\n",
		capacity, producer.Seconds(), time.Since(start).Seconds())
}

func main() {
	for _, capacity := range []int{1, 2, 5} {
		run(capacity)
	}
}

// Output:
// capacity 1: producer done at 0.3s, consumer done at 0.5s
// capacity 2: producer done at 0.2s, consumer done at 0.5s
// capacity 5: producer done at 0.0s, consumer done at 0.5s
