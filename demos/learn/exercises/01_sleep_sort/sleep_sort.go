// Exercise 1.1, sleep sort (docs/learn/exercises.md): one goroutine per
// number, each sleeps n times 100 ms and then prints n, so the numbers come
// out sorted; main waits for all of them.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	var wg sync.WaitGroup
	for _, n := range []int{3, 1, 4, 5, 2} {
		wg.Add(1)
		go func(n int) { // n as an argument: before Go 1.22 all would share one n
			defer wg.Done()
			time.Sleep(time.Duration(n) * 100 * time.Millisecond)
			fmt.Println(n)
		}(n)
	}
	wg.Wait()
	fmt.Printf("sorted in %.1fs\n", time.Since(start).Seconds())
}

// Output:
// 1
// 2
// 3
// 4
// 5
// sorted in 0.5s
