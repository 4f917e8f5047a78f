// Google Search 1.0 to 3.0 (Pike, "Go Concurrency Patterns"): three fake
// searches, run one after the other, then concurrently, then with a
// timeout, then each sent to two replicas, keeping the first answer.
// Pike's searches take a random time; these take a fixed one.
package main

import (
	"fmt"
	"time"
)

type Result string
type Search func(query string) Result

func fakeSearch(kind string, latency time.Duration) Search {
	return func(query string) Result {
		time.Sleep(latency)
		return Result(fmt.Sprintf("%s result for %q", kind, query))
	}
}

var (
	Web1   = fakeSearch("web1", 100*time.Millisecond)
	Image1 = fakeSearch("image1", 300*time.Millisecond)
	Video1 = fakeSearch("video1", 600*time.Millisecond)
	Web2   = fakeSearch("web2", 500*time.Millisecond)
	Image2 = fakeSearch("image2", 700*time.Millisecond)
	Video2 = fakeSearch("video2", 200*time.Millisecond)
)

// Google10 runs the searches one after the other.
func Google10(query string) (results []Result) {
	results = append(results, Web1(query))
	results = append(results, Image1(query))
	results = append(results, Video1(query))
	return
}

// Google20 runs them concurrently: fan-in, no waiting for the slowest first.
func Google20(query string) (results []Result) {
	c := make(chan Result)
	go func() { c <- Web1(query) }()
	go func() { c <- Image1(query) }()
	go func() { c <- Video1(query) }()
	for i := 0; i < 3; i++ {
		results = append(results, <-c)
	}
	return
}

// Google21 does not wait for slow servers: one timeout for the whole search.
func Google21(query string) (results []Result) {
	c := make(chan Result)
	go func() { c <- Web1(query) }()
	go func() { c <- Image1(query) }()
	go func() { c <- Video1(query) }()
	timeout := time.After(400 * time.Millisecond)
	for i := 0; i < 3; i++ {
		select {
		case result := <-c:
			results = append(results, result)
		case <-timeout:
			fmt.Println("  timed out")
			return
		}
	}
	return
}

// First sends the query to every replica and returns the first answer.
func First(query string, replicas ...Search) Result {
	c := make(chan Result)
	searchReplica := func(i int) { c <- replicas[i](query) }
	for i := range replicas {
		go searchReplica(i)
	}
	return <-c
}

// Google30 asks two replicas of each search: the slow ones are rarely slow
// together.
func Google30(query string) (results []Result) {
	c := make(chan Result)
	go func() { c <- First(query, Web1, Web2) }()
	go func() { c <- First(query, Image1, Image2) }()
	go func() { c <- First(query, Video1, Video2) }()
	timeout := time.After(400 * time.Millisecond)
	for i := 0; i < 3; i++ {
		select {
		case result := <-c:
			results = append(results, result)
		case <-timeout:
			fmt.Println("  timed out")
			return
		}
	}
	return
}

func show(version string, google func(query string) []Result) {
	fmt.Println(version)
	start := time.Now()
	results := google("golang")
	elapsed := time.Since(start).Round(100 * time.Millisecond)
	for _, result := range results {
		fmt.Println(" ", result)
	}
	fmt.Println(" ", len(results), "results in", elapsed)
}

func main() {
	show("Search 1.0", Google10)
	show("Search 2.0", Google20)
	show("Search 2.1", Google21)
	show("Search 3.0", Google30)
}

// Output:
// Search 1.0
//   web1 result for "golang"
//   image1 result for "golang"
//   video1 result for "golang"
//   3 results in 1s
// Search 2.0
//   web1 result for "golang"
//   image1 result for "golang"
//   video1 result for "golang"
//   3 results in 600ms
// Search 2.1
//   timed out
//   web1 result for "golang"
//   image1 result for "golang"
//   2 results in 400ms
// Search 3.0
//   web1 result for "golang"
//   video2 result for "golang"
//   image1 result for "golang"
//   3 results in 300ms
