// Exercise 10.1, an echo server that counts its connections
// (docs/learn/exercises.md): the server listens on 127.0.0.1, on a port the
// system picks; three clients at once each send a line and read it back.
// Closing the listener ends the accept loop, which waits for its handlers
// and reports how many connections it served.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
)

// serve accepts until ln is closed, echoes each connection in a goroutine
// of its own, and sends on served how many it accepted.
func serve(ln net.Listener, served chan<- int) {
	var handlers sync.WaitGroup
	count := 0 // only this goroutine touches it
	for {
		conn, err := ln.Accept()
		if err != nil { // net.ErrClosed: main closed the listener
			handlers.Wait()
			served <- count
			return
		}
		count++
		handlers.Add(1)
		go func() {
			defer handlers.Done()
			defer conn.Close()
			io.Copy(conn, conn) // until the client closes its side
		}()
	}
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // port 0: the system picks a free one
	if err != nil {
		panic(err)
	}
	served := make(chan int)
	go serve(ln, served)

	replies := make([]string, 3)
	var clients sync.WaitGroup
	for i := range replies {
		clients.Add(1)
		go func(i int) {
			defer clients.Done()
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				panic(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "hello from client %d\n", i+1)
			reply, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil {
				panic(err)
			}
			replies[i] = strings.TrimSuffix(reply, "\n")
		}(i)
	}
	clients.Wait()
	for _, r := range replies {
		fmt.Println("echo:", r)
	}
	ln.Close()
	fmt.Println("server: served", <-served, "connections")
}

// Output:
// echo: hello from client 1
// echo: hello from client 2
// echo: hello from client 3
// server: served 3 connections
