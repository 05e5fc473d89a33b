#!/usr/bin/env python3
"""Refresh docs/report.png, the screenshot of the HTML report in README.md.

    scripts/screenshot_report.py [--popm BINARY] [--posting ID]

Builds the report of samples/postings.csv (`classify --keep title -o report.html`), opens it in
headless Chromium (selenium with Debian's chromium and chromium-driver, as tests/browser/),
selects a posting (default p09, a hybrid: both roles' highlights) and saves the whole page.
The binary defaults to $CARGO_TARGET_DIR/debug/popm (else target/debug/popm).
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from report_in_chromium import browser  # noqa: E402

WIDTH = 1280


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    ap.add_argument("--popm", default=str(target / "debug" / "popm"))
    ap.add_argument("--posting", default="p09")
    args = ap.parse_args()
    out = ROOT / "docs" / "report.png"
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "report.html"
        subprocess.run([args.popm, "classify", "samples/postings.csv",
                        "--keep", "title", "-q", "-o", str(page)], check=True, cwd=ROOT)
        driver = browser()
        try:
            driver.set_window_size(WIDTH, 1000)
            driver.get(page.as_uri())
            row = driver.execute_script(
                "return [...document.querySelectorAll('#rows .tr')]"
                ".find(tr => tr.firstChild.textContent === arguments[0])", args.posting)
            row.click()
            driver.execute_script("window.scrollTo(0, 0)")
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(WIDTH, height + 20)
            driver.save_screenshot(str(out))
        finally:
            driver.quit()
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
