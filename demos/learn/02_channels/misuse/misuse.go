// The nil channel and the closed channel. Misuse panics; recover, which works
// only in a deferred call, turns the panic back into a value to print.
package main

import "fmt"

// try runs f and prints the panic it raised, if any.
func try(what string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("%s: panic: %v\n", what, r)
		}
	}()
	f()
}

func main() {
	var nilCh chan int // the zero value of a channel type: nil
	// A send or receive on it would block forever; a select with a default
	// shows it.
	select {
	case nilCh <- 1:
	default:
		fmt.Println("send on nil channel: would block forever")
	}
	select {
	case <-nilCh:
	default:
		fmt.Println("receive from nil channel: would block forever")
	}
	try("close(nil channel)", func() { close(nilCh) })

	ch := make(chan int, 1)
	close(ch)
	try("send on closed channel", func() { ch <- 1 })
	try("close(closed channel)", func() { close(ch) })
	v, ok := <-ch // receiving is fine: zero value, ok=false
	fmt.Printf("receive from closed channel: %d %t\n", v, ok)
}

// Output:
// send on nil channel: would block forever
// receive from nil channel: would block forever
// close(nil channel): panic: close of nil channel
// send on closed channel: panic: send on closed channel
// close(closed channel): panic: close of closed channel
// receive from closed channel: 0 false
