// When does a new goroutine start running? The go statement makes it
// runnable at once, and with several processors another thread may pick it
// up before the next line of main runs. So the first two lines below come in
// either order, and reading a variable the goroutine writes, without
// synchronization, would be a data race.
package main

import "fmt"

func main() {
	done := make(chan struct{})
	go func() {
		fmt.Println("goroutine: running")
		close(done)
	}()
	fmt.Println("main: after go")
	<-done // the goroutine has certainly run once this returns
	fmt.Println("main: goroutine finished")
}

// Unordered output:
// main: after go
// goroutine: running
// main: goroutine finished
