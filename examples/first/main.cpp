// Your first gofer program: three goroutines square a number each and send
// the result on a channel; main receives the three and adds them up. In Go:
//
//   results := make(chan int)
//   for n := 1; n <= 3; n++ {
//   	go func(n int) { results <- n * n }(n)
//   }
//   sum := 0
//   for i := 0; i < 3; i++ {
//   	sum += <-results
//   }
//   fmt.Println("sum of squares:", sum)
#include <gofer/gofer.hpp>

#include <cstdio>

int main() {
  gofer::run([] {
    auto results = gofer::make_chan<int>();
    for (int n = 1; n <= 3; ++n) {
      gofer::go([results, n] { results.send(n * n); });
    }
    int sum = 0;
    for (int i = 0; i < 3; ++i) {
      sum += results.get();
    }
    std::printf("sum of squares: %d\n", sum);
  });
}

// Output:
// sum of squares: 14
