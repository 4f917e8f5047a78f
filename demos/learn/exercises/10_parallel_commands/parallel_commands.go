// Exercise 10.2, run commands in parallel (docs/learn/exercises.md): four
// child processes at once, three of them taking 0.3 s; report each one's
// output or failure in the order given, and check that together they took
// about as long as one.
package main

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
)

func main() {
	commands := [][]string{
		{"sh", "-c", "sleep 0.3; echo one"},
		{"sh", "-c", "sleep 0.3; echo two; exit 3"},
		{"sh", "-c", "sleep 0.3; echo three"},
		{"no-such-command"},
	}
	start := time.Now()
	reports := make([]string, len(commands))
	var wg sync.WaitGroup
	for i, args := range commands {
		wg.Add(1)
		go func(i int, args []string) {
			defer wg.Done()
			out, err := exec.Command(args[0], args[1:]...).Output()
			text := strings.TrimSuffix(string(out), "\n")
			var exitErr *exec.ExitError
			switch {
			case errors.As(err, &exitErr):
				reports[i] = fmt.Sprintf("%s (%v)", text, err)
			case err != nil: // not started at all
				reports[i] = err.Error()
			default:
				reports[i] = text
			}
		}(i, args)
	}
	wg.Wait()
	for i, r := range reports {
		fmt.Printf("%d: %s\n", i+1, r)
	}
	fmt.Println("three sleeps of 0.3s took under 0.6s:", time.Since(start) < 600*time.Millisecond)
}

// Output:
// 1: one
// 2: two (exit status 3)
// 3: three
// 4: exec: "no-such-command": executable file not found in $PATH
// three sleeps of 0.3s took under 0.6s: true
