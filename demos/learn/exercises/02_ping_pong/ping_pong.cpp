// Exercise 2.1, ping-pong (docs/learn/exercises.md): two players hit a ball
// back and forth over channels, each hit counted on the ball; the player
// who makes the sixth hit gives the ball back to main, which ends the game.
#include <gofer/gofer.hpp>

#include <fmt/core.h>

#include <string>

struct ball {
  int hits = 0;
};

constexpr int max_hits = 6;

// Takes the ball from in, hits it and passes it on out, until in is closed.
// The last hit goes to done instead.
void player(const std::string& name, gofer::recv_chan<ball> in, gofer::send_chan<ball> out,
            gofer::send_chan<ball> done) {
  for (ball b : in) {
    ++b.hits;
    fmt::print("{} {}\n", name, b.hits);
    if (b.hits == max_hits) {
      done.send(b);
    } else {
      out.send(b);
    }
  }
}

int main() {
  gofer::run([] {
    auto to_ping = gofer::make_chan<ball>();  // unbuffered: each hit is a handoff
    auto to_pong = gofer::make_chan<ball>();
    auto done = gofer::make_chan<ball>();
    gofer::wait_group players;
    players.go([=] { player("ping", to_ping, to_pong, done); });
    players.go([=] { player("pong", to_pong, to_ping, done); });

    to_ping.send(ball{});  // serve
    const ball b = done.get();
    fmt::print("game over after {} hits\n", b.hits);
    // The ball is back: nobody sends on the tables any more, so closing them
    // is safe, and both players' range loops end.
    to_ping.close();
    to_pong.close();
    players.wait();
    fmt::print("both players left\n");
  });
}

// Output:
// ping 1
// pong 2
// ping 3
// pong 4
// ping 5
// pong 6
// game over after 6 hits
// both players left
