#!/usr/bin/env python3
"""The HTML rendering of docs/ builds, and its columns are real in a browser.

Builds the site with docs/site/build.py --check-layout into OUT, then opens
each chapter of the course in headless Chromium:

  * every chapter must have at least one side-by-side run (read from the
    HTML);
  * the layout is one stylesheet for every page, so the browser checks two
    chapters (a start of Chromium costs seconds): at 1600 px wide, every
    side-by-side run of chapters 2 and 9 must show its columns next to each
    other (check_layout.html records it on <body>, read back with
    --dump-dom); at 700 px, chapter 2 must stack them;
  * a screenshot of chapter 2 at 1600 px is left in OUT/screenshot.png, to look
    at.

Usage: html_test.py <repository root> <OUT>
"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

CHAPTER = re.compile(r"\d\d-[a-z-]+\.html")
BODY = re.compile(r'<body data-side-by-side-runs="(\d+)" data-side-by-side-beside="(\d+)"')


def chromium(binary: str, profile: str, *args: str) -> str:
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout


def layout(binary: str, profile: str, page: pathlib.Path, width: int):
    dom = chromium(binary, profile, f"--window-size={width},1200", "--dump-dom", page.as_uri())
    match = BODY.search(dom)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2))


def main() -> int:
    root, out = pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()
    missing = [tool for tool in ("pandoc", "chromium") if shutil.which(tool) is None]
    if missing:
        print(f"missing: {', '.join(missing)} (scripts/install-deps installs them)")
        return 1
    if out.exists():
        shutil.rmtree(out)
    subprocess.run([sys.executable, str(root / "docs/site/build.py"), "--out", str(out),
                    "--check-layout"], check=True)
    chapters = sorted(path for path in (out / "learn").iterdir() if CHAPTER.fullmatch(path.name))
    if not chapters:
        print(f"no chapter pages in {out / 'learn'}")
        return 1
    failures = []
    for page in chapters:
        runs = page.read_text(encoding="utf-8").count('<div class="side-by-side')
        print(f"{page.name}: {runs} side-by-side runs")
        if runs == 0:
            failures.append(f"{page.name}: no idiom shown side by side")
    in_browser = [page for page in chapters if page.name.startswith(("02-", "09-"))]
    with tempfile.TemporaryDirectory() as profile:
        browser = shutil.which("chromium")
        for page in in_browser:
            wide = layout(browser, profile, page, 1600)
            if wide is None:
                failures.append(f"{page.name}: check_layout.html did not run")
                continue
            runs, beside = wide
            print(f"{page.name} at 1600 px: {beside} of {runs} runs in columns")
            if runs == 0 or beside != runs:
                failures.append(f"{page.name}: {runs - beside} of {runs} runs not in columns")
        narrow = layout(browser, profile, in_browser[0], 700)
        print(f"{in_browser[0].name} at 700 px: {narrow}")
        if narrow is None or narrow[1] != 0:
            failures.append(f"{in_browser[0].name} at 700 px: columns not stacked ({narrow})")
        chromium(browser, profile, "--window-size=1600,1800",
                 f"--screenshot={out / 'screenshot.png'}", in_browser[0].as_uri())
    for failure in failures:
        print("FAIL", failure)
    if not failures:
        print(f"ok: {len(chapters)} chapters; screenshot in {out / 'screenshot.png'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
