// Restoring sequence: each message carries a channel to wait on, and its
// sender waits there until main says "go on" (Pike, "Go Concurrency
// Patterns"). Ann is three times faster than Joe, yet through one fan-in
// channel they speak in turn.
package main

import (
	"fmt"
	"time"
)

type Message struct {
	str  string
	wait chan bool
}

func boring(msg string, d time.Duration) <-chan Message {
	c := make(chan Message)
	waitForIt := make(chan bool) // shared by all of this talker's messages
	go func() {
		for i := 0; ; i++ {
			time.Sleep(d)
			c <- Message{fmt.Sprintf("%s %d", msg, i), waitForIt}
			<-waitForIt // blocks until main lets this talker go on
		}
	}()
	return c
}

func fanIn(input1, input2 <-chan Message) <-chan Message {
	c := make(chan Message)
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

func main() {
	c := fanIn(boring("Joe", 300*time.Millisecond), boring("Ann", 100*time.Millisecond))
	for i := 0; i < 3; i++ {
		msg1 := <-c
		fmt.Println(msg1.str)
		msg2 := <-c
		fmt.Println(msg2.str)
		msg1.wait <- true
		msg2.wait <- true
	}
	fmt.Println("You're both boring; I'm leaving.")
}

// Output:
// Ann 0
// Joe 0
// Ann 1
// Joe 1
// Ann 2
// Joe 2
// You're both boring; I'm leaving.
