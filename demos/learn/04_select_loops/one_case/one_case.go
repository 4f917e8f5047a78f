// A select runs exactly one case. When both channels hold a value, one is
// received and the other stays in its channel for a later receive.
package main

import "fmt"

func main() {
	a := make(chan string, 1)
	b := make(chan string, 1)
	a <- "x"
	b <- "y"
	select {
	case <-a:
	case <-b:
	}
	fmt.Println("values still in the channels:", len(a)+len(b))
}

// Output:
// values still in the channels: 1
