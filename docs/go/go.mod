// The Go versions of the docs' examples: each .go file is a program of its
// own (package main), run with `go run <file>`, as in Go's test/ directory.
module gofer/docs

go 1.19
