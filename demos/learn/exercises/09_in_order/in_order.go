// Exercise 9.2, a worker pool whose results come out in order
// (docs/learn/exercises.md): three workers take six jobs of different
// lengths from one channel, so the results arrive out of order; main holds
// each one back until those before it have come, and prints it then.
package main

import (
	"fmt"
	"sync"
	"time"
)

type result struct {
	job  int
	text string
}

var lengths = []time.Duration{300, 100, 200, 100, 300, 50} // job i takes lengths[i-1] ms

func worker(jobs <-chan int, results chan<- result) {
	for j := range jobs {
		time.Sleep(lengths[j-1] * time.Millisecond)
		results <- result{j, fmt.Sprint("job ", j)}
	}
}

func main() {
	start := time.Now()
	jobs := make(chan int, len(lengths))
	for j := 1; j <= len(lengths); j++ {
		jobs <- j
	}
	close(jobs)
	results := make(chan result)
	var workers sync.WaitGroup
	for w := 0; w < 3; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			worker(jobs, results)
		}()
	}
	go func() {
		workers.Wait()
		close(results) // the last worker is done: no more results
	}()

	next, held, most := 1, map[int]string{}, 0
	for r := range results {
		held[r.job] = r.text
		for text, ok := held[next]; ok; text, ok = held[next] {
			fmt.Println(text, "at", time.Since(start).Round(100*time.Millisecond))
			delete(held, next)
			next++
		}
		if len(held) > most {
			most = len(held)
		}
	}
	fmt.Println("most results held back at once:", most)
}

// Output:
// job 1 at 300ms
// job 2 at 300ms
// job 3 at 300ms
// job 4 at 300ms
// job 5 at 500ms
// job 6 at 500ms
// most results held back at once: 4
