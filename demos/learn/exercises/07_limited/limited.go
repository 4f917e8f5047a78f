// Exercise 7.2, at most two at once, results in order
// (docs/learn/exercises.md): six downloads of different lengths, never more
// than two running; the results come back in the order asked, whatever the
// order the downloads end in. A buffered channel is the semaphore.
package main

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

func download(i int, d time.Duration) string {
	time.Sleep(d)
	return fmt.Sprint("page", i)
}

func main() {
	start := time.Now()
	lengths := []time.Duration{300, 100, 200, 100, 200, 100}
	results := make([]string, len(lengths))
	slots := make(chan struct{}, 2) // at most 2 downloads at once
	var wg sync.WaitGroup
	for i, d := range lengths {
		slots <- struct{}{} // waits while 2 hold a slot
		fmt.Println("download", i+1, "starts at", time.Since(start).Round(100*time.Millisecond))
		wg.Add(1)
		go func(i int, d time.Duration) {
			defer wg.Done()
			defer func() { <-slots }() // frees the slot
			results[i] = download(i+1, d*time.Millisecond)
		}(i, d)
	}
	wg.Wait()
	fmt.Println("all done at", time.Since(start).Round(100*time.Millisecond))
	fmt.Println("results:", strings.Join(results, " "))
}

// Output:
// download 1 starts at 0s
// download 2 starts at 0s
// download 3 starts at 100ms
// download 4 starts at 300ms
// download 5 starts at 300ms
// download 6 starts at 400ms
// all done at 500ms
// results: page1 page2 page3 page4 page5 page6
