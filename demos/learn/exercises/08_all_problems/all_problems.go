// Exercise 8.2, every problem until a deadline (docs/learn/exercises.md):
// the monitor no longer stops at the first problem. Three checkers report
// problems on one channel; main prints each as it comes, stops them all
// after 1.3 s, and waits for them before it says how many it heard.
package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

var start = time.Now()

func at() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

// runChecker calls check every period until ctx ends, and sends each
// problem it finds. The send also gives up when ctx ends: main may have
// stopped listening.
func runChecker(ctx context.Context, period time.Duration, check func(n int) string, problems chan<- string) {
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	for n := 1; ; n++ {
		select {
		case <-ticker.C:
			if problem := check(n); problem != "" {
				select {
				case problems <- problem:
				case <-ctx.Done():
					return
				}
			}
		case <-ctx.Done():
			return
		}
	}
}

func main() {
	checks := []struct {
		period time.Duration
		check  func(n int) string
	}{
		{300 * time.Millisecond, func(int) string { return "" }}, // cpu: always fine
		{500 * time.Millisecond, func(n int) string { // disk: every second check
			if n%2 == 0 {
				return "disk: 95% full"
			}
			return ""
		}},
		{700 * time.Millisecond, func(int) string { return "net: unreachable" }}, // net: always
	}

	ctx, cancel := context.WithTimeout(context.Background(), 1300*time.Millisecond)
	defer cancel()
	problems := make(chan string)
	var checkers sync.WaitGroup
	for _, c := range checks {
		checkers.Add(1)
		go func(period time.Duration, check func(int) string) {
			defer checkers.Done()
			runChecker(ctx, period, check, problems)
		}(c.period, c.check)
	}

	heard := 0
	for ctx.Err() == nil {
		select {
		case p := <-problems:
			heard++
			fmt.Println("problem:", p, "at", at())
		case <-ctx.Done():
			fmt.Println("monitor: stopping at", at())
		}
	}
	checkers.Wait()
	fmt.Println("monitor: every checker stopped,", heard, "problems")
}

// Output:
// problem: net: unreachable at 700ms
// problem: disk: 95% full at 1s
// monitor: stopping at 1.3s
// monitor: every checker stopped, 2 problems
