#!/usr/bin/env python3
"""Write a deterministic benchmark corpus of job postings: an id,title,description CSV of about N MB.

    scripts/make_corpus.py N_MB OUT.csv

Source of the postings, in this order:

* the labeled postings of ../shared/data/*.csv (relative to the repository root; POPM_DATA
  overrides the folder), when present: every row with a description, in passes over the whole
  set, each pass in its own order drawn from a fixed seed. Only title and description are used.
  The data is not part of the repository and may not be redistributed: the corpus is for
  measuring on your own machine, never to be committed.
* otherwise (a message on stderr says so): synthetic postings made from the invented postings of
  samples/postings.csv. Each is one sample's title and paragraphs, where each paragraph after
  the first is, with a fixed-seed chance of one in four, a paragraph of another sample instead.

The same N and source give the same bytes on every machine, and a smaller corpus is a prefix of a
larger one (rows are added until the next would pass N x 1,000,000 bytes; at least one row). Ids
are 1, 2, 3, ... The file is written to OUT.csv.part and renamed to OUT.csv when complete.
"""

import csv
import io
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 4242
REPLACE_PARAGRAPH = 0.25


def real_postings(data_dir):
    """(title, description) of every row of DATA_DIR/*.csv with a description, or None."""
    files = sorted(data_dir.glob("*.csv")) if data_dir.is_dir() else []
    if not files:
        return None
    csv.field_size_limit(1 << 30)
    postings = []
    for path in files:
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                description = row.get("description") or ""
                if description.strip():
                    postings.append((row.get("title") or "", description))
    return postings or None


def real_stream(postings):
    """The postings in endless passes, each pass shuffled by its own fixed seed."""
    n = 0
    while True:
        order = list(range(len(postings)))
        random.Random(SEED + n).shuffle(order)
        for i in order:
            yield postings[i]
        n += 1


def synthetic_stream():
    """Endless synthetic postings built from the paragraphs of samples/postings.csv."""
    with open(ROOT / "samples" / "postings.csv", newline="", encoding="utf-8") as f:
        samples = [
            (row["title"], [p for p in row["description"].split("\n\n") if p.strip()])
            for row in csv.DictReader(f)
        ]
    samples = [(title, paragraphs) for title, paragraphs in samples if paragraphs]
    pool = [(k, p) for k, (_, paragraphs) in enumerate(samples) for p in paragraphs]
    rng = random.Random(SEED)
    while True:
        k = rng.randrange(len(samples))
        title, paragraphs = samples[k]
        out = [paragraphs[0]]
        for p in paragraphs[1:]:
            if rng.random() < REPLACE_PARAGRAPH:
                other, q = pool[rng.randrange(len(pool))]
                out.append(q if other != k else p)
            else:
                out.append(p)
        yield title, "\n\n".join(out)


def main(argv):
    if len(argv) != 3:
        print("usage: make_corpus.py N_MB OUT.csv", file=sys.stderr)
        return 2
    try:
        limit = int(float(argv[1]) * 1_000_000)
    except ValueError:
        limit = 0
    if limit <= 0:
        print(f"make_corpus.py: N_MB must be a positive number, not {argv[1]!r}", file=sys.stderr)
        return 2
    out = Path(argv[2])

    data_dir = Path(os.environ.get("POPM_DATA") or ROOT.parent / "shared" / "data")
    postings = real_postings(data_dir)
    if postings is not None:
        stream = real_stream(postings)
        print(f"make_corpus.py: {len(postings)} postings of {data_dir}", file=sys.stderr)
    else:
        stream = synthetic_stream()
        print(
            f"make_corpus.py: no postings in {data_dir} (optional); "
            "writing synthetic postings made from samples/postings.csv",
            file=sys.stderr,
        )

    part = out.with_name(out.name + ".part")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    written = rows = 0
    try:
        with open(part, "wb") as f:
            writer.writerow(["id", "title", "description"])
            header = buf.getvalue().encode("utf-8")
            f.write(header)
            written = len(header)
            for title, description in stream:
                buf.seek(0)
                buf.truncate()
                writer.writerow([rows + 1, title, description])
                line = buf.getvalue().encode("utf-8")
                if rows > 0 and written + len(line) > limit:
                    break
                f.write(line)
                written += len(line)
                rows += 1
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    print(f"make_corpus.py: {out}: {rows} postings, {written} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
