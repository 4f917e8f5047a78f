// Pitfall: a closure in a loop captures the loop variable, not its value.
// Before Go 1.22, a `for i := ...` loop has one i for all its iterations, so
// goroutines that read it after the loop all see its last value. This module
// says `go 1.19` in its go.mod, so it runs the old way; from Go 1.22, a
// module that says `go 1.22` or later gets a new i per iteration, and
// broken prints what fixed does.
package main

import (
	"fmt"
	"sync"
)

func broken() {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 1; i <= 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start // runs after the loop, as goroutines often do
			fmt.Println("broken: goroutine sees i =", i)
		}()
	}
	close(start)
	wg.Wait()
}

func fixed() {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 1; i <= 3; i++ {
		i := i // a new variable per iteration: what Go 1.22 does by itself
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fmt.Println("fixed: goroutine sees i =", i)
		}()
	}
	close(start)
	wg.Wait()
}

func main() {
	broken()
	fixed()
}

// Unordered output:
// broken: goroutine sees i = 4
// broken: goroutine sees i = 4
// broken: goroutine sees i = 4
// fixed: goroutine sees i = 1
// fixed: goroutine sees i = 2
// fixed: goroutine sees i = 3
