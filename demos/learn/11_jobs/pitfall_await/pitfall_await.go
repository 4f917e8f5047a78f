// Go has no counterpart of the asyncio pitfall: a plain call runs to its
// end before the next line, as `await` does, and `go f()` starts f at once,
// as create_task does, without an await to let it run. One after the
// other, nothing reports while the job runs; started as goroutines, the
// reporters run beside it.
package main

import (
	"fmt"
	"time"
)

func sendStart() {
	time.Sleep(50 * time.Millisecond) // the tracker's answer takes a while
	fmt.Println("start sent")
}

// heartbeats beats every 100 ms until done is closed, and says how many.
func heartbeats(done <-chan struct{}) int {
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for n := 0; ; {
		select {
		case <-done:
			return n
		case <-ticker.C:
			n++
			fmt.Println("heartbeat", n)
		}
	}
}

func runJob(done chan<- struct{}) {
	fmt.Println("job running")
	time.Sleep(250 * time.Millisecond)
	fmt.Println("job done")
	close(done)
}

func main() {
	fmt.Println("-- one after the other")
	done := make(chan struct{})
	sendStart()  // runs to its end: the job waits for the tracker
	runJob(done) // runs to its end: nothing reports meanwhile
	fmt.Println("heartbeats while the job ran:", heartbeats(done))

	fmt.Println("-- started beside the job")
	done = make(chan struct{})
	started, beats := make(chan struct{}), make(chan int, 1)
	go func() {
		sendStart()
		close(started)
	}()
	go func() { beats <- heartbeats(done) }()
	runJob(done)
	<-started
	fmt.Println("heartbeats while the job ran:", <-beats)
}

// Output:
// -- one after the other
// start sent
// job running
// job done
// heartbeats while the job ran: 0
// -- started beside the job
// job running
// start sent
// heartbeat 1
// heartbeat 2
// job done
// heartbeats while the job ran: 2
