//go:build ignore

// Go twin of bench/http_hello.cpp: a net/http server answering every
// request with "hello\n", for bench/http_load (wrk with 64 keep-alive
// connections). Prints the address it listens on, then serves until killed.
// Run: go run http_hello.go   (GOMAXPROCS sets its threads)
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(ln.Addr().String())
	os.Stdout.Sync()
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("hello\n"))
	}))
}
