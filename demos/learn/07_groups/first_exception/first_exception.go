// Stop at the first failure, Go style: every goroutine sends its outcome on
// one channel, the receiver stops at the first error and cancels the
// context the others watch. (This is what errgroup does for you.)
package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

type outcome struct {
	name string
	err  error
}

func job(ctx context.Context, name string, d time.Duration, fail bool) error {
	select {
	case <-time.After(d):
		if fail {
			return errors.New(name + " failed")
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outcomes := make(chan outcome, 3) // room for all: no sender ever blocks
	run := func(name string, d time.Duration, fail bool) {
		go func() { outcomes <- outcome{name, job(ctx, name, d, fail)} }()
	}
	run("a", 100*time.Millisecond, false)
	run("b", 200*time.Millisecond, true)
	run("c", 500*time.Millisecond, false)

	for received := 0; received < 3; received++ {
		o := <-outcomes
		fmt.Println(o.name, "->", o.err)
		if o.err != nil && !errors.Is(o.err, context.Canceled) {
			cancel() // the first failure: stop the others
		}
	}
}

// Output:
// a -> <nil>
// b -> b failed
// c -> context canceled
