// Go has no futures and no gather: each goroutine writes its result into
// its own element of a slice, and a WaitGroup says when all are there. So
// results come in argument order, and errors too, in a second slice.
package main

import (
	"fmt"
	"sync"
	"time"
)

func square(x int, d time.Duration) int {
	time.Sleep(d)
	fmt.Printf("square(%d) finished\n", x)
	return x * x
}

func check(x int) (int, error) {
	time.Sleep(time.Duration(x) * 100 * time.Millisecond)
	if x == 2 {
		return 0, fmt.Errorf("bad input %d", x)
	}
	return x, nil
}

func main() {
	delays := []time.Duration{300 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}
	results := make([]int, 3)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = square(i+1, delays[i]) // each goroutine its own element
		}(i)
	}
	wg.Wait()
	fmt.Println("results:", results)

	values := make([]int, 3)
	errs := make([]error, 3)
	for i := range values {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			values[i], errs[i] = check(i + 1)
		}(i)
	}
	wg.Wait()
	fmt.Println("values:", values, "errors:", errs)
}

// Output:
// square(2) finished
// square(3) finished
// square(1) finished
// results: [1 4 9]
// values: [1 0 3] errors: [<nil> bad input 2 <nil>]
