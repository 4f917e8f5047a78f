// Exercise 7.3, a web crawler, after the Go Tour's
// (docs/learn/exercises.md): fetch pages in parallel, following links to a
// given depth, without fetching any URL twice. The fetcher is a fake: a
// map of pages. A mutex guards the set of URLs seen; a WaitGroup waits for
// every crawl goroutine.
package main

import (
	"fmt"
	"sync"
)

type fakeResult struct {
	body string
	urls []string
}

type fakeFetcher map[string]*fakeResult

func (f fakeFetcher) Fetch(url string) (string, []string, error) {
	if res, ok := f[url]; ok {
		return res.body, res.urls, nil
	}
	return "", nil, fmt.Errorf("not found: %s", url)
}

var fetcher = fakeFetcher{
	"https://golang.org/": &fakeResult{
		"The Go Programming Language",
		[]string{"https://golang.org/pkg/", "https://golang.org/cmd/"},
	},
	"https://golang.org/pkg/": &fakeResult{
		"Packages",
		[]string{"https://golang.org/", "https://golang.org/cmd/",
			"https://golang.org/pkg/fmt/", "https://golang.org/pkg/os/"},
	},
	"https://golang.org/pkg/fmt/": &fakeResult{
		"Package fmt",
		[]string{"https://golang.org/", "https://golang.org/pkg/"},
	},
	"https://golang.org/pkg/os/": &fakeResult{
		"Package os",
		[]string{"https://golang.org/", "https://golang.org/pkg/"},
	},
}

type crawler struct {
	mu   sync.Mutex
	seen map[string]bool // guarded by mu
	wg   sync.WaitGroup
}

// claim reports whether url is new, and marks it seen: one step, under the
// lock, so that two goroutines cannot both claim it.
func (c *crawler) claim(url string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[url] {
		return false
	}
	c.seen[url] = true
	return true
}

func (c *crawler) crawl(url string, depth int) {
	defer c.wg.Done()
	if depth <= 0 || !c.claim(url) {
		return
	}
	body, urls, err := fetcher.Fetch(url)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("found: %s %q\n", url, body)
	for _, u := range urls {
		c.wg.Add(1)
		go c.crawl(u, depth-1)
	}
}

func main() {
	c := &crawler{seen: map[string]bool{}}
	c.wg.Add(1)
	go c.crawl("https://golang.org/", 4)
	c.wg.Wait()
	fmt.Println("URLs seen:", len(c.seen))
}

// Unordered output:
// found: https://golang.org/ "The Go Programming Language"
// found: https://golang.org/pkg/ "Packages"
// not found: https://golang.org/cmd/
// found: https://golang.org/pkg/fmt/ "Package fmt"
// found: https://golang.org/pkg/os/ "Package os"
// URLs seen: 5
