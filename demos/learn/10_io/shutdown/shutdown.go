// A program's shutdown as a select case: signal.Notify relays SIGINT and
// SIGTERM to a channel, which main's select watches beside its work. Here
// the program sends itself SIGINT after three jobs, as Ctrl-C would.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Buffered: Notify drops a signal it cannot deliver at once.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(signals)

	results := make(chan string)
	go func() {
		for n := 1; n <= 3; n++ {
			results <- fmt.Sprintf("job %d done", n)
		}
		syscall.Kill(os.Getpid(), syscall.SIGINT) // as if someone pressed Ctrl-C
	}()

	for {
		select {
		case result := <-results:
			fmt.Println(result)
		case sig := <-signals:
			fmt.Printf("got signal %d: shutting down\n", sig)
			fmt.Println("stopped cleanly")
			return
		}
	}
}

// Output:
// job 1 done
// job 2 done
// job 3 done
// got signal 2: shutting down
// stopped cleanly
