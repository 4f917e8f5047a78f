// Go has no such pitfall: time.Sleep blocks only its goroutine, and a
// goroutine that blocks in a system call gives its processor to the others.
// Even with one processor (GOMAXPROCS=1), the heartbeat goes on while the
// worker sleeps.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

func heartbeat() {
	for beat := 1; beat <= 3; beat++ {
		time.Sleep(200 * time.Millisecond)
		fmt.Println("  heartbeat", beat)
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	fmt.Println("time.Sleep:")
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		heartbeat()
	}()
	time.Sleep(100 * time.Millisecond) // the heartbeat is under way
	go func() {
		defer wg.Done()
		fmt.Println("  worker: sleeps 400ms")
		time.Sleep(400 * time.Millisecond) // blocks this goroutine only
		fmt.Println("  worker: awake")
	}()
	wg.Wait()
}

// Output:
// time.Sleep:
//   worker: sleeps 400ms
//   heartbeat 1
//   heartbeat 2
//   worker: awake
//   heartbeat 3
