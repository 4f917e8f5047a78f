// Exercise 2.1, ping-pong (docs/learn/exercises.md): two players hit a ball
// back and forth over channels, each hit counted on the ball; the player
// who makes the sixth hit gives the ball back to main, which ends the game.
package main

import (
	"fmt"
	"sync"
)

type Ball struct{ hits int }

const maxHits = 6

// player takes the ball from in, hits it and passes it on out, until in is
// closed. The last hit goes to done instead.
func player(name string, in <-chan *Ball, out chan<- *Ball, done chan<- *Ball) {
	for ball := range in {
		ball.hits++
		fmt.Println(name, ball.hits)
		if ball.hits == maxHits {
			done <- ball
		} else {
			out <- ball
		}
	}
}

func main() {
	toPing, toPong := make(chan *Ball), make(chan *Ball) // unbuffered: each hit is a handoff
	done := make(chan *Ball)
	var players sync.WaitGroup
	players.Add(2)
	go func() {
		defer players.Done()
		player("ping", toPing, toPong, done)
	}()
	go func() {
		defer players.Done()
		player("pong", toPong, toPing, done)
	}()

	toPing <- new(Ball) // serve
	ball := <-done
	fmt.Println("game over after", ball.hits, "hits")
	// The ball is back: nobody sends on the tables any more, so closing
	// them is safe, and both players' range loops end.
	close(toPing)
	close(toPong)
	players.Wait()
	fmt.Println("both players left")
}

// Output:
// ping 1
// pong 2
// ping 3
// pong 4
// ping 5
// pong 6
// game over after 6 hits
// both players left
