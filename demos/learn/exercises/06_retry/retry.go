// Exercise 6.2, retry until the deadline (docs/learn/exercises.md): call a
// service that is down for its first three calls, every 200 ms, until it
// answers or the caller's context ends. The wait between two attempts is
// cut short by the context too.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

var start time.Time

func at() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

// service fails its first `down` calls.
type service struct{ down, calls int }

func (s *service) call() error {
	s.calls++
	if s.calls <= s.down {
		return errors.New("service unavailable")
	}
	return nil
}

// sleep waits for d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func retry(ctx context.Context, s *service) error {
	for attempt := 1; ; attempt++ {
		err := s.call()
		if err == nil {
			fmt.Println("attempt", attempt, "ok at", at())
			return nil
		}
		fmt.Printf("attempt %d failed at %v: %v\n", attempt, at(), err)
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
	}
}

func run(deadline time.Duration) {
	start = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if err := retry(ctx, &service{down: 3}); err != nil {
		fmt.Println(err, "at", at())
	}
}

func main() {
	run(2 * time.Second)
	run(500 * time.Millisecond)
}

// Output:
// attempt 1 failed at 0s: service unavailable
// attempt 2 failed at 200ms: service unavailable
// attempt 3 failed at 400ms: service unavailable
// attempt 4 ok at 600ms
// attempt 1 failed at 0s: service unavailable
// attempt 2 failed at 200ms: service unavailable
// attempt 3 failed at 400ms: service unavailable
// gave up after 3 attempts: context deadline exceeded at 500ms
