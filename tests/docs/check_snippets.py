#!/usr/bin/env python3
"""Every C++ block in the docs must be cut from a file that is compiled.

For each ```cpp fenced block in README.md and docs/**/*.md, the block's lines
(leading and trailing blank lines dropped) must appear, in order and
contiguous, in a source file, compared line by line with surrounding
whitespace ignored. A block whose first line is `// <path>` (a file of the
repository) must come from that file; any other block from some file under
include/, lib/, demos/ or tests/. A block that is not verbatim source is a
snippet that can rot, and fails this test.

Usage: check_snippets.py <repository root>
"""
import pathlib
import sys


def blocks(markdown: str):
    lines = markdown.splitlines()
    inside, start, current = False, 0, []
    for number, line in enumerate(lines, 1):
        if not inside and line.strip() == "```cpp":
            inside, start, current = True, number, []
        elif inside and line.strip() == "```":
            inside = False
            yield start, current
        elif inside:
            current.append(line)


def normalized(lines):
    stripped = [line.strip() for line in lines]
    while stripped and not stripped[0]:
        stripped.pop(0)
    while stripped and not stripped[-1]:
        stripped.pop()
    return stripped


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    sources = {}
    for folder in ("include", "lib", "demos", "tests"):
        for path in (root / folder).rglob("*"):
            if path.suffix in (".hpp", ".cpp", ".h"):
                sources[path] = [line.strip() for line in path.read_text().splitlines()]
    docs = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    checked = failed = 0
    for doc in docs:
        for start, block in blocks(doc.read_text()):
            wanted = normalized(block)
            if not wanted:
                continue
            checked += 1
            candidates = sources.values()
            if wanted[0].startswith("// ") and (root / wanted[0][3:]).is_file():
                named = root / wanted[0][3:]
                candidates = [sources.get(named) or
                              [line.strip() for line in named.read_text().splitlines()]]
                wanted = wanted[1:]
            found = any(
                text[i:i + len(wanted)] == wanted
                for text in candidates
                for i in range(len(text) - len(wanted) + 1)
                if text[i] == wanted[0]
            )
            if not found:
                failed += 1
                print(f"{doc.relative_to(root)}:{start}: this C++ block is not cut from any "
                      "source file (copy it from the file it shows, or fix it there)")
    print(f"{checked - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
