// Exercise 2.3, equivalent binary trees, after the Go Tour's
// (docs/learn/exercises.md): walk sends a search tree's values in order on a
// channel; same walks two trees at once and compares the two streams. Trees
// of different shapes can hold the same values.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <memory>
#include <span>
#include <vector>

struct tree {
  std::unique_ptr<tree> left;
  int value = 0;
  std::unique_ptr<tree> right;
};

void insert(std::unique_ptr<tree>& t, int v) {
  if (!t) {
    t = std::make_unique<tree>();
    t->value = v;
  } else {
    insert(v < t->value ? t->left : t->right, v);
  }
}

// A search tree holding k*i for each i of order, inserted in that order:
// the order decides the tree's shape.
std::unique_ptr<tree> make_tree(int k, std::span<const int> order) {
  std::unique_ptr<tree> t;
  for (int i : order) {
    insert(t, k * i);
  }
  return t;
}

void walk_values(const tree* t, const gofer::send_chan<int>& ch) {
  if (t == nullptr) return;
  walk_values(t->left.get(), ch);
  ch.send(t->value);
  walk_values(t->right.get(), ch);
}

// Sends t's values on ch in ascending order, then closes ch.
void walk(const tree* t, gofer::send_chan<int> ch) {
  walk_values(t, ch);
  ch.close();
}

// Whether t1 and t2 hold the same values. Both walkers have finished when it
// returns, so they may use the trees by pointer.
bool same(const tree& t1, const tree& t2) {
  auto c1 = gofer::make_chan<int>();
  auto c2 = gofer::make_chan<int>();
  gofer::go(walk, &t1, c1);
  gofer::go(walk, &t2, c2);
  bool result = true;
  for (;;) {
    auto [v1, ok1] = c1.recv();
    auto [v2, ok2] = c2.recv();
    if (!ok1 && !ok2) return result;
    if (ok1 != ok2 || v1 != v2) {
      result = false;  // but read on, so that both walkers can finish
    }
  }
}

int main() {
  gofer::run([] {
    const std::vector<int> shuffled{5, 3, 8, 1, 4, 7, 9, 2, 6, 10};
    const std::vector<int> sorted{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};  // a tree shaped like a list
    const auto one = make_tree(1, shuffled);

    auto ch = gofer::make_chan<int>();
    gofer::go(walk, one.get(), ch);
    fmt::print("walk:");
    for (int v : ch) {
      fmt::print(" {}", v);
    }
    fmt::print("\n");

    fmt::print("same values, other shape: {}\n", same(*one, *make_tree(1, sorted)));
    fmt::print("1..10 against 2..20: {}\n", same(*one, *make_tree(2, shuffled)));
    fmt::print("ten values against nine: {}\n",
               same(*one, *make_tree(1, std::span(shuffled).first(9))));
  });
}

// Output:
// walk: 1 2 3 4 5 6 7 8 9 10
// same values, other shape: true
// 1..10 against 2..20: false
// ten values against nine: false
