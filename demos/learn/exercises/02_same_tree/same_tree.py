# Exercise 2.3, equivalent binary trees, after the Go Tour's
# (docs/learn/exercises.md): walk puts a search tree's values in order on a
# queue; same walks two trees at once and compares the two streams. Trees
# of different shapes can hold the same values.
import asyncio
from dataclasses import dataclass
from typing import Optional


@dataclass
class Tree:
    left: Optional["Tree"]
    value: int
    right: Optional["Tree"]


def insert(t, v):
    if t is None:
        return Tree(None, v, None)
    if v < t.value:
        t.left = insert(t.left, v)
    else:
        t.right = insert(t.right, v)
    return t


def new(k, order):
    """A search tree holding k*i for each i of order, inserted in that order:
    the order decides the tree's shape."""
    t = None
    for i in order:
        t = insert(t, k * i)
    return t


async def walk(t, queue):
    """Puts t's values on queue in ascending order, then the sentinel None."""
    await walk_values(t, queue)
    await queue.put(None)


async def walk_values(t, queue):
    if t is None:
        return
    await walk_values(t.left, queue)
    await queue.put(t.value)
    await walk_values(t.right, queue)


async def same(t1, t2):
    """Whether t1 and t2 hold the same values."""
    q1, q2 = asyncio.Queue(maxsize=1), asyncio.Queue(maxsize=1)
    walkers = [asyncio.create_task(walk(t1, q1)), asyncio.create_task(walk(t2, q2))]
    result = True
    v1 = v2 = 0
    while v1 is not None or v2 is not None:
        # A queue whose sentinel came is not read again: it would wait forever.
        v1 = await q1.get() if v1 is not None else None
        v2 = await q2.get() if v2 is not None else None
        if v1 != v2:
            result = False  # but read on, so that both walkers can finish
    await asyncio.gather(*walkers)
    return result


async def main():
    shuffled = [5, 3, 8, 1, 4, 7, 9, 2, 6, 10]
    ordered = list(range(1, 11))  # a tree shaped like a list

    queue = asyncio.Queue(maxsize=1)
    walker = asyncio.create_task(walk(new(1, shuffled), queue))
    values = []
    while (v := await queue.get()) is not None:
        values.append(v)
    await walker
    print("walk:", *values)

    print("same values, other shape:", await same(new(1, shuffled), new(1, ordered)))
    print("1..10 against 2..20:", await same(new(1, shuffled), new(2, shuffled)))
    print("ten values against nine:", await same(new(1, shuffled), new(1, shuffled[:9])))


asyncio.run(main())

# Output:
# walk: 1 2 3 4 5 6 7 8 9 10
# same values, other shape: True
# 1..10 against 2..20: False
# ten values against nine: False
