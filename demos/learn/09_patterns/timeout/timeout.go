// Timeouts with select (Pike, "Go Concurrency Patterns"): a timer per
// message, made anew in each loop, bounds the wait for one message; one
// timer made before the loop bounds the whole conversation. The talker
// slows down: each message takes twice as long as the one before.
package main

import (
	"fmt"
	"time"
)

func boring(msg string) <-chan string {
	c := make(chan string)
	go func() {
		d := 100 * time.Millisecond
		for i := 0; ; i++ {
			time.Sleep(d) // 100ms, 200ms, 400ms, ...
			c <- fmt.Sprintf("%s %d", msg, i)
			d *= 2
		}
	}()
	return c
}

func perMessage() {
	c := boring("Joe")
	for {
		select {
		case s := <-c:
			fmt.Println(s)
		case <-time.After(300 * time.Millisecond): // a new timer each time round
			fmt.Println("You're too slow.")
			return
		}
	}
}

func wholeConversation() {
	c := boring("Ann")
	timeout := time.After(500 * time.Millisecond) // one timer for the whole loop
	for {
		select {
		case s := <-c:
			fmt.Println(s)
		case <-timeout:
			fmt.Println("You talk too much.")
			return
		}
	}
}

func main() {
	perMessage()
	wholeConversation()
}

// Output:
// Joe 0
// Joe 1
// You're too slow.
// Ann 0
// Ann 1
// You talk too much.
