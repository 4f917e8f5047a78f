//go:build ignore

// Go twin of bench/ticker_accuracy.cpp: a 10 ms time.Ticker for 300 receives,
// and a loop of 300 time.Sleep(10ms), in real time. For the ticker, tick k is
// due at start + k*10ms; a ticker drops ticks its receiver is too late for,
// so the tick received is told by its value (the firing time in Go 1.19):
// lateness = receive time - that tick's due time. drift = last receive -
// (start + 300*10ms); skipped counts dropped ticks (each adds 10 ms). For the sleep loop, lateness is each sleep's
// overshoot (how much longer than 10 ms it took), and drift = end -
// (start + 300*10ms). Run: go run ticker.go [TICKS] (default 300; GOMAXPROCS
// from the environment)
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"
)

const period = 10 * time.Millisecond

var ticks = 300

func report(name string, drift time.Duration, skipped int64, lateness []time.Duration) {
	sort.Slice(lateness, func(i, j int) bool { return lateness[i] < lateness[j] })
	pick := func(q float64) float64 {
		return float64(lateness[int(q*float64(len(lateness)-1))].Microseconds())
	}
	fmt.Printf("%-14s %12.0f %8d %11.0f %10.0f %10.0f\n", name, float64(drift.Microseconds()),
		skipped, pick(0.5), pick(0.99), pick(1))
}

func main() {
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil {
			panic(err)
		}
		ticks = n
	}
	fmt.Printf("%-14s %12s %8s %11s %10s %10s\n", "Go", "drift us", "skipped", "late p50 us",
		"p99 us", "max us")

	lateness := make([]time.Duration, 0, ticks)
	start := time.Now()
	t := time.NewTicker(period)
	var last time.Time
	var k int64
	for i := 0; i < ticks; i++ {
		value := <-t.C
		last = time.Now()
		k = int64(value.Sub(start) / period) // which tick this is
		lateness = append(lateness, last.Sub(start.Add(time.Duration(k)*period)))
	}
	t.Stop()
	report("time.Ticker", last.Sub(start.Add(time.Duration(ticks)*period)), k-int64(ticks), lateness)

	lateness = lateness[:0]
	start = time.Now()
	prev := start
	for k := 0; k < ticks; k++ {
		time.Sleep(period)
		now := time.Now()
		lateness = append(lateness, now.Sub(prev)-period)
		prev = now
	}
	report("time.Sleep", prev.Sub(start.Add(time.Duration(ticks)*period)), 0, lateness)
}
