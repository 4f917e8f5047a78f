// A Timer is a one-shot event on a channel: it can be stopped before it
// fires, and reset to fire again.
package main

import (
	"fmt"
	"time"
)

func main() {
	start := time.Now()
	elapsed := func() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

	t := time.NewTimer(100 * time.Millisecond)
	fmt.Println("stop before it fired:", t.Stop()) // true: it was pending
	select {
	case <-t.C:
		fmt.Println("fired")
	case <-time.After(200 * time.Millisecond):
		fmt.Println("a stopped timer never fires")
	}

	t.Reset(100 * time.Millisecond) // stopped and never fired: safe to reset
	<-t.C
	fmt.Println("fired after reset at", elapsed())

	// The timer fires at 350ms, but nobody receives its value.
	t.Reset(50 * time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	// Before Go 1.23 the value waits in t.C (a channel of one slot) and Stop
	// returns false: drain it, or the next receive gets this stale value at
	// once. Since Go 1.23 (with `go 1.23` in go.mod) Stop returns true and
	// no value is left, so the drain does not run.
	if !t.Stop() {
		<-t.C
	}
	t.Reset(100 * time.Millisecond)
	<-t.C
	fmt.Println("no stale value: fired at", elapsed())
}

// Output:
// stop before it fired: true
// a stopped timer never fires
// fired after reset at 300ms
// no stale value: fired at 500ms
