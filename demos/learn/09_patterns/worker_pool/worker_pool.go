// A worker pool (after Go by Example's "Worker Pools"): three goroutines
// take jobs from one channel and send results on another. Five jobs of
// 100ms each take 200ms: two rounds, three jobs at a time.
package main

import (
	"fmt"
	"time"
)

func worker(jobs <-chan int, results chan<- int) {
	for j := range jobs { // until jobs is closed and empty
		time.Sleep(100 * time.Millisecond) // stands for the work
		results <- j * 2
	}
}

func main() {
	start := time.Now()
	const numJobs = 5
	jobs := make(chan int, numJobs)
	results := make(chan int, numJobs)
	for w := 1; w <= 3; w++ {
		go worker(jobs, results)
	}

	for j := 1; j <= numJobs; j++ {
		jobs <- j
	}
	close(jobs) // no more jobs: each worker's loop ends once jobs is empty

	sum := 0
	for a := 1; a <= numJobs; a++ {
		sum += <-results
	}
	fmt.Println("sum of results:", sum, "at", time.Since(start).Round(100*time.Millisecond))
}

// Output:
// sum of results: 30 at 200ms
