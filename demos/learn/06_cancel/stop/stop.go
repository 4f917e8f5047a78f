// A stop channel: main tells one worker to stop by sending on a channel that
// the worker watches in the same select as its work.
package main

import (
	"fmt"
	"time"
)

func worker(stop <-chan struct{}, stopped chan<- string) {
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	for n := 1; ; n++ {
		select {
		case <-ticker.C:
			fmt.Println("working", n)
		case <-stop:
			stopped <- "worker stopped after its work"
			return
		}
	}
}

func main() {
	stop := make(chan struct{}) // struct{}: an event, no value
	stopped := make(chan string)
	go worker(stop, stopped)

	time.Sleep(350 * time.Millisecond)
	stop <- struct{}{} // unbuffered: returns once the worker has taken it
	fmt.Println(<-stopped)
}

// Output:
// working 1
// working 2
// working 3
// worker stopped after its work
