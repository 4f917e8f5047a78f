#!/usr/bin/env python3
"""Every link between the docs must lead somewhere.

For each Markdown link `[text](target)` in README.md and docs/**/*.md whose
target is a path in the repository (not `http:`, `https:` or `mailto:`),
the file or folder must exist, and an anchor (`file.md#section`, or
`#section` within the same page) must name a heading of that page, spelled
as GitHub spells it: lowercase, punctuation dropped except `-` and `_`,
spaces turned into `-`, and `-1`, `-2` appended to repeated headings. Links
inside code (fenced blocks and `code spans`) are not links, and are left
alone, and so is a link whose text is broken across two lines (keep a
link on one line). The cheat sheet (docs/learn/cheatsheet.md) is mostly
links, so this keeps it pointing at the sections that teach each construct.

Usage: check_links.py <repository root>
"""
import pathlib
import re
import sys

LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
CODE_SPAN = re.compile(r"`[^`]*`")


def slug(heading: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def prose_lines(markdown: str):
    """Yields (line number, line) outside fenced code blocks."""
    fenced = False
    for number, line in enumerate(markdown.splitlines(), 1):
        if line.strip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def anchors(path: pathlib.Path, cache={}):
    if path not in cache:
        seen = {}
        names = set()
        for _, line in prose_lines(path.read_text(encoding="utf-8")):
            match = HEADING.match(line)
            if not match:
                continue
            name = slug(match.group(1))
            count = seen.get(name, 0)
            seen[name] = count + 1
            names.add(name if count == 0 else f"{name}-{count}")
        cache[path] = names
    return cache[path]


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    docs = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    checked = failed = 0
    for doc in docs:
        for number, line in prose_lines(doc.read_text(encoding="utf-8")):
            # A link's text may hold a code span; a link inside one is code.
            line = CODE_SPAN.sub(lambda span: re.sub(r"[\[\]()]", "_", span.group()), line)
            for target in LINK.findall(line):
                if re.match(r"^[a-z]+:", target):
                    continue
                checked += 1
                file_part, _, anchor = target.partition("#")
                path = (doc.parent / file_part).resolve() if file_part else doc
                problem = None
                if not path.exists():
                    problem = f"{file_part} does not exist"
                elif anchor and path.suffix == ".md" and anchor not in anchors(path):
                    problem = f"{path.relative_to(root)} has no heading #{anchor}"
                if problem:
                    failed += 1
                    print(f"{doc.relative_to(root)}:{number}: link to {target}: {problem}")
    print(f"{checked - failed} links lead somewhere, {failed} do not")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
