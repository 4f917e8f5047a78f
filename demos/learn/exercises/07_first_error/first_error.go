// Exercise 7.1, cancel the workers on the first error
// (docs/learn/exercises.md): four workers run at once; three process an
// item every 200 ms until told to stop, and the fourth fails at 500 ms. Its
// error stops the others and is the group's result. The group is written
// out, as errgroup.WithContext does it (golang.org/x/sync/errgroup).
package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// worker processes an item every 200 ms until ctx ends, and says how many
// it finished. Worker 4 fails after 500 ms.
func worker(ctx context.Context, id int, items *int) error {
	if id == 4 {
		select {
		case <-time.After(500 * time.Millisecond):
			return errors.New("worker 4: disk full")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for {
		select {
		case <-time.After(200 * time.Millisecond):
			*items++
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func main() {
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	items := make([]int, 4)
	errs := make([]error, 4)
	for id := 1; id <= 4; id++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			err := worker(ctx, id, &items[id-1])
			errs[id-1] = err
			if err != nil {
				once.Do(func() { // only the first error is kept, and it cancels the rest
					first = err
					cancel()
				})
			}
		}(id)
	}
	wg.Wait()
	for id := 1; id <= 3; id++ {
		fmt.Printf("worker %d stopped after %d items: %v\n", id, items[id-1], errs[id-1])
	}
	fmt.Println("first error:", first, "at", time.Since(start).Round(100*time.Millisecond))
}

// Output:
// worker 1 stopped after 2 items: context canceled
// worker 2 stopped after 2 items: context canceled
// worker 3 stopped after 2 items: context canceled
// first error: worker 4: disk full at 500ms
