# Exercise 7.3, a web crawler, after the Go Tour's
# (docs/learn/exercises.md): fetch pages concurrently, following links to a
# given depth, without fetching any URL twice. The fetcher is a fake: a
# dict of pages, and a sleep(0) where a real request would wait. The set of
# URLs seen needs no lock: nothing can run between the test and the add,
# since there is no await between them.
import asyncio

PAGES = {
    "https://golang.org/": (
        "The Go Programming Language",
        ["https://golang.org/pkg/", "https://golang.org/cmd/"],
    ),
    "https://golang.org/pkg/": (
        "Packages",
        ["https://golang.org/", "https://golang.org/cmd/",
         "https://golang.org/pkg/fmt/", "https://golang.org/pkg/os/"],
    ),
    "https://golang.org/pkg/fmt/": (
        "Package fmt",
        ["https://golang.org/", "https://golang.org/pkg/"],
    ),
    "https://golang.org/pkg/os/": (
        "Package os",
        ["https://golang.org/", "https://golang.org/pkg/"],
    ),
}


async def fetch(url):
    await asyncio.sleep(0)  # a real fetch would wait here
    if url not in PAGES:
        raise LookupError(f"not found: {url}")
    return PAGES[url]


async def crawl(url, depth, seen):
    if depth <= 0 or url in seen:
        return
    seen.add(url)  # no await since the test: no other task ran in between
    try:
        body, urls = await fetch(url)
    except LookupError as err:
        print(err)
        return
    print(f'found: {url} "{body}"')
    async with asyncio.TaskGroup() as group:
        for u in urls:
            group.create_task(crawl(u, depth - 1, seen))


async def main():
    seen = set()
    await crawl("https://golang.org/", 4, seen)
    print("URLs seen:", len(seen))


asyncio.run(main())

# Unordered output:
# found: https://golang.org/ "The Go Programming Language"
# found: https://golang.org/pkg/ "Packages"
# not found: https://golang.org/cmd/
# found: https://golang.org/pkg/fmt/ "Package fmt"
# found: https://golang.org/pkg/os/ "Package os"
# URLs seen: 5
