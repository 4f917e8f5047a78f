// An error group runs functions that can fail: the first error cancels the
// group's context, so the others can stop early, and Wait returns that
// error once all have ended. Real code imports golang.org/x/sync/errgroup;
// these docs use the standard library only, so `group` below is the same
// thing written out: a WaitGroup, a Once for the first error, and
// context.WithCancel.
package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

type group struct {
	wg      sync.WaitGroup
	errOnce sync.Once
	err     error
	cancel  context.CancelFunc
}

// withContext is errgroup.WithContext.
func withContext(ctx context.Context) (*group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &group{cancel: cancel}, ctx
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.errOnce.Do(func() { // only the first error is kept
				g.err = err
				g.cancel()
			})
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}

var start = time.Now()

func elapsed() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

// fetch takes d and then succeeds or fails, unless ctx ends first.
func fetch(ctx context.Context, name string, d time.Duration, fail bool) error {
	select {
	case <-time.After(d):
		if fail {
			return errors.New(name + ": not found")
		}
		fmt.Println(name, "ok at", elapsed())
		return nil
	case <-ctx.Done():
		fmt.Println(name, "stopped:", ctx.Err(), "at", elapsed())
		return ctx.Err()
	}
}

func main() {
	g, ctx := withContext(context.Background())
	g.Go(func() error { return fetch(ctx, "users", 100*time.Millisecond, false) })
	g.Go(func() error { return fetch(ctx, "orders", 200*time.Millisecond, true) })
	g.Go(func() error { return fetch(ctx, "invoices", 500*time.Millisecond, false) })
	err := g.Wait()
	fmt.Println("wait:", err, "at", elapsed())
}

// Output:
// users ok at 100ms
// invoices stopped: context canceled at 200ms
// wait: orders: not found at 200ms
