// Pitfall: two goroutines increment one variable without synchronization.
// Increments are lost (how many differs from run to run), and `go run -race`
// reports the race and exits with status 66. data_race_fixed.go is the fix.
package main

import (
	"fmt"
	"sync"
)

func main() {
	counter := 0
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 1000; n++ {
				counter++ // read, add, write: another goroutine may write in between
			}
		}()
	}
	wg.Wait()
	fmt.Println("counter:", counter)
}

// Output (varies: increments may be lost):
// counter: 2000

// Stderr:
// ==================
// WARNING: DATA RACE
// ... at 0x... by goroutine ...:
//   main.main.func1()
//       .../pitfalls/data_race/data_race.go:19 +0x...
// ...
// ==================
// Found ... data race(s)

// Exit status: 66
