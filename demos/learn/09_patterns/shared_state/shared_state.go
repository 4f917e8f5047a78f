// Shared state, two ways: a mutex that guards a map of counters (after Go
// by Example's "Mutexes"), and confinement, where one goroutine owns the map
// and the others send it requests (after "Stateful Goroutines"). Three
// goroutines add 1000 each: two to "a", one to "b".
package main

import (
	"fmt"
	"runtime"
	"sync"
)

// Counters holds a map of counters; mu guards it.
type Counters struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *Counters) inc(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	value := c.n[name]
	runtime.Gosched() // others run mid-update; the lock keeps them out
	c.n[name] = value + 1
}

func withMutex() {
	c := Counters{n: map[string]int{}}
	var wg sync.WaitGroup
	for _, name := range []string{"a", "a", "b"} {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				c.inc(name)
			}
		}(name)
	}
	wg.Wait()
	fmt.Println("locked: a =", c.n["a"], "b =", c.n["b"])
}

type readOp struct {
	name string
	resp chan int
}

// owner is the only goroutine that touches the map: no lock needed.
func owner(incs <-chan string, reads <-chan readOp) {
	n := map[string]int{}
	for {
		select {
		case name := <-incs:
			n[name]++
		case read := <-reads:
			read.resp <- n[read.name]
		}
	}
}

func confined() {
	incs := make(chan string)
	reads := make(chan readOp)
	go owner(incs, reads)

	var wg sync.WaitGroup
	for _, name := range []string{"a", "a", "b"} {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				incs <- name // returns once the owner has taken it
			}
		}(name)
	}
	wg.Wait()

	get := func(name string) int {
		resp := make(chan int)
		reads <- readOp{name, resp}
		return <-resp
	}
	fmt.Println("confined: a =", get("a"), "b =", get("b"))
}

func main() {
	withMutex()
	confined()
}

// Output:
// locked: a = 2000 b = 1000
// confined: a = 2000 b = 1000
