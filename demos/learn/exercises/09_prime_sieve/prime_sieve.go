// Exercise 9.1, the prime sieve (docs/learn/exercises.md): a daisy chain of
// goroutines. A generator sends 2, 3, 4, ...; each prime found adds a
// filter stage that drops that prime's multiples. After ten primes, closing
// done stops every stage, and a WaitGroup shows that none is left.
package main

import (
	"fmt"
	"sync"
)

// generate sends 2, 3, 4, ... until done is closed.
func generate(done <-chan struct{}, stages *sync.WaitGroup) <-chan int {
	out := make(chan int)
	stages.Add(1)
	go func() {
		defer stages.Done()
		for i := 2; ; i++ {
			select {
			case out <- i:
			case <-done:
				return
			}
		}
	}()
	return out
}

// filter passes on the numbers from in that prime does not divide, until
// done is closed.
func filter(done <-chan struct{}, in <-chan int, prime int, stages *sync.WaitGroup) <-chan int {
	out := make(chan int)
	stages.Add(1)
	go func() {
		defer stages.Done()
		for {
			var i int
			select {
			case i = <-in:
			case <-done:
				return
			}
			if i%prime != 0 {
				select {
				case out <- i:
				case <-done:
					return
				}
			}
		}
	}()
	return out
}

func main() {
	done := make(chan struct{})
	var stages sync.WaitGroup
	ch := generate(done, &stages)
	var primes []int
	for len(primes) < 10 {
		prime := <-ch // the first number through every filter is a prime
		primes = append(primes, prime)
		ch = filter(done, ch, prime, &stages)
	}
	fmt.Println("primes:", primes)
	close(done)
	stages.Wait()
	fmt.Println("every stage stopped:", len(primes)+1, "goroutines")
}

// Output:
// primes: [2 3 5 7 11 13 17 19 23 29]
// every stage stopped: 11 goroutines
