// Why a sleep loop drifts and a ticker does not. Both loops want to run every
// 10ms, 50 times, and each run does 2ms of work. The sleep loop sleeps 10ms
// after the work, so tick k comes at k*(10ms + work + the sleep's own
// lateness): the errors add up. The ticker fires at start + k*10ms whatever
// the loop does, so tick k is only as late as that one wake-up.
package main

import (
	"fmt"
	"sort"
	"time"
)

const (
	period = 10 * time.Millisecond
	ticks  = 50
	work   = 2 * time.Millisecond // stands for a request, a query, ...
)

// sleepLoop returns the drift: how much later than start + ticks*period
// its last tick came.
func sleepLoop() time.Duration {
	start := time.Now()
	for k := 1; k <= ticks; k++ {
		time.Sleep(work)
		time.Sleep(period)
	}
	return time.Since(start) - ticks*period
}

// tickerLoop returns the drift and each tick's lateness.
func tickerLoop() (time.Duration, []time.Duration) {
	start := time.Now()
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	var late []time.Duration
	for k := 1; k <= ticks; k++ {
		<-ticker.C
		late = append(late, time.Since(start)-time.Duration(k)*period)
		time.Sleep(work)
	}
	return late[ticks-1], late
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", d.Seconds()*1000) }

func main() {
	fmt.Printf("sleep loop: %d ticks of %v, drift %s\n", ticks, period, ms(sleepLoop()))
	drift, late := tickerLoop()
	sort.Slice(late, func(i, j int) bool { return late[i] < late[j] })
	fmt.Printf("ticker:     %d ticks of %v, drift %s (lateness p50 %s, max %s)\n",
		ticks, period, ms(drift), ms(late[ticks/2]), ms(late[ticks-1]))
}

// Output (varies: measured in real time):
// sleep loop: 50 ticks of 10ms, drift 115.3ms
// ticker:     50 ticks of 10ms, drift 0.4ms (lateness p50 0.2ms, max 0.9ms)
