// Exercise 1.2, a spinner (docs/learn/exercises.md): a goroutine reports
// progress every 200 ms while main does a slow job; when main returns, the
// program ends and the spinner with it, with no code to stop it.
package main

import (
	"fmt"
	"time"
)

func spinner(start time.Time) {
	for {
		time.Sleep(200 * time.Millisecond)
		fmt.Printf("still working at %.1fs\n", time.Since(start).Seconds())
	}
}

func main() {
	start := time.Now()
	go spinner(start)
	time.Sleep(700 * time.Millisecond) // the slow job
	fmt.Println("result ready at", time.Since(start).Round(100*time.Millisecond))
	// Returning ends the program: the spinner stops wherever it is.
}

// Output:
// still working at 0.2s
// still working at 0.4s
// still working at 0.6s
// result ready at 700ms
