// Running another program: exec.Command makes a child process; Output
// starts it, waits for it and returns what it wrote to stdout. A program
// that fails gives an *exec.ExitError, with its exit status and, since
// Output collected it, its stderr.
package main

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

func main() {
	out, err := exec.Command("echo", "hello from a child").Output()
	if err != nil {
		panic(err)
	}
	fmt.Println("echo printed:", strings.TrimSpace(string(out)))

	_, err = exec.Command("sh", "-c", "echo oops >&2; exit 3").Output()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		fmt.Println("sh:", err) // "exit status 3"
		fmt.Println("exit code:", exitErr.ExitCode())
		fmt.Println("its stderr:", strings.TrimSpace(string(exitErr.Stderr)))
	}
}

// Output:
// echo printed: hello from a child
// sh: exit status 3
// exit code: 3
// its stderr: oops
