// An echo server and its client in one program. The server listens on
// 127.0.0.1, port 0 (the system picks a free one), accepts in a goroutine
// of its own and serves each connection in another. The client dials it,
// writes two messages and reads each one back. Closing the listener ends
// the blocked Accept, and so the server.
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// serve accepts until ln is closed; each connection gets a goroutine that
// writes back what it reads, until the client closes its side.
func serve(ln net.Listener, handlers *sync.WaitGroup) {
	for {
		conn, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			fmt.Println("server: listener closed")
			return
		} else if err != nil {
			panic(err)
		}
		handlers.Add(1)
		go func() {
			defer handlers.Done()
			defer conn.Close()
			n, _ := io.Copy(conn, conn) // until the client's EOF
			fmt.Printf("server: echoed %d bytes, client gone\n", n)
		}()
	}
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	var handlers sync.WaitGroup
	served := make(chan struct{})
	go func() {
		serve(ln, &handlers)
		close(served)
	}()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	for _, message := range []string{"hello", "goroutines"} {
		if _, err := conn.Write([]byte(message)); err != nil {
			panic(err)
		}
		reply := make([]byte, len(message))
		if _, err := io.ReadFull(conn, reply); err != nil {
			panic(err)
		}
		fmt.Println("client:", string(reply))
	}
	conn.Close() // the server reads EOF

	handlers.Wait() // every handler has returned
	ln.Close()      // ends the blocked Accept
	<-served
}

// Output:
// client: hello
// client: goroutines
// server: echoed 15 bytes, client gone
// server: listener closed
