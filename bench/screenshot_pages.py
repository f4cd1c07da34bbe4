"""Screenshots of the reader's pages on a running instance (e.g. the big one that
bench_pages.py --keep builds, served with ``flask run``), to look at.

    .venv/bin/python bench/screenshot_pages.py http://127.0.0.1:5055 test-artifacts/big

Takes the front page, a browse page, a search and the largest question's page (full page,
1280 px wide) with Debian's /usr/bin/chromium through Playwright.
"""

from __future__ import annotations

import sys
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main(base: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    found = requests.get(f"{base}/api/v1/search?q=trump+approval&limit=1", timeout=30).json()
    largest = found["questions"][0]["slug"]
    pages = {"front": "/", "browse": "/races/2020/president", "search": "/search?q=2020+president",
             "question": f"/questions/{largest}", "pollsters": "/pollsters"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, path in pages.items():
            page.goto(base + path, wait_until="networkidle")
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
            print(f"{name}: {path} -> {folder / (name + '.png')}")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
