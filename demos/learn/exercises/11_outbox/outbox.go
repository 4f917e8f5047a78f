// Exercise 11.1, an outbox with retries (docs/learn/exercises.md): the job
// queues its events without waiting for the network; one goroutine
// delivers them in order, and retries a failed send after 200 ms, 400 ms,
// 800 ms, ..., capped at 600 ms. The tracker is a fake that refuses event 2
// three times.
package main

import (
	"fmt"
	"time"
)

var start = time.Now()

func at() time.Duration { return time.Since(start).Round(100 * time.Millisecond) }

type event struct {
	seq  int
	kind string
}

// refusals: how many more times the fake tracker refuses each event.
var refusals = map[int]int{2: 3}

func send(e event) bool {
	if refusals[e.seq] > 0 {
		refusals[e.seq]--
		return false
	}
	return true
}

// deliver sends each event until the tracker takes it, then the next one,
// until outbox is closed and drained.
func deliver(outbox <-chan event, delivered chan<- struct{}) {
	const base, maxBackoff = 200 * time.Millisecond, 600 * time.Millisecond
	for e := range outbox {
		backoff := base
		for attempt := 1; ; attempt++ {
			if send(e) {
				fmt.Printf("send seq=%d attempt=%d -> ok at %v\n", e.seq, attempt, at())
				break
			}
			fmt.Printf("send seq=%d attempt=%d -> failed at %v, retry in %v\n", e.seq, attempt, at(), backoff)
			time.Sleep(backoff) // the real agent waits a random time up to backoff
			if backoff *= 2; backoff > maxBackoff {
				backoff = maxBackoff
			}
		}
	}
	close(delivered)
}

func main() {
	outbox := make(chan event, 100) // room for every event: queueing never waits
	delivered := make(chan struct{})
	go deliver(outbox, delivered)

	for seq, kind := range []string{"start", "output", "finish"} { // the job
		if seq > 0 {
			time.Sleep(100 * time.Millisecond)
		}
		fmt.Printf("queued seq=%d type=%s at %v\n", seq+1, kind, at())
		outbox <- event{seq + 1, kind}
	}
	close(outbox)
	<-delivered
	fmt.Println("all events delivered at", at())
}

// Output:
// queued seq=1 type=start at 0s
// send seq=1 attempt=1 -> ok at 0s
// queued seq=2 type=output at 100ms
// send seq=2 attempt=1 -> failed at 100ms, retry in 200ms
// queued seq=3 type=finish at 200ms
// send seq=2 attempt=2 -> failed at 300ms, retry in 400ms
// send seq=2 attempt=3 -> failed at 700ms, retry in 600ms
// send seq=2 attempt=4 -> ok at 1.3s
// send seq=3 attempt=1 -> ok at 1.3s
// all events delivered at 1.3s
