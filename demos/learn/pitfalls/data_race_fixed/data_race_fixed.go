// The fix for data_race.go: a sync.Mutex guards the counter, so one goroutine
// at a time reads and writes it. `go run -race` finds nothing to report.
// (Confining the counter to one goroutine that others send to is the other
// fix.)
package main

import (
	"fmt"
	"sync"
)

func main() {
	counter := 0
	var counterLock sync.Mutex // guards counter
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 1000; n++ {
				counterLock.Lock()
				counter++
				counterLock.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println("counter:", counter)
}

// Output:
// counter: 2000

// Stderr:
