// The serial starting point: one loop checks health, then sleeps. Nothing
// runs concurrently, so a second check with another period would have to be
// woven into this loop by hand. The C++ twin is serial.cpp beside it.
//
//	go run serial.go                       # a check every 3 s; the 6th fails
//	go run serial.go -period 300ms -fail 6
package main

import (
	"flag"
	"fmt"
	"time"
)

func main() {
	period := flag.Duration("period", 3*time.Second, "time between checks")
	fail := flag.Int("fail", 6, "which check (1-based) finds a problem")
	flag.Parse()

	start := time.Now()
	for check := 1; ; check++ {
		fmt.Printf("check health %d @%.1f\n", check, time.Since(start).Seconds())
		if check == *fail {
			fmt.Printf("Problem detected by check %d\n", check)
			break
		}
		time.Sleep(*period) // the loop drifts: see docs/learn/05-time.md
	}
}

// Output:
// check health 1 @0.0
// check health 2 @3.0
// check health 3 @6.0
// check health 4 @9.0
// check health 5 @12.0
// check health 6 @15.0
// Problem detected by check 6
