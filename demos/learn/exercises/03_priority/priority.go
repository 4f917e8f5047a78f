// Exercise 3.2, urgent messages first (docs/learn/exercises.md): a receiver
// handles one message every 100 ms from two channels, high and low, and
// takes a waiting high message before any low one. One select over both
// would pick at random when both are ready.
package main

import (
	"fmt"
	"time"
)

// receive returns a message from high if one is waiting, and otherwise
// the first that comes on either channel.
func receive(high, low <-chan string) string {
	select {
	case m := <-high:
		return m
	default: // nothing urgent now
	}
	select {
	case m := <-high:
		return m
	case m := <-low:
		return m
	}
}

func main() {
	start := time.Now()
	high, low := make(chan string, 2), make(chan string, 4)
	for i := 1; i <= 4; i++ {
		low <- fmt.Sprint("low ", i)
	}
	go func() {
		time.Sleep(150 * time.Millisecond)
		high <- "urgent 1"
		time.Sleep(550 * time.Millisecond)
		high <- "urgent 2"
	}()

	for i := 0; i < 6; i++ {
		m := receive(high, low)
		fmt.Printf("%.1fs %s\n", time.Since(start).Seconds(), m)
		time.Sleep(100 * time.Millisecond) // handling it takes a while
	}
}

// Output:
// 0.0s low 1
// 0.1s low 2
// 0.2s urgent 1
// 0.3s low 3
// 0.4s low 4
// 0.7s urgent 2
