//go:build ignore

// Go twin of bench/memory_per_goroutine.cpp: starts N goroutines, each
// blocked on a receive from one channel, and reports resident memory per
// goroutine, as the C++ program does: VmRSS while they are blocked, the peak
// (VmHWM) then, and the peak after they returned, each minus VmRSS before.
// Run: go run memory_per_goroutine.go [N ...]
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// statusKiB reads a "VmRSS:"-style field of /proc/self/status, in KiB.
func statusKiB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := s.Text(); strings.HasPrefix(line, field+":") {
			rest := strings.TrimPrefix(line, field+":")
			kib, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(rest, "kB")), 10, 64)
			return kib
		}
	}
	panic("no " + field)
}

// Each count runs in a fresh process (this program again, with -n), so that
// one count's freed stacks and peak RSS do not bleed into the next.
func main() {
	if len(os.Args) == 3 && os.Args[1] == "-n" {
		n, _ := strconv.Atoi(os.Args[2])
		measure(n)
		return
	}
	counts := []string{"100000", "1000000"}
	if len(os.Args) > 1 {
		counts = os.Args[1:]
	}
	fmt.Printf("%-10s %11s %12s %12s %12s %12s\n", "N", "stack", "blocked B/g", "peak@blk B/g",
		"peak@end B/g", "spawn ns/g")
	for _, n := range counts {
		child := exec.Command(os.Args[0], "-n", n)
		child.Stdout, child.Stderr = os.Stdout, os.Stderr
		if err := child.Run(); err != nil {
			fmt.Printf("%-10s failed: %v\n", n, err)
		}
	}
}

func measure(n int) {
	block := make(chan struct{})
	var started, finished sync.WaitGroup
	started.Add(n)
	finished.Add(n)
	base := statusKiB("VmRSS")
	begin := time.Now()
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			<-block
			finished.Done()
		}()
	}
	started.Wait()
	spawn := time.Since(begin)
	// Let the last goroutines reach the receive.
	time.Sleep(100 * time.Millisecond)
	rss := statusKiB("VmRSS")
	rssPeak := statusKiB("VmHWM")
	close(block)
	finished.Wait()
	peak := statusKiB("VmHWM")
	perGoroutine := func(kib int64) int64 { return (kib - base) * 1024 / int64(n) }
	fmt.Printf("%-10d %11s %12d %12d %12d %12d\n", n, "Go", perGoroutine(rss), perGoroutine(rssPeak),
		perGoroutine(peak), spawn.Nanoseconds()/int64(n))
}
