// The monitor with the fix: each checker's select gets a second case, a
// cancel channel that main closes when it has heard of a problem. Closing
// wakes every receiver at once, so all the checkers stop, and main waits for
// them (a sync.WaitGroup) before it cleans up: no check runs during cleanup
// any more. A context (ctx.Done()) works the same way.
//
//	go run cancel.go                                # 18 s
//	go run cancel.go -periods 300ms,500ms,1.6s -cleanup 200ms
//
// The C++ twin is cancel.cpp beside it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// runAtInterval runs checker every dt until it finds a problem or cancel is
// closed.
func runAtInterval(dt time.Duration, checker func() error, stop chan<- struct{}, cancel <-chan struct{}) {
	ticker := time.NewTicker(dt)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			if err := checker(); err != nil {
				// Main may have stopped listening (another checker found a
				// problem first): do not block on stop forever.
				select {
				case stop <- struct{}{}:
				case <-cancel:
				}
				return
			}
		case <-cancel: // closed: main wants every checker to stop
			return
		}
	}
}

func main() {
	opts := parseFlags(3)
	start := time.Now()

	mkCheck := func(dt time.Duration) func() error {
		return func() error {
			fmt.Printf("check health %s @%.3s\n", dt, time.Since(start))
			return nil
		}
	}
	doomSoon := func(dt time.Duration) func() error {
		return func() error {
			fmt.Printf("check health %s @%.3s\n", dt, time.Since(start))
			return errors.New("doom")
		}
	}
	checks := make([]func() error, 3)
	for i, dt := range opts.periods {
		checks[i] = mkCheck(dt)
		if i+1 == opts.fail {
			checks[i] = doomSoon(dt)
		}
	}

	cancel := make(chan struct{})
	var running sync.WaitGroup
	startChecker := func(i int, stop chan<- struct{}) {
		running.Add(1)
		go func() {
			defer running.Done()
			runAtInterval(opts.periods[i], checks[i], stop, cancel)
			fmt.Printf("checker %d stopped @%.3s\n", i+1, time.Since(start))
		}()
	}
	stop1, stop2, stop3 := make(chan struct{}), make(chan struct{}), make(chan struct{})
	startChecker(0, stop1)
	startChecker(1, stop2)
	startChecker(2, stop3)

	select {
	case <-stop1:
		fmt.Println("Problem detected on first checker")
	case <-stop2:
		fmt.Println("Problem detected on second checker")
	case <-stop3:
		fmt.Println("Problem detected on third checker")
	}

	close(cancel)  // every checker's select sees it
	running.Wait() // and returns before cleanup starts

	fmt.Printf("cleanup started @%.3s\n", time.Since(start))
	time.Sleep(opts.cleanup)
	fmt.Printf("cleanup done @%.3s\n", time.Since(start))
}

type options struct {
	periods []time.Duration
	fail    int
	cleanup time.Duration
}

// durations is a flag.Value: a comma-separated list of Go durations.
type durations []time.Duration

func (d *durations) String() string {
	texts := make([]string, len(*d))
	for i, v := range *d {
		texts[i] = v.String()
	}
	return strings.Join(texts, ",")
}

func (d *durations) Set(text string) error {
	*d = nil
	for _, part := range strings.Split(text, ",") {
		v, err := time.ParseDuration(part)
		if err != nil {
			return err
		}
		if v <= 0 {
			return fmt.Errorf("%s: must be positive", part)
		}
		*d = append(*d, v)
	}
	return nil
}

func parseFlags(checkers int) options {
	periods := durations{3 * time.Second, 5 * time.Second, 16 * time.Second}
	flag.Var(&periods, "periods", "how often each checker runs (Go durations)")
	fail := flag.Int("fail", 3, "which checker (1-based) finds a problem")
	cleanup := flag.Duration("cleanup", 2*time.Second, "how long cleanup takes")
	flag.Parse() // bad flags: usage on stderr, exit status 2
	if len(periods) != checkers || *fail < 1 || *fail > checkers || *cleanup < 0 {
		fmt.Fprintf(flag.CommandLine.Output(), "need %d periods, -fail from 1 to %d, -cleanup >= 0\n", checkers, checkers)
		flag.Usage()
		os.Exit(2)
	}
	return options{periods, *fail, *cleanup}
}

// Output:
// check health 3s @3.0
// check health 5s @5.0
// check health 3s @6.0
// check health 3s @9.0
// check health 5s @10.
// check health 3s @12.
// check health 5s @15.
// check health 3s @15.
// check health 16s @16.
// checker 3 stopped @16.
// Problem detected on third checker
// checker 1 stopped @16.
// checker 2 stopped @16.
// cleanup started @16.
// cleanup done @18.
