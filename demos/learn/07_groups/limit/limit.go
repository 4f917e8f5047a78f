// Bounding how many functions run at once. errgroup's SetLimit(n) makes Go
// block while n functions are running; with the standard library the same
// bound is a channel of n slots used as a semaphore: take a slot before
// starting, give it back when done.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	elapsed := func() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

	slots := make(chan struct{}, 2) // at most 2 jobs at once
	var wg sync.WaitGroup
	for job := 1; job <= 5; job++ {
		slots <- struct{}{} // blocks while 2 jobs hold a slot
		fmt.Printf("job %d starts at %v\n", job, elapsed())
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }() // give the slot back
			time.Sleep(100 * time.Millisecond)
		}()
	}
	wg.Wait()
	fmt.Println("all done at", elapsed())
}

// Output:
// job 1 starts at 0s
// job 2 starts at 0s
// job 3 starts at 100ms
// job 4 starts at 100ms
// job 5 starts at 200ms
// all done at 300ms
