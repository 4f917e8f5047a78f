// The daisy chain (Pike, "Go Concurrency Patterns"): 100,000 goroutines in
// a row, each waiting for a number from its right, adding one and passing
// it to its left.
package main

import "fmt"

func f(left, right chan int) {
	left <- 1 + <-right
}

func main() {
	const n = 100000
	leftmost := make(chan int)
	right := leftmost
	left := leftmost
	for i := 0; i < n; i++ {
		right = make(chan int)
		go f(left, right)
		left = right
	}
	go func(c chan int) { c <- 1 }(right)
	fmt.Println(<-leftmost)
}

// Output:
// 100001
