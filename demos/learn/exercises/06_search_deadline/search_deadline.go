// Exercise 6.1, a deadline for the whole search (docs/learn/exercises.md):
// a search asks three backends at once; whatever they have by 500 ms is the
// answer, and the slow backend is stopped, not abandoned.
package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

type backend struct {
	name    string
	latency time.Duration
}

var backends = []backend{
	{"web", 200 * time.Millisecond},
	{"images", 400 * time.Millisecond},
	{"video", 600 * time.Millisecond},
}

// fetch stands for a request to b that takes b.latency, unless ctx ends first.
func fetch(ctx context.Context, b backend, query string) (string, error) {
	select {
	case <-time.After(b.latency):
		return fmt.Sprintf("%s result for %q", b.name, query), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func search(ctx context.Context, query string) []string {
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	results := make([]string, len(backends))
	var wg sync.WaitGroup
	for i, b := range backends {
		wg.Add(1)
		go func(i int, b backend) {
			defer wg.Done()
			r, err := fetch(ctx, b, query)
			if err != nil {
				r = fmt.Sprint(b.name, ": ", err)
			}
			results[i] = r // each goroutine writes its own element
		}(i, b)
	}
	wg.Wait() // every fetch has returned: none is left running
	return results
}

func main() {
	start := time.Now()
	for _, r := range search(context.Background(), "gofer") {
		fmt.Println(r)
	}
	fmt.Println("search took", time.Since(start).Round(100*time.Millisecond))
}

// Output:
// web result for "gofer"
// images result for "gofer"
// video: context deadline exceeded
// search took 500ms
