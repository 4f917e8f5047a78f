// A context carries cancellation down a call tree: handle passes its ctx to
// every call, and every blocking step also waits on ctx.Done(). One timeout
// at the top bounds all the work below it.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

var start = time.Now()

func elapsed() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

// fetch stands for a request that takes d, unless ctx ends first.
func fetch(ctx context.Context, name string, d time.Duration) error {
	select {
	case <-time.After(d):
		fmt.Println(name, "ok at", elapsed())
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", name, ctx.Err())
	}
}

func handle(ctx context.Context) error {
	if err := fetch(ctx, "users", 100*time.Millisecond); err != nil {
		return err
	}
	if err := fetch(ctx, "orders", 100*time.Millisecond); err != nil {
		return err
	}
	return fetch(ctx, "invoices", 500*time.Millisecond)
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel() // always: it releases the context's timer
	err := handle(ctx)
	fmt.Println("handle:", err, "at", elapsed())
	fmt.Println("deadline exceeded:", errors.Is(err, context.DeadlineExceeded))

	// Cancelling a context cancels every context derived from it.
	parent, cancelParent := context.WithCancel(context.Background())
	child, cancelChild := context.WithTimeout(parent, time.Hour)
	defer cancelChild()
	cancelParent()
	<-child.Done()
	fmt.Println("child:", child.Err())
}

// Output:
// users ok at 100ms
// orders ok at 200ms
// handle: invoices: context deadline exceeded at 300ms
// deadline exceeded: true
// child: context canceled
