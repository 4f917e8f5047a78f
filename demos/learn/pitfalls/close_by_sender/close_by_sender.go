// The fix for close_by_receiver.go: only the sending side closes, once every
// sender has returned (a WaitGroup tells when), and the receiver asks the
// senders to stop on a channel of its own, done, which it may close: nobody
// sends on done.
package main

import (
	"fmt"
	"sync"
)

func produce(id int, done <-chan struct{}, results chan<- int) {
	for n := 1; ; n++ {
		select {
		case results <- id*100 + n:
		case <-done:
			return // asked to stop
		}
	}
}

func main() {
	results := make(chan int)
	done := make(chan struct{})
	var senders sync.WaitGroup
	for id := 1; id <= 2; id++ {
		senders.Add(1)
		go func(id int) {
			defer senders.Done()
			produce(id, done, results)
		}(id)
	}
	go func() {
		senders.Wait()
		close(results) // the senders' side closes, once all have returned
	}()

	for i := 0; i < 3; i++ {
		<-results
	}
	fmt.Println("main: got 3 results, asking the producers to stop")
	close(done) // a broadcast on a channel nobody sends on
	for range results {
		// values sent before a producer saw done
	}
	fmt.Println("main: the producers stopped and results is closed")
}

// Output:
// main: got 3 results, asking the producers to stop
// main: the producers stopped and results is closed
