// Exercise 3.1, a slow producer (docs/learn/exercises.md): values come 100,
// 200, 300 and 500 ms apart. First give up when one value takes more than
// 400 ms (a timeout per value), then stop after 500 ms whatever comes (a
// deadline for the whole stream).
package main

import (
	"fmt"
	"time"
)

// produce sends 1, 2, 3, 4 after the gaps below. The channel has room for
// all of them, so the producer never blocks once the receiver has left.
func produce() <-chan int {
	out := make(chan int, 4)
	go func() {
		for i, gap := range []time.Duration{100, 200, 300, 500} {
			time.Sleep(gap * time.Millisecond)
			out <- i + 1
		}
	}()
	return out
}

func ms(d time.Duration) time.Duration { return d.Round(100 * time.Millisecond) }

func timeoutPerValue() {
	values := produce()
	last := time.Now()
	for {
		select {
		case v := <-values:
			fmt.Println("got", v, "after", ms(time.Since(last)))
			last = time.Now()
		case <-time.After(400 * time.Millisecond): // a new timer each round
			fmt.Println("no value for 400ms: giving up")
			return
		}
	}
}

func deadlineForAll() {
	values := produce()
	start := time.Now()
	deadline := time.After(500 * time.Millisecond) // one timer for the whole loop
	for n := 0; ; {
		select {
		case v := <-values:
			n++
			fmt.Println("got", v, "at", ms(time.Since(start)))
		case <-deadline:
			fmt.Println("deadline of 500ms: stopped after", n, "values")
			return
		}
	}
}

func main() {
	timeoutPerValue()
	deadlineForAll()
}

// Output:
// got 1 after 100ms
// got 2 after 200ms
// got 3 after 300ms
// no value for 400ms: giving up
// got 1 at 100ms
// got 2 at 300ms
// deadline of 500ms: stopped after 2 values
