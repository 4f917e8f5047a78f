// A read that waits for data that never comes: the server accepts and says
// nothing. In Go only two things end a blocked Read: a deadline, and Close
// (from another goroutine).
package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	quiet := make(chan net.Conn, 1)
	go func() { // a server that accepts and never writes
		c, err := ln.Accept()
		if err != nil {
			panic(err)
		}
		quiet <- c
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer (<-quiet).Close()
	buffer := make([]byte, 64)

	conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, err = conn.Read(buffer)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		fmt.Println("the deadline ended the read")
	}

	conn.SetReadDeadline(time.Time{}) // no deadline
	go func() {
		time.Sleep(100 * time.Millisecond)
		conn.Close()
	}()
	_, err = conn.Read(buffer)
	if errors.Is(err, net.ErrClosed) {
		fmt.Println("Close ended the read")
	}
}

// Output:
// the deadline ended the read
// Close ended the read
