// A WaitGroup waits for a set of goroutines: Add before starting each one,
// Done when it ends, Wait until all have ended.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	elapsed := func() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

	var wg sync.WaitGroup
	for id := 1; id <= 3; id++ {
		wg.Add(1) // before `go`, so that Wait cannot run before the count is up
		go func(id int) {
			defer wg.Done()
			time.Sleep(time.Duration(id) * 100 * time.Millisecond)
			fmt.Printf("worker %d done at %v\n", id, elapsed())
		}(id)
	}
	wg.Wait()
	fmt.Println("all done at", elapsed())
}

// Output:
// worker 1 done at 100ms
// worker 2 done at 200ms
// worker 3 done at 300ms
// all done at 300ms
