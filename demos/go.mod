// The Go programs of the demos: the teaching examples (learn/, each beside
// its C++ and Python twins), the monitor's steps (monitor/) and the job
// agent's twin (jobs/twins/). Each .go file is a program of its own
// (package main), run with `go run <file>`: a folder that holds C++ files is
// not a Go package, so give go run, go vet and go build the file.
module gofer/demos

go 1.19
