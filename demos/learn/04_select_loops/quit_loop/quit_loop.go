// A goroutine that serves until told to stop: a for loop around a select
// with one case for the work and one for the quit signal.
package main

import "fmt"

// fibonacci sends the sequence on c until quit is closed.
func fibonacci(c chan<- int, quit <-chan struct{}) {
	x, y := 0, 1
	for {
		select {
		case c <- x:
			x, y = y, x+y
		case <-quit:
			fmt.Println("quit")
			return
		}
	}
}

func main() {
	c := make(chan int)
	quit := make(chan struct{})
	go func() {
		for i := 0; i < 10; i++ {
			fmt.Print(<-c, " ")
		}
		fmt.Println()
		close(quit) // the producer's next select takes this case
	}()
	fibonacci(c, quit)
}

// Output:
// 0 1 1 2 3 5 8 13 21 34
// quit
