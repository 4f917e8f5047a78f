// When several cases are ready, select picks one at random, uniformly, so no
// channel can starve another. Here both channels always hold a value.
package main

import "fmt"

func main() {
	a := make(chan struct{}, 1)
	b := make(chan struct{}, 1)
	a <- struct{}{}
	b <- struct{}{}
	var fromA, fromB int
	for i := 0; i < 10000; i++ {
		select {
		case <-a:
			fromA++
			a <- struct{}{} // ready again
		case <-b:
			fromB++
			b <- struct{}{}
		}
	}
	fmt.Println("selects:", fromA+fromB)
	// Each count is near 5000; 4000 is more than 20 standard deviations away.
	fmt.Println("both cases chosen often:", fromA > 4000 && fromB > 4000)
}

// Output:
// selects: 10000
// both cases chosen often: true
