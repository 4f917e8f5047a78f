// A goroutine that waits for something that never comes, and that nobody
// can stop, leaks: it stays blocked, with its stack and everything it refers
// to, until the program exits. Go reports nothing. The fix is a context the
// goroutine also waits on, cancelled when its work is no longer wanted.
package main

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

func waitForever(reply <-chan string) {
	fmt.Println("worker waits for a reply that never comes")
	<-reply
	fmt.Println("worker: never gets here")
}

func waitOrCancel(ctx context.Context, reply <-chan string) {
	select {
	case <-reply:
	case <-ctx.Done():
		fmt.Println("second worker:", ctx.Err())
	}
}

func main() {
	fmt.Println("goroutines:", runtime.NumGoroutine())
	go waitForever(make(chan string))
	time.Sleep(100 * time.Millisecond)
	fmt.Println("goroutines:", runtime.NumGoroutine(), "(one leaked)")

	ctx, cancel := context.WithCancel(context.Background())
	go waitOrCancel(ctx, make(chan string))
	cancel() // the reply is no longer wanted
	time.Sleep(100 * time.Millisecond)
	fmt.Println("goroutines:", runtime.NumGoroutine(), "(the second one ended)")
}

// Output:
// goroutines: 1
// worker waits for a reply that never comes
// goroutines: 2 (one leaked)
// second worker: context canceled
// goroutines: 2 (the second one ended)
