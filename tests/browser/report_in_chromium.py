#!/usr/bin/env python3
"""End-to-end check of popm's HTML report in headless Chromium (selenium + chromedriver).

    report_in_chromium.py POPM_BINARY WORKDIR

Builds, with the given popm binary, in WORKDIR:

* the report of samples/postings.csv (`classify -o samples.html`) and checks that the table
  holds every posting, that the label filter and a sort work, and that the highlights of a
  selected posting sit on the words its JSON Lines evidence names, at the same offsets;
* reports of postings with injected markup (`<script>`, `"><img src=x onerror=...>`,
  `javascript:` links, `</script>` in the data), written by classify and by `popm report` from
  JSON Lines, and checks that no injected script ran: the page's title and a sentinel global
  are unchanged, the markup shows as text, and no injected element exists;
* the one-posting page of `check --html`, whose matches are <mark> elements without a script;
* a report of 160,000 rows, taller than the browser lets an element be: its scrollbar reaches
  the first, the middle and the last row.

Chromium and chromedriver come from Debian's `chromium` and `chromium-driver` packages
(POPM_CHROMIUM and POPM_CHROMEDRIVER override /usr/bin/chromium and /usr/bin/chromedriver).
Exits non-zero with a message on the first failed check.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parent.parent.parent

# Each payload sets the sentinel and the title if it ever runs.
RUN = "window.__pwned='pwned';document.title='pwned'"
HOSTILE = [
    {
        "id": "h1",
        "title": f"<script>{RUN}</script>Product Owner",
        "company": f'"><img src=x onerror="{RUN}">',
        "description": (
            f"We are looking for a Product Owner to own the product backlog. <script>{RUN}</script>"
            f' Read <a href="javascript:{RUN}">the Product Owner guide</a>.'
            f' "><img src=x onerror="{RUN}"> </script><script>{RUN}</script>'
            f" <svg onload=\"{RUN}\"></svg> \u2028 <!-- write user stories --> and acceptance criteria."
        ),
    },
    {
        "id": "h2",
        "title": "Product Manager' onmouseover='" + RUN,
        "company": "javascript:" + RUN,
        "description": "You own the product roadmap, pricing and go-to-market. "
        f"<style>body{{display:none}}</style><iframe src=\"javascript:{RUN}\"></iframe>",
    },
]


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def popm(binary, *args):
    run = subprocess.run([binary, *args], capture_output=True, text=True)
    if run.returncode not in (0, 1):
        fail(f"popm {' '.join(args)} exited {run.returncode}: {run.stderr}")
    return run


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("POPM_CHROMIUM", "/usr/bin/chromium")
    profile = tempfile.mkdtemp(prefix="popm-chromium-")
    for flag in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1300,1000",
        f"--user-data-dir={profile}",
    ]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("POPM_CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def open_report(driver, path):
    driver.get(Path(path).resolve().as_uri())
    WebDriverWait(driver, 20).until(
        lambda d: d.find_element(By.ID, "count").text.strip() != ""
    )


def visible_rows(driver):
    """Every row of the table as [cell texts], scrolling the virtualised viewport through."""
    return driver.execute_script(
        """
        const vp = document.getElementById('viewport'), seen = new Map();
        for (let top = 0; ; top += vp.clientHeight) {
          vp.scrollTop = top;
          vp.dispatchEvent(new Event('scroll'));
          await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
          for (const tr of document.querySelectorAll('#rows .tr')) {
            seen.set(+tr.dataset.i, [...tr.children].map(c => c.textContent));
          }
          if (top + vp.clientHeight >= vp.scrollHeight) break;
        }
        vp.scrollTop = 0;
        vp.dispatchEvent(new Event('scroll'));
        return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]);
        """
    )


def rows_in_order(driver):
    """The rows in the table's current order (all of them: scrolls through)."""
    return driver.execute_script(
        """
        const vp = document.getElementById('viewport'), out = [];
        const ROW = 28, seen = new Set();
        for (let top = 0; ; top += vp.clientHeight) {
          vp.scrollTop = top;
          vp.dispatchEvent(new Event('scroll'));
          await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
          for (const tr of document.querySelectorAll('#rows .tr')) {
            const pos = Math.round((tr.getBoundingClientRect().top - document.getElementById('sizer').getBoundingClientRect().top) / ROW);
            if (!seen.has(pos)) { seen.add(pos); out.push([pos, [...tr.children].map(c => c.textContent)]); }
          }
          if (top + vp.clientHeight >= vp.scrollHeight) break;
        }
        return out.sort((a, b) => a[0] - b[0]).map(e => e[1]);
        """
    )


def header_index(driver, name):
    headers = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#thead > div")]
    return headers.index(name)


def select_posting(driver, posting_id):
    """Searches for the posting, clicks its row and waits for its view."""
    search = driver.find_element(By.ID, "f-text")
    search.clear()
    search.send_keys(posting_id)
    find = """
        for (const tr of document.querySelectorAll('#rows .tr'))
          if (tr.firstChild.textContent === arguments[0]) return tr;
        return null;"""
    for _ in range(5):
        row = WebDriverWait(driver, 10).until(lambda d: d.execute_script(find, posting_id))
        try:
            row.click()
            break
        except StaleElementReferenceException:
            continue
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#detail h3").text == f"Posting {posting_id}"
    )


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def check_samples(driver, binary, work):
    html = work / "samples.html"
    jsonl = work / "samples.jsonl"
    samples = ROOT / "samples" / "postings.csv"
    popm(binary, "classify", str(samples), "--keep", "title", "-q", "-o", str(html))
    popm(binary, "classify", str(samples), "--keep", "title", "-q", "-o", str(jsonl))
    results = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    with open(samples, newline="", encoding="utf-8") as f:
        postings = {row["id"]: row for row in csv.DictReader(f)}

    open_report(driver, html)
    # As first drawn, the viewport is filled with rows, as many as fit.
    drawn, fit = driver.execute_script(
        """
        const vp = document.getElementById('viewport'), box = vp.getBoundingClientRect();
        const shown = [...document.querySelectorAll('#rows .tr')].filter(tr => {
          const r = tr.getBoundingClientRect();
          return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
        });
        return [shown.length, Math.floor(vp.clientHeight / 28)];
        """
    )
    check(fit > 0 and drawn == min(fit, len(results)), f"first drawing: {drawn} rows in view, {fit} fit")
    id_col, label_col = header_index(driver, "id"), header_index(driver, "label")
    rows = visible_rows(driver)
    check(
        [r[id_col] for r in rows] == [r["id"] for r in results],
        f"the table's ids {[r[id_col] for r in rows]} are not the postings' {[r['id'] for r in results]}",
    )
    check(
        [r[label_col] for r in rows] == [r["label"] for r in results],
        "the table's labels differ from classify's",
    )
    check(driver.find_element(By.ID, "count").text == f"{len(results)} postings", "count line")

    # Label filter.
    want = [r["id"] for r in results if r["label"] == "product_manager"]
    label_select = Select(driver.find_element(By.ID, "f-label"))
    label_select.select_by_value("1")
    shown = rows_in_order(driver)
    check([r[id_col] for r in shown] == want, f"label filter shows {shown}, want {want}")
    check(
        driver.find_element(By.ID, "count").text == f"{len(want)} of {len(results)} postings",
        "the count line after filtering",
    )
    label_select.select_by_value("")

    # Sorting: lean ascending, then descending (ties keep input order).
    lean_col = header_index(driver, "lean")
    header = driver.find_elements(By.CSS_SELECTOR, "#thead > div")[lean_col]
    header.click()
    by_lean = sorted(range(len(results)), key=lambda i: (results[i]["lean"], i))
    shown = [r[id_col] for r in rows_in_order(driver)]
    check(shown == [results[i]["id"] for i in by_lean], f"sort by lean ascending: {shown}")
    check(header.get_attribute("aria-sort") == "ascending", "aria-sort after one click")
    header.click()
    by_lean_desc = sorted(range(len(results)), key=lambda i: (-results[i]["lean"], i))
    shown = [r[id_col] for r in rows_in_order(driver)]
    check(shown == [results[i]["id"] for i in by_lean_desc], f"sort by lean descending: {shown}")

    # Highlights of a selected posting sit on the matched words.
    for result in results:
        posting_id = result["id"]
        select_posting(driver, posting_id)
        texts = driver.execute_script(
            """
            const out = [];
            for (const div of document.querySelectorAll('#detail .texts .text')) {
              const field = div.previousElementSibling.textContent, marks = [];
              let at = 0;
              for (const node of div.childNodes) {
                if (node.nodeName === 'MARK') marks.push([at, node.textContent, node.className]);
                at += node.textContent.length;
              }
              out.push([field, div.textContent, marks]);
            }
            return out;
            """
        )
        by_field = {field: (text, marks) for field, text, marks in texts}
        text, marks = by_field.get("description", (None, None))
        check(
            text == postings[posting_id]["description"],
            f"{posting_id}: the shown description is not the posting's text",
        )
        want = set()
        for ev in result["evidence"]:
            for m in ev["matches"]:
                if m["field"] == "description":
                    original = postings[posting_id]["description"]
                    start = utf16_len(original[: m["char_start"]])
                    want.add((start, m["text"], ev["role"]))
        got = {(at, words, cls.split()[1]) for at, words, cls in marks}
        check(got == want, f"{posting_id}: highlights {sorted(got)} != evidence {sorted(want)}")
        discounted = {
            (utf16_len(postings[posting_id]["description"][: m["char_start"]]), m["mark"])
            for ev in result["evidence"]
            for m in ev["matches"]
            if m["field"] == "description" and m["mark"] in ("colleague", "negated")
        }
        for at, mark in discounted:
            cls = next(c for a, _, c in marks if a == at)
            check(f"m-{mark[0]}" in cls.split(), f"{posting_id}: {mark} match at {at} is not marked so")
        rows_in_table = driver.find_elements(By.CSS_SELECTOR, "#detail table.ev tbody tr")
        check(len(rows_in_table) == len(result["evidence"]), f"{posting_id}: evidence table rows")
    print(f"ok: samples report: {len(results)} rows, filter, sort, highlights of every posting")


def check_hostile(driver, binary, work):
    source = work / "hostile.csv"
    with open(source, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "title", "company", "description"])
        writer.writeheader()
        writer.writerows(HOSTILE)
    direct = work / "hostile.html"
    jsonl = work / "hostile.jsonl"
    from_jsonl = work / "hostile-jsonl.html"
    from_csv = work / "hostile-csv.html"
    csv_results = work / "hostile-results.csv"
    popm(binary, "classify", str(source), "--keep", "title,company", "-q", "-o", str(direct))
    popm(binary, "classify", str(source), "--keep", "title,company", "-q", "-o", str(jsonl))
    popm(binary, "classify", str(source), "--keep", "title,company", "-q", "-o", str(csv_results))
    popm(binary, "report", str(jsonl), "-q", "-o", str(from_jsonl))
    popm(binary, "report", str(csv_results), "-q", "-o", str(from_csv))
    for page in [direct, from_jsonl, from_csv]:
        raw = page.read_text(encoding="utf-8")
        check("<img" not in raw and "<iframe" not in raw and "<svg onload" not in raw,
              f"{page.name}: raw markup from the input in the file")
        open_report(driver, page)
        title = driver.title
        check(title == "popm report", f"{page.name}: title {title!r}")
        for posting in HOSTILE:
            select_posting(driver, posting["id"])
            detail = driver.find_element(By.ID, "detail").text
            check(posting["id"] in detail, f"{page.name}: {posting['id']} not shown")
        if page == direct:
            shown = driver.find_element(By.CSS_SELECTOR, "#detail .texts").text
            check("<iframe src=" in shown, f"{page.name}: the injected markup is not shown as text")
        state = driver.execute_script(
            "return [document.title, typeof window.__pwned,"
            " document.querySelectorAll('img, iframe, a, script:not([id=popm-data]):not(:last-of-type)').length,"
            " document.querySelectorAll('script').length]"
        )
        check(state[0] == "popm report", f"{page.name}: title became {state[0]!r}")
        check(state[1] == "undefined", f"{page.name}: an injected script set the sentinel")
        check(state[2] == 0, f"{page.name}: {state[2]} injected elements in the page")
        check(state[3] == 2, f"{page.name}: {state[3]} script elements, want popm's 2")
        # Any inline handler that got in would run on these events.
        driver.execute_script(
            "for (const e of document.querySelectorAll('body *'))"
            " for (const t of ['mouseover', 'click', 'load', 'error'])"
            "  if (!e.closest('#rows, #thead, #detail table, select, input')) e.dispatchEvent(new Event(t));"
        )
        check(driver.execute_script("return typeof window.__pwned") == "undefined",
              f"{page.name}: an event ran an injected handler")
    print("ok: injected markup shows as text and runs nothing (classify, JSON Lines and CSV reports)")


def check_many_rows(driver, binary, work):
    """A table taller than the browser's largest element scrolls to its last row."""
    rows = 160_000
    results = work / "many.csv"
    with open(results, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "label", "confidence", "lean", "po_evidence", "pm_evidence"])
        for i in range(1, rows + 1):
            writer.writerow([f"m{i}", "product_owner", "0.9", "-0.5", "product backlog×1", ""])
    page = work / "many.html"
    popm(binary, "report", str(results), "-q", "-o", str(page))
    open_report(driver, page)
    check(driver.find_element(By.ID, "count").text == f"{rows} postings", "count of many rows")
    ends = driver.execute_script(
        """
        const vp = document.getElementById('viewport'), out = [];
        for (const top of [0, vp.scrollHeight / 2, vp.scrollHeight]) {
          vp.scrollTop = top;
          vp.dispatchEvent(new Event('scroll'));
          await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
          const box = vp.getBoundingClientRect(), shown = [];
          for (const tr of document.querySelectorAll('#rows .tr')) {
            const r = tr.getBoundingClientRect();
            if (r.top >= box.top - 1 && r.bottom <= box.bottom + 1) shown.push(tr.firstChild.textContent);
          }
          out.push(shown);
        }
        return out;
        """
    )
    first, middle, last = ends
    check(first[0] == "m1", f"top of many rows: {first[:3]}")
    check(last[-1] == f"m{rows}", f"bottom of many rows: {last[-3:]}")
    numbers = [int(x[1:]) for x in middle]
    check(numbers == list(range(numbers[0], numbers[0] + len(numbers))) and
          abs(numbers[0] - rows // 2) < rows // 20, f"middle of many rows: {middle[:3]}")
    print(f"ok: {rows} rows scroll from the first to the last")


def check_single(driver, binary, work):
    page = work / "check.html"
    description = work / "description.txt"
    description.write_text(HOSTILE[0]["description"], encoding="utf-8")
    popm(binary, "check", "-f", str(description), "--html", str(page), "--color", "never")
    raw = page.read_text(encoding="utf-8")
    check("<script" not in raw.split("</head>")[1].replace("&lt;script", ""),
          "check --html has a script element")
    check("script-src 'none'" in raw, "check --html allows scripts")
    driver.get(page.resolve().as_uri())
    marks = [m.text for m in driver.find_elements(By.CSS_SELECTOR, ".texts mark.hl")]
    check("Product Owner" in marks and "product backlog" in marks, f"check --html marks: {marks}")
    check(driver.title == "popm check", f"check --html title {driver.title!r}")
    check(driver.execute_script("return typeof window.__pwned") == "undefined",
          "check --html ran an injected script")
    print(f"ok: check --html: {len(marks)} marks in the file, no script")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    binary, work = sys.argv[1], Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    driver = browser()
    try:
        check_samples(driver, binary, work)
        check_hostile(driver, binary, work)
        check_single(driver, binary, work)
        check_many_rows(driver, binary, work)
        errors = [
            e for e in driver.get_log("browser")
            if e.get("level") == "SEVERE" and "favicon" not in e.get("message", "")
        ]
        check(not errors, f"browser console errors: {errors}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
