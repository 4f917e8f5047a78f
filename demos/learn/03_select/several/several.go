// select waits on several channel operations at once and runs the one that
// becomes ready first.
package main

import (
	"fmt"
	"time"
)

func main() {
	one := make(chan string)
	two := make(chan string)
	go func() {
		time.Sleep(200 * time.Millisecond)
		one <- "after 200ms"
	}()
	go func() {
		time.Sleep(100 * time.Millisecond)
		two <- "after 100ms"
	}()
	for i := 0; i < 2; i++ {
		select {
		case msg := <-one:
			fmt.Println("from one:", msg)
		case msg := <-two:
			fmt.Println("from two:", msg)
		}
	}
}

// Output:
// from two: after 100ms
// from one: after 200ms
