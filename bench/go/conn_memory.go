//go:build ignore

// Go twin of bench/conn_memory.cpp: N loopback TCP connections accepted,
// each served by a goroutine blocked in Read with a 4 KiB buffer that has
// read one byte already (as after a first request); reports
// (VmRSS with them all parked - VmRSS before) / N. The client is this
// program run again as a child ("client PORT N"), holding N sockets until
// its stdin closes.
// Run: go run conn_memory.go [N]
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

func rssKiB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := s.Text(); strings.HasPrefix(line, "VmRSS:") {
			v, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return v
		}
	}
	return 0
}

func client(port string, n int) {
	conns := make([]net.Conn, 0, n)
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err != nil {
			panic(err)
		}
		if _, err := c.Write([]byte("x")); err != nil { // a first "request"
			panic(err)
		}
		conns = append(conns, c)
	}
	buf := make([]byte, 1)
	os.Stdin.Read(buf) // until the parent is done
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "client" {
		n, _ := strconv.Atoi(os.Args[3])
		client(os.Args[2], n)
		return
	}
	n := 10000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	before := rssKiB()
	child := exec.Command(os.Args[0], "client", port, strconv.Itoa(n))
	stdin, _ := child.StdinPipe()
	if err := child.Start(); err != nil {
		panic(err)
	}
	var serving sync.WaitGroup
	for i := 0; i < n; i++ {
		c, err := ln.Accept()
		if err != nil {
			panic(err)
		}
		serving.Add(1)
		go func() {
			defer serving.Done()
			buf := make([]byte, 4096)
			for {
				if _, err := c.Read(buf); err != nil {
					break
				}
			}
			c.Close()
		}()
	}
	time.Sleep(200 * time.Millisecond)
	after := rssKiB()
	fmt.Printf("%-8s %-8s %14s\n", "threads", "conns", "bytes/conn")
	fmt.Printf("%-8d %-8d %14.0f\n", runtime.GOMAXPROCS(0), n, float64(after-before)*1024/float64(n))
	stdin.Close()
	serving.Wait()
	ln.Close()
	child.Wait()
}
