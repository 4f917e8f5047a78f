// Pitfall: a cancel() at the end of a function is skipped when the function
// returns early (or panics), and the goroutines that wait on the context
// wait forever. The fix is Go's idiom: defer cancel() right after the
// context is made. `go vet` catches the early return ("the cancel function
// is not used on all paths").
package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"
)

// step stands for work that fails.
func step(ctx context.Context) error { return errors.New("connection reset") }

// watch stands for a goroutine that lives as long as the context.
func watch(name string, ctx context.Context) {
	<-ctx.Done()
	fmt.Printf("  %s: %v\n", name, ctx.Err())
}

func broken(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	go watch("broken's watcher", ctx)
	if err := step(ctx); err != nil {
		return err // returns without cancel(): the watcher waits forever
	}
	cancel()
	return nil
}

func fixed(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel() // runs however the function returns
	go watch("fixed's watcher", ctx)
	return step(ctx)
}

func main() {
	for _, handle := range []func(context.Context) error{broken, fixed} {
		err := handle(context.Background())
		time.Sleep(100 * time.Millisecond) // lets a watcher that was cancelled run first
		fmt.Println("handle:", err)
	}
	fmt.Println("goroutines left:", runtime.NumGoroutine())
}

// Output:
// handle: connection reset
//   fixed's watcher: context canceled
// handle: connection reset
// goroutines left: 2
