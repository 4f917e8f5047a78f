# Exercise 2.1, ping-pong (docs/learn/exercises.md): two players hit a ball
# back and forth over queues, each hit counted on the ball; the player who
# makes the sixth hit gives the ball back to main, which ends the game.
import asyncio
from dataclasses import dataclass

MAX_HITS = 6


@dataclass
class Ball:
    hits: int = 0


async def player(name, inbox, out, done):
    """Takes the ball from inbox, hits it and passes it on to out, until the
    sentinel None comes. The last hit goes to done instead."""
    while (ball := await inbox.get()) is not None:
        ball.hits += 1
        print(name, ball.hits)
        await (done if ball.hits == MAX_HITS else out).put(ball)


async def main():
    to_ping, to_pong = asyncio.Queue(maxsize=1), asyncio.Queue(maxsize=1)
    done = asyncio.Queue(maxsize=1)
    players = [asyncio.create_task(player("ping", to_ping, to_pong, done)),
               asyncio.create_task(player("pong", to_pong, to_ping, done))]

    await to_ping.put(Ball())  # serve
    ball = await done.get()
    print("game over after", ball.hits, "hits")
    await to_ping.put(None)  # no close: a sentinel tells each player to leave
    await to_pong.put(None)
    await asyncio.gather(*players)
    print("both players left")


asyncio.run(main())

# Output:
# ping 1
# pong 2
# ping 3
# pong 4
# ping 5
# pong 6
# game over after 6 hits
# both players left
