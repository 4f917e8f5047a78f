// Two jobs that each wait 100 ms. Called one after the other they take
// 0.2 s; started as goroutines they wait at the same time and take 0.1 s.
package main

import (
	"fmt"
	"sync"
	"time"
)

func job() { time.Sleep(100 * time.Millisecond) }

func main() {
	start := time.Now()
	job()
	job()
	fmt.Printf("one after the other: %.1fs\n", time.Since(start).Seconds())

	start = time.Now()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		job()
	}()
	go func() {
		defer wg.Done()
		job()
	}()
	wg.Wait()
	fmt.Printf("as two goroutines: %.1fs\n", time.Since(start).Seconds())
}

// Output:
// one after the other: 0.2s
// as two goroutines: 0.1s
