// Exercise 8.1, restart a failed checker (docs/learn/exercises.md): a
// small monitor with two checkers, each run by a supervisor goroutine. The
// db checker fails on its third check; its supervisor restarts it, twice,
// then gives up. The web checker runs until the monitor's 1.1 s are over.
package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

var start = time.Now()

func at() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

type checker struct {
	name   string
	period time.Duration
	check  func(n int) error // n: the check's number since the checker started
}

// run checks every period until a check fails or ctx ends, and says how
// many checks passed.
func (c checker) run(ctx context.Context) (int, error) {
	ticker := time.NewTicker(c.period)
	defer ticker.Stop()
	for n := 1; ; n++ {
		select {
		case <-ticker.C:
			if err := c.check(n); err != nil {
				return n - 1, err
			}
		case <-ctx.Done():
			return n - 1, ctx.Err()
		}
	}
}

// supervise runs c, and runs it again when it fails, at most maxRestarts
// times, until ctx ends.
func supervise(ctx context.Context, c checker, maxRestarts int) {
	for restarts := 0; ; restarts++ {
		passed, err := c.run(ctx)
		switch {
		case ctx.Err() != nil:
			fmt.Printf("%s: stopped after %d checks: %v\n", c.name, passed, err)
			return
		case restarts == maxRestarts:
			fmt.Printf("supervisor: %s failed %d times, giving up\n", c.name, restarts+1)
			return
		}
		fmt.Printf("supervisor: %s failed (%v), restart %d of %d\n", c.name, err, restarts+1, maxRestarts)
	}
}

func main() {
	db := checker{"db", 100 * time.Millisecond, func(n int) error {
		if n == 3 {
			fmt.Println("db: check 3 failed at", at())
			return errors.New("connection refused")
		}
		fmt.Println("db: check", n, "ok at", at())
		return nil
	}}
	web := checker{"web", 250 * time.Millisecond, func(int) error { return nil }}

	ctx, cancel := context.WithTimeout(context.Background(), 1100*time.Millisecond)
	defer cancel()
	var supervisors sync.WaitGroup
	for _, c := range []checker{db, web} {
		supervisors.Add(1)
		go func(c checker) {
			defer supervisors.Done()
			supervise(ctx, c, 2)
		}(c)
	}
	supervisors.Wait()
	fmt.Println("monitor: done at", at())
}

// Output:
// db: check 1 ok at 100ms
// db: check 2 ok at 200ms
// db: check 3 failed at 300ms
// supervisor: db failed (connection refused), restart 1 of 2
// db: check 1 ok at 400ms
// db: check 2 ok at 500ms
// db: check 3 failed at 600ms
// supervisor: db failed (connection refused), restart 2 of 2
// db: check 1 ok at 700ms
// db: check 2 ok at 800ms
// db: check 3 failed at 900ms
// supervisor: db failed 3 times, giving up
// web: stopped after 4 checks: context deadline exceeded
// monitor: done at 1.1s
