// A buffered channel lets the sender run ahead of the receiver by its
// capacity; then each send waits until the receiver has taken a value.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	ch := make(chan int, 2) // holds up to 2 values
	go func() {
		for i := 1; i <= 5; i++ {
			ch <- i // waits only while the buffer is full
			fmt.Printf("%.1fs sent %d\n", time.Since(start).Seconds(), i)
		}
		close(ch)
	}()

	var got []int
	time.Sleep(100 * time.Millisecond) // a slow receiver: one value every 100 ms
	for v := range ch {
		got = append(got, v)
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Println("received", got)
}

// Output:
// 0.0s sent 1
// 0.0s sent 2
// 0.1s sent 3
// 0.2s sent 4
// 0.3s sent 5
// received [1 2 3 4 5]
