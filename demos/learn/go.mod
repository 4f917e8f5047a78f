module gofer/learn

go 1.19
