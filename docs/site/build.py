#!/usr/bin/env python3
"""Renders docs/ as a static HTML site, with the course's programs side by side.

Each Markdown page under docs/ becomes an .html page at the same place under
the output folder; pictures (.svg, .png) are copied beside them. pandoc (the
Debian package, 2.17 or newer) does the rendering; side_by_side.lua lays out
each idiom's Go, Python and C++ programs as columns, and style.css makes them
columns on a wide window and stacks them again on a narrow one. The Markdown
stays the source and reads as before.

Usage: docs/site/build.py [--out build/docs-html] [--check-layout]

--check-layout adds check_layout.html (a script) to each page, which the browser test
(tests/docs/html_test.py) uses to see that the columns really are side by side.
Open <out>/learn/README.html (the course's contents) in a browser.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys

SITE = pathlib.Path(__file__).resolve().parent
ROOT = SITE.parent.parent
DOCS = ROOT / "docs"
ASSETS = (".svg", ".png")


def pages():
    return sorted(path for path in DOCS.rglob("*.md") if SITE not in path.parents)


def title_of(page: pathlib.Path) -> str:
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return page.stem


def posix_relative(target: pathlib.Path, start: pathlib.Path) -> str:
    return pathlib.PurePath(os.path.relpath(target, start)).as_posix()


def render(page: pathlib.Path, all_pages, out: pathlib.Path, check_layout: bool) -> None:
    relative = page.relative_to(DOCS)
    target = out / relative.with_suffix(".html")
    target.parent.mkdir(parents=True, exist_ok=True)
    others = " ".join(posix_relative(other, page.parent) for other in all_pages if other != page)
    contents = out / "learn" / "README.html"
    nav = (f'<nav class="site"><a href="{posix_relative(contents, target.parent)}">'
           f"Learn concurrency three ways: contents</a> · rendered from "
           f"<code>docs/{relative.as_posix()}</code></nav>")
    command = [
        "pandoc", str(page), "--from", "gfm", "--to", "html5", "--standalone",
        "--lua-filter", str(SITE / "side_by_side.lua"),
        "--highlight-style", "pygments",
        "--css", posix_relative(out / "style.css", target.parent),
        "--metadata", f"pagetitle={title_of(page)}",
        "--metadata", f"rendered={others}",
        "--metadata", f"source_prefix={posix_relative(page.parent, target.parent)}",
        "--variable", f"include-before={nav}",
        "--output", str(target),
    ]
    if check_layout:
        command += ["--include-after-body", str(SITE / "check_layout.html")]
    subprocess.run(command, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "build" / "docs-html")
    parser.add_argument("--check-layout", action="store_true")
    args = parser.parse_args()
    if shutil.which("pandoc") is None:
        print("docs/site/build.py: pandoc is missing (scripts/install-deps installs it)",
              file=sys.stderr)
        return 1
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SITE / "style.css", out / "style.css")
    for asset in DOCS.rglob("*"):
        if asset.suffix in ASSETS:
            (out / asset.relative_to(DOCS)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset, out / asset.relative_to(DOCS))
    all_pages = pages()
    for page in all_pages:
        render(page, all_pages, out, args.check_layout)
    print(f"rendered {len(all_pages)} pages into {out}; "
          f"open {out / 'learn' / 'README.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
