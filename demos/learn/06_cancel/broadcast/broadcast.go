// Closing a channel is a broadcast: every receiver, waiting now or later,
// gets the zero value at once. One done channel stops any number of
// goroutines, where a send would stop only one.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for id := 1; id <= 3; id++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			<-done // blocks until done is closed
			fmt.Printf("worker %d: done is closed\n", id)
		}(id)
	}

	time.Sleep(100 * time.Millisecond)
	fmt.Println("main: closing done")
	close(done)
	wg.Wait()
	fmt.Println("main: all stopped")
}

// Unordered output:
// main: closing done
// worker 1: done is closed
// worker 2: done is closed
// worker 3: done is closed
// main: all stopped
