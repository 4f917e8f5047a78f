// Go twins of io_bench's workloads (bench/io_bench.cpp), with the same names
// and the same op. Run from this folder:
//
//	go test -run '^$' -bench 'TcpEchoRoundTrip|SpawnWaitTrue' -cpu 1,2
package bench

import (
	"io"
	"net"
	"os/exec"
	"testing"
)

// One 64-byte message to an echo goroutine and back over one loopback TCP
// connection: ns per round trip.
func BenchmarkTcpEchoRoundTrip(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		buffer := make([]byte, 4096)
		for {
			n, err := c.Read(buffer)
			if err != nil {
				break
			}
			if _, err := c.Write(buffer[:n]); err != nil {
				break
			}
		}
		c.Close()
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	message := make([]byte, 64)
	reply := make([]byte, 64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(message); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, reply); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	c.Close()
	ln.Close()
	<-done
}

// Start /bin/true and wait for it: ns per process.
func BenchmarkSpawnWaitTrue(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if err := exec.Command("/bin/true").Run(); err != nil {
			b.Fatal(err)
		}
	}
}
