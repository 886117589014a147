"""Screenshots of the what-if page for docs/web.md: Chinese and English, phone (390 px) and desktop width.

Starts ``xieshang serve`` on a free port of 127.0.0.1 with the trained model
(``make train`` first), drives Debian's Chromium (``/usr/bin/chromium``)
through Playwright, writes ``reports/figures/web_{zh,en}_{phone,desktop}.png``
and stops the server.

Usage::

    .venv/bin/python scripts/web_screenshots.py [--model model/approval.joblib] [--out reports/figures]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from xieshang.serve.live import LiveServer, launch_chromium

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="model/approval.joblib")
    parser.add_argument("--out", default="reports/figures")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with LiveServer(args.model) as server, sync_playwright() as p:
        browser = launch_chromium(p)
        for lang in ("zh", "en"):
            for name, (w, h) in SIZES.items():
                page = browser.new_page(viewport={"width": w, "height": h})
                page.goto(f"{server.url}/?lang={lang}")
                page.wait_for_function("document.body.dataset.ready && !document.body.hasAttribute('aria-busy')",
                                       timeout=60_000)
                page.wait_for_function("document.getElementById('chart').naturalWidth > 0", timeout=60_000)
                path = out / f"web_{lang}_{name}.png"
                page.screenshot(path=str(path), full_page=True)
                print(f"wrote {path}")
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
