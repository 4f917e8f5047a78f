// Merging two inputs until both are closed. When one closes, setting its
// variable to nil disables its case: a nil channel is never ready, so the
// select stops seeing the closed channel, which would be ready forever.
package main

import (
	"fmt"
	"time"
)

// emit sends values, the first after `first` and the others `every` apart,
// then closes the channel.
func emit(first, every time.Duration, values ...int) <-chan int {
	out := make(chan int)
	go func() {
		time.Sleep(first)
		for i, v := range values {
			if i > 0 {
				time.Sleep(every)
			}
			out <- v
		}
		close(out)
	}()
	return out
}

func main() {
	a := emit(100*time.Millisecond, 100*time.Millisecond, 1, 2)   // at 0.1 s, 0.2 s
	b := emit(150*time.Millisecond, 150*time.Millisecond, 10, 20) // at 0.15 s, 0.3 s
	for a != nil || b != nil {
		select {
		case v, ok := <-a:
			if !ok {
				fmt.Println("a closed: disable its case")
				a = nil
				continue
			}
			fmt.Println("from a:", v)
		case v, ok := <-b:
			if !ok {
				fmt.Println("b closed: disable its case")
				b = nil
				continue
			}
			fmt.Println("from b:", v)
		}
	}
	fmt.Println("both inputs drained")
}

// Output:
// from a: 1
// from b: 10
// from a: 2
// a closed: disable its case
// from b: 20
// b closed: disable its case
// both inputs drained
