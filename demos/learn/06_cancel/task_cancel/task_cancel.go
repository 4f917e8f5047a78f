// Go cannot stop a goroutine from outside. Cancelling its context only
// closes ctx.Done(); the goroutine stops when it looks, and cleans up with
// defer. main learns that it has stopped from a channel it closes.
package main

import (
	"context"
	"fmt"
	"time"
)

func worker(ctx context.Context, finished chan<- struct{}) {
	defer close(finished)
	defer fmt.Println("worker: cleanup") // runs however the function returns
	fmt.Println("worker: started")
	select {
	case <-time.After(time.Hour):
		fmt.Println("worker: never gets here")
	case <-ctx.Done():
		fmt.Println("worker:", ctx.Err())
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	finished := make(chan struct{})
	go worker(ctx, finished)

	time.Sleep(100 * time.Millisecond)
	cancel()
	<-finished
	fmt.Println("main: worker stopped")
}

// Output:
// worker: started
// worker: context canceled
// worker: cleanup
// main: worker stopped
