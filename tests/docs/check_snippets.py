#!/usr/bin/env python3
"""Every code block in the docs must be cut from a file that is compiled or run.

For each fenced block in README.md and docs/**/*.md, the block's lines
(leading and trailing blank lines dropped) must appear, in order and
contiguous, in a file of the repository, compared line by line with
surrounding whitespace ignored:

  ```cpp     from a C++ file under include/, lib/, demos/, tests/, bench/ or
             examples/
  ```go      from a Go file under docs/go/ or bench/go/
  ```python  from a Python file under docs/python/, bench/python/ or tests/
  ```cmake   from a CMakeLists.txt or *.cmake file under examples/, tests/cmake/
             or cmake/
  ```output  from the `Output:` (or `Stderr:`) comment of an example (see
             tests/docs/run_example.py), which a test checks against a real
             run: so a printed output in the docs is one a program printed

A block whose first line names a file of the repository (`// <path>` in C++
and Go, `# <path>` in Python) must come from that file. Blocks in other
languages (sh, text, ...) are not checked. A block that is not verbatim from
its source is a snippet that can rot, and fails this test.

Usage: check_snippets.py <repository root>
"""
import pathlib
import sys

from run_example import output_blocks  # the one parser of `Output:` comments

SOURCES = {
    "cpp": (("include", "lib", "demos", "tests", "bench", "examples"), (".hpp", ".cpp", ".h"),
            "// "),
    "go": (("docs/go", "bench/go", "demos"), (".go",), "// "),
    "python": (("docs/python", "bench/python", "tests", "demos"), (".py",), "# "),
    "cmake": (("examples", "tests/cmake", "cmake"), ("CMakeLists.txt", ".cmake"), "# "),
}
EXAMPLE_FOLDERS = ("demos", "docs/go", "docs/python", "examples")


def blocks(markdown: str):
    lines = markdown.splitlines()
    inside, language, start, current = False, "", 0, []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not inside and stripped.startswith("```") and len(stripped) > 3:
            inside, language, start, current = True, stripped[3:].strip(), number, []
        elif not inside and stripped == "```":
            inside, language, start, current = True, "", number, []
        elif inside and stripped == "```":
            inside = False
            yield language, start, current
        elif inside:
            current.append(line)


def normalized(lines):
    stripped = [line.strip() for line in lines]
    while stripped and not stripped[0]:
        stripped.pop(0)
    while stripped and not stripped[-1]:
        stripped.pop()
    return stripped


def read_lines(path: pathlib.Path):
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def contains(text, wanted):
    return any(text[i:i + len(wanted)] == wanted
               for i in range(len(text) - len(wanted) + 1) if text[i] == wanted[0])


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    sources = {language: {} for language in SOURCES}
    for language, (folders, suffixes, _) in SOURCES.items():
        for folder in folders:
            for path in (root / folder).rglob("*"):
                if path.name.endswith(suffixes) and path.is_file():
                    sources[language][path] = read_lines(path)
    outputs = []
    for folder in EXAMPLE_FOLDERS:
        for path in (root / folder).rglob("*"):
            if path.suffix in (".cpp", ".go", ".py") and path.is_file():
                outputs.extend([line.strip() for line in block]
                               for _, block in output_blocks(read_lines(path)))

    docs = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    checked = failed = 0
    for doc in docs:
        for language, start, block in blocks(doc.read_text(encoding="utf-8")):
            wanted = normalized(block)
            if not wanted or (language not in SOURCES and language != "output"):
                continue
            checked += 1
            if language == "output":
                candidates = outputs
                what = "output block is not the `Output:` comment of any example"
            else:
                candidates = sources[language].values()
                what = f"{language} block is not cut from any source file"
                prefix = SOURCES[language][2]
                if wanted[0].startswith(prefix) and (root / wanted[0][len(prefix):]).is_file():
                    named = root / wanted[0][len(prefix):]
                    candidates = [sources[language].get(named) or read_lines(named)]
                    wanted = wanted[1:]
                    what = f"{language} block is not cut from {named.relative_to(root)}"
            if not any(contains(text, wanted) for text in candidates):
                failed += 1
                print(f"{doc.relative_to(root)}:{start}: this {what} "
                      "(copy it from the file it shows, or fix it there)")
    print(f"{checked - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
