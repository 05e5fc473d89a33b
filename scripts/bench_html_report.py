#!/usr/bin/env python3
"""Size and opening time of popm's HTML report of many postings, in headless Chromium.

    scripts/bench_html_report.py [--rows N] [--runs R] [--popm BINARY] [--work DIR]

Writes a corpus of N postings (default 100,000) with scripts/make_corpus.py (synthetic postings
made from samples/ unless ../shared/data is there), then builds three reports of it with popm:
`classify -o report.html` (texts kept), `report results.jsonl` (snippets) and `report
results.csv` (phrases only). For each it prints the file size and, over R openings (default 3),
the median time until the page is ready in headless Chromium: `load` is the browser's own navigationStart → loadEventEnd; `ready` runs from the request to
the moment the table's count line is filled in. It also times, inside the page, one
sort (click on `lean`) and one label filter, as the page does them on a click.

Needs selenium (pip) and Debian's chromium and chromium-driver, like tests/browser/.
The binary defaults to $CARGO_TARGET_DIR/release/popm (else target/release/popm).
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from report_in_chromium import browser  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# Average bytes of a synthetic posting row, to size the corpus with some margin.
BYTES_PER_ROW = 2000


def corpus(rows, work):
    full = work / "corpus-full.csv"
    out = work / f"corpus-{rows}.csv"
    if out.exists():
        return out
    mb = rows * BYTES_PER_ROW / 1_000_000
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), str(mb), str(full)],
                   check=True)
    csv.field_size_limit(1 << 30)
    with open(full, newline="", encoding="utf-8") as src, \
            open(out, "w", newline="", encoding="utf-8") as dst:
        reader, writer = csv.reader(src), csv.writer(dst)
        writer.writerow(next(reader))
        n = 0
        for row in reader:
            if n == rows:
                break
            writer.writerow(row)
            n += 1
    if n < rows:
        sys.exit(f"the corpus has {n} rows, fewer than {rows}")
    full.unlink()
    return out


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def open_times(driver, page, runs):
    ready, load, sort, filt = [], [], [], []
    for _ in range(runs):
        driver.get("about:blank")
        start = time.perf_counter()
        driver.get(page.resolve().as_uri())
        rows = WebDriverWait(driver, 60, poll_frequency=0.01).until(
            lambda d: d.execute_script("return document.getElementById('count').textContent"))
        ready.append(time.perf_counter() - start)
        load.append(driver.execute_script(
            "const t = performance.timing; return (t.loadEventEnd - t.navigationStart) / 1000"))
        sort.append(driver.execute_script("""
            const h = [...document.querySelectorAll('#thead > div')].find(d => d.textContent === 'lean');
            const t0 = performance.now(); h.click(); return (performance.now() - t0) / 1000;"""))
        filt.append(driver.execute_script("""
            const s = document.getElementById('f-label'); s.value = '1';
            const t0 = performance.now(); s.dispatchEvent(new Event('change'));
            return (performance.now() - t0) / 1000;"""))
    return rows, [statistics.median(x) for x in (ready, load, sort, filt)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    ap.add_argument("--popm", default=str(target / "release" / "popm"))
    ap.add_argument("--work", default=str(ROOT / "target" / "bench-html"))
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    source = corpus(args.rows, work)
    popm = args.popm
    results_csv, results_jsonl = work / "results.csv", work / "results.jsonl"
    for results in [results_csv, results_jsonl]:
        subprocess.run([popm, "classify", str(source), "--keep", "title", "-q", "-o", str(results)],
                       check=True)
    pages = [
        ("classify -o report.html", work / "classify.html",
         [popm, "classify", str(source), "--keep", "title", "-q", "-o", str(work / "classify.html")]),
        ("report results.jsonl", work / "jsonl.html",
         [popm, "report", str(results_jsonl), "-q", "-o", str(work / "jsonl.html")]),
        ("report results.csv", work / "csv.html",
         [popm, "report", str(results_csv), "-q", "-o", str(work / "csv.html")]),
    ]
    driver = browser()
    try:
        print(f"{args.rows} postings ({source.stat().st_size / 1e6:.0f} MB of CSV), "
              f"median of {args.runs} openings in headless Chromium\n")
        print("| report | build (s) | file (MB) | ready (s) | load event (s) | sort (s) | label filter (s) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, page, cmd in pages:
            build = timed(cmd)
            rows, (ready, load, sort, filt) = open_times(driver, page, args.runs)
            print(f"| `{name}` | {build:.1f} | {page.stat().st_size / 1e6:.1f} | {ready:.2f} | "
                  f"{load:.2f} | {sort:.2f} | {filt:.2f} |", flush=True)
            if rows != f"{args.rows} postings":
                sys.exit(f"{page}: the table says {rows!r}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
