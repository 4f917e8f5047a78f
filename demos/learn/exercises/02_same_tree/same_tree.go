// Exercise 2.3, equivalent binary trees, after the Go Tour's
// (docs/learn/exercises.md): Walk sends a search tree's values in order on a
// channel; Same walks two trees at once and compares the two streams. Trees
// of different shapes can hold the same values.
package main

import "fmt"

type Tree struct {
	Left  *Tree
	Value int
	Right *Tree
}

func insert(t *Tree, v int) *Tree {
	if t == nil {
		return &Tree{Value: v}
	}
	if v < t.Value {
		t.Left = insert(t.Left, v)
	} else {
		t.Right = insert(t.Right, v)
	}
	return t
}

// New returns a search tree holding k*i for each i of order, inserted in
// that order: the order decides the tree's shape.
func New(k int, order []int) *Tree {
	var t *Tree
	for _, i := range order {
		t = insert(t, k*i)
	}
	return t
}

// Walk sends t's values on ch in ascending order, then closes ch.
func Walk(t *Tree, ch chan<- int) {
	walk(t, ch)
	close(ch)
}

func walk(t *Tree, ch chan<- int) {
	if t == nil {
		return
	}
	walk(t.Left, ch)
	ch <- t.Value
	walk(t.Right, ch)
}

// Same reports whether t1 and t2 hold the same values.
func Same(t1, t2 *Tree) bool {
	c1, c2 := make(chan int), make(chan int)
	go Walk(t1, c1)
	go Walk(t2, c2)
	same := true
	for {
		v1, ok1 := <-c1
		v2, ok2 := <-c2
		if !ok1 && !ok2 {
			return same
		}
		if ok1 != ok2 || v1 != v2 {
			same = false // but read on, so that both walkers can finish
		}
	}
}

func main() {
	shuffled := []int{5, 3, 8, 1, 4, 7, 9, 2, 6, 10}
	sorted := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10} // a tree shaped like a list

	ch := make(chan int)
	go Walk(New(1, shuffled), ch)
	fmt.Print("walk:")
	for v := range ch {
		fmt.Print(" ", v)
	}
	fmt.Println()

	fmt.Println("same values, other shape:", Same(New(1, shuffled), New(1, sorted)))
	fmt.Println("1..10 against 2..20:", Same(New(1, shuffled), New(2, shuffled)))
	fmt.Println("ten values against nine:", Same(New(1, shuffled), New(1, shuffled[:9])))
}

// Output:
// walk: 1 2 3 4 5 6 7 8 9 10
// same values, other shape: true
// 1..10 against 2..20: false
// ten values against nine: false
