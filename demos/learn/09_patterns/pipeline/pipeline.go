// A pipeline with cancellation (after the Go blog's "Go Concurrency
// Patterns: Pipelines and cancellation", 2014): gen sends numbers, two sq
// stages square them (fan-out), merge joins their outputs (fan-in). Every
// stage also watches done, so closing done stops the whole pipeline when
// main leaves early.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

func gen(done <-chan struct{}, nums ...int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, n := range nums {
			select {
			case out <- n:
			case <-done:
				return
			}
		}
	}()
	return out
}

func sq(done <-chan struct{}, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for n := range in {
			select {
			case out <- n * n:
			case <-done:
				return
			}
		}
	}()
	return out
}

func merge(done <-chan struct{}, cs ...<-chan int) <-chan int {
	var wg sync.WaitGroup
	out := make(chan int)
	output := func(c <-chan int) { // one per input: copies c's values to out
		defer wg.Done()
		for n := range c {
			select {
			case out <- n:
			case <-done:
				return
			}
		}
	}
	wg.Add(len(cs))
	for _, c := range cs {
		go output(c)
	}
	go func() { // closes out once every output is done
		wg.Wait()
		close(out)
	}()
	return out
}

func main() {
	before := runtime.NumGoroutine()

	// All of it. The squares arrive in no set order; their sum does not care.
	done := make(chan struct{})
	in := gen(done, 1, 2, 3, 4, 5)
	sum := 0
	for n := range merge(done, sq(done, in), sq(done, in)) {
		sum += n
	}
	close(done)
	fmt.Println("sum of squares:", sum)

	// Part of it: main takes one value of a hundred and stops the rest.
	nums := make([]int, 100)
	for i := range nums {
		nums[i] = i + 1
	}
	done = make(chan struct{})
	in = gen(done, nums...)
	out := merge(done, sq(done, in), sq(done, in))
	<-out
	fmt.Println("goroutines after one value:", runtime.NumGoroutine()-before)
	close(done) // every stage's select takes <-done and returns
	time.Sleep(100 * time.Millisecond)
	fmt.Println("goroutines after close(done):", runtime.NumGoroutine()-before)
}

// Output:
// sum of squares: 55
// goroutines after one value: 6
// goroutines after close(done): 0
