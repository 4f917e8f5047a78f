// Fan-in: merge two channels into one, so whoever is ready talks first
// (Pike, "Go Concurrency Patterns"). fanIn forwards each input in a
// goroutine of its own; fanInSelect does it in one goroutine with select.
package main

import (
	"fmt"
	"time"
)

func boring(msg string, d time.Duration) <-chan string {
	c := make(chan string)
	go func() {
		for i := 0; ; i++ {
			time.Sleep(d)
			c <- fmt.Sprintf("%s %d", msg, i)
		}
	}()
	return c
}

func fanIn(input1, input2 <-chan string) <-chan string {
	c := make(chan string)
	go func() {
		for {
			c <- <-input1
		}
	}()
	go func() {
		for {
			c <- <-input2
		}
	}()
	return c
}

func fanInSelect(input1, input2 <-chan string) <-chan string {
	c := make(chan string)
	go func() {
		for {
			select {
			case s := <-input1:
				c <- s
			case s := <-input2:
				c <- s
			}
		}
	}()
	return c
}

func listen(c <-chan string) {
	for i := 0; i < 5; i++ {
		fmt.Println(<-c)
	}
	fmt.Println("You're both boring; I'm leaving.")
}

func main() {
	// Joe talks every 300ms, Ann every 500ms.
	listen(fanIn(boring("Joe", 300*time.Millisecond), boring("Ann", 500*time.Millisecond)))
	listen(fanInSelect(boring("Joe", 300*time.Millisecond), boring("Ann", 500*time.Millisecond)))
}

// Output:
// Joe 0
// Ann 0
// Joe 1
// Joe 2
// Ann 1
// You're both boring; I'm leaving.
// Joe 0
// Ann 0
// Joe 1
// Joe 2
// Ann 1
// You're both boring; I'm leaving.
