// The health-check monitor: each check runs in its own goroutine, driven by
// a ticker inside a for-select; a checker that finds a problem says so on its
// own unbuffered stop channel; main waits in one select over the three stop
// channels, says which checker found the problem, and cleans up.
//
//	go run monitor.go                               # 16 s
//	go run monitor.go -periods 300ms,500ms,1.6s -fail 3 -cleanup 0s
//
// The C++ twin is monitor.cpp beside it. What this shape gets wrong: the
// other checkers keep running while cleanup runs (../cancel/cancel.go fixes
// it).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// runAtInterval runs checker every dt until it finds a problem, then says so
// on stop and returns.
func runAtInterval(dt time.Duration, checker func() error, stop chan<- struct{}) {
	ticker := time.NewTicker(dt)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			if err := checker(); err != nil {
				stop <- struct{}{} // unbuffered: waits until main has heard
				return
			}
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

	stop1, stop2, stop3 := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go runAtInterval(opts.periods[0], checks[0], stop1)
	go runAtInterval(opts.periods[1], checks[1], stop2)
	go runAtInterval(opts.periods[2], checks[2], stop3)

	select {
	case <-stop1:
		fmt.Println("Problem detected on first checker")
	case <-stop2:
		fmt.Println("Problem detected on second checker")
	case <-stop3:
		fmt.Println("Problem detected on third checker")
	}

	// cleanup: the other checkers are still running meanwhile.
	if opts.cleanup > 0 {
		fmt.Printf("cleanup started @%.3s\n", time.Since(start))
		time.Sleep(opts.cleanup)
		fmt.Printf("cleanup done @%.3s\n", time.Since(start))
	}
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
	cleanup := flag.Duration("cleanup", 0, "how long cleanup takes")
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
// Problem detected on third checker
