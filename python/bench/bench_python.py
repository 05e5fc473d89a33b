#!/usr/bin/env python3
"""Throughput of the Python package against the CLI and the hyperscan peer, in one run.

    python/bench/bench_python.py [--size MB] [--corpus PATH] [--threads 1,2] [--rounds 5]
                                 [--popm target/release/popm] [--peers DIR]

Builds the corpus with scripts/make_corpus.py (SIZE MB, default 100) unless it exists, loads
its titles and descriptions into memory (a list of str, a pandas frame, a Polars frame),
then times, alternating in each round: `popm classify -q -j T CORPUS -o /dev/null`,
`popm.classify_many(texts, titles, threads=T)`, `popm.classify_frame(pandas, threads=T)`
(pandas' default string columns, Arrow-backed in pandas 3, and object columns) and
`popm.classify_frame(polars, threads=T)`; and, when `hyperscan` imports, the hyperscan peer
of ../shared/peers (one thread, its own CSV reading). Prints a Markdown table of medians:
seconds, MB/s and the throughput ratios to the CLI at the same thread count and to the peer,
each the median of the rounds' own ratios (a command against the CLI or the peer timed in the
same round), so that load that changes from round to round cancels out.

Install a release wheel first (`pip install ./python`, release is pip's default) with
pandas, polars, pyarrow and, for the peer, hyperscan.
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=100, help="corpus size in MB [100]")
    ap.add_argument("--corpus", help="the corpus CSV [/tmp/corpus_<SIZE>mb.csv, made if missing]")
    ap.add_argument("--threads", default="1,2", help="thread counts, comma-separated [1,2]")
    ap.add_argument("--rounds", type=int, default=5)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    ap.add_argument("--popm", default=str(target / "release" / "popm"))
    ap.add_argument("--peers", default=str(ROOT.parent / "shared" / "peers"))
    a = ap.parse_args()

    import pandas as pd
    import polars as pl

    import popm

    corpus = Path(a.corpus or f"/tmp/corpus_{a.size}mb.csv")
    if not corpus.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), str(a.size), str(corpus)],
                       check=True)
    mb = corpus.stat().st_size / 1e6
    csv.field_size_limit(1 << 30)
    with open(corpus, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [r["description"] for r in rows]
    titles = [r["title"] for r in rows]
    del rows
    pdf = pd.read_csv(corpus)
    pdf_object = pdf.astype(object)
    plf = pl.read_csv(corpus, infer_schema_length=0)
    print(f"corpus: {corpus}, {mb:.1f} MB, {len(texts)} postings; pandas {pd.__version__} "
          f"(description dtype {pdf['description'].dtype}), polars {pl.__version__}, "
          f"popm {popm.__version__}; {os.cpu_count()} CPUs", file=sys.stderr)

    peer = Path(a.peers) / "peer_hyperscan.py"
    try:
        import hyperscan  # noqa: F401
        has_peer = peer.is_file()
    except ImportError:
        has_peer = False
        print("hyperscan is not installed: the peer is left out", file=sys.stderr)

    times = {}

    def add(name, threads, seconds):
        times.setdefault((name, threads), []).append(seconds)

    for threads in [int(t) for t in a.threads.split(",")]:
        cli = [a.popm, "classify", "-q", "-j", str(threads), str(corpus), "-o", "/dev/null"]
        for _ in range(a.rounds):
            add("popm classify (CLI)", threads, timed(lambda: subprocess.run(cli, check=True)))
            add("classify_many", threads, timed(lambda: popm.classify_many(texts, titles, threads=threads)))
            add("classify_frame, pandas (Arrow-backed str)", threads,
                timed(lambda: popm.classify_frame(pdf, threads=threads)))
            add("classify_frame, pandas (object)", threads,
                timed(lambda: popm.classify_frame(pdf_object, threads=threads)))
            add("classify_frame, Polars", threads, timed(lambda: popm.classify_frame(plf, threads=threads)))
            if has_peer and threads == 1:
                out = Path("/tmp/popm-bench-hyperscan.csv")
                cmd = [sys.executable, str(peer), str(Path(a.peers) / "lexicon.tsv"), str(corpus), str(out)]
                add("python peer_hyperscan", 1, timed(lambda: subprocess.run(cmd, check=True)))

    def paired(name, threads, ref):
        """The median over rounds of ref's time / name's time in the same round."""
        if ref not in times:
            return None
        return statistics.median(r / t for r, t in zip(times[ref], times[(name, threads)]))

    print("| command | threads | median s | MB/s | × CLI throughput | × hyperscan peer |")
    print("| --- | --- | --- | --- | --- | --- |")
    for (name, threads), ts in times.items():
        m = statistics.median(ts)
        vs_cli = paired(name, threads, ("popm classify (CLI)", threads))
        vs_peer = paired(name, threads, ("python peer_hyperscan", 1)) if threads == 1 else None
        if vs_peer is None and has_peer:  # no peer run at this thread count: the medians' ratio
            vs_peer = statistics.median(times[("python peer_hyperscan", 1)]) / m
        print(f"| {name} | {threads} | {m:.3f} | {mb / m:.0f} | {vs_cli:.2f} | "
              f"{f'{vs_peer:.1f}' if vs_peer else '–'} |")


if __name__ == "__main__":
    main()
