#!/usr/bin/env python3
"""Draws popm's throughput and memory against input size and threads.

    scripts/plot_benchmarks.py SWEEP.csv OUT.png [--title TEXT]

SWEEP.csv is what `benches/throughput.sh --sweep` writes: one line per run,
columns size_mb,bytes,threads,cores,run,wall_s,max_rss_kb (threads 0 = popm's
default, one per core). Three panels: MB/s against input size (log x) per
thread count, peak RSS against input size, and MB/s against threads per size.
Points are medians of the runs; bars span the fastest and slowest run.
A median table is printed on stdout as well.

Needs matplotlib: `python3 -m venv /tmp/peers-venv && /tmp/peers-venv/bin/pip
install matplotlib` (benches/throughput.sh uses $PEERS_VENV when it has it).
"""
import argparse
import csv
import statistics
import sys
from collections import defaultdict


def load(path):
    runs = defaultdict(list)  # (size_mb, threads) -> [(mb_per_s, rss_mb, wall_s)]
    cores = None
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            wall = float(r["wall_s"])
            mb = int(r["bytes"]) / 1e6
            key = (float(r["size_mb"]), int(r["threads"]))
            runs[key].append((mb / wall if wall > 0 else float("nan"),
                              int(r["max_rss_kb"]) / 1024, wall))
            cores = int(r["cores"])
    if not runs:
        sys.exit(f"{path}: no runs")
    return runs, cores


def thread_label(j, cores):
    return f"default -j ({cores} cores)" if j == 0 else f"-j {j}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sweep_csv")
    ap.add_argument("out_png")
    ap.add_argument("--title", default="popm classify")
    a = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter
    except ImportError:
        sys.exit("plot_benchmarks.py needs matplotlib. Install it with\n"
                 "    python3 -m venv /tmp/peers-venv && /tmp/peers-venv/bin/pip install matplotlib\n"
                 "then run benches/throughput.sh with PEERS_VENV=/tmp/peers-venv (or run this script\n"
                 "with /tmp/peers-venv/bin/python).")

    runs, cores = load(a.sweep_csv)
    sizes = sorted({s for s, _ in runs})
    threads = sorted({j for _, j in runs}, key=lambda j: (j == 0, j))

    def med(key, k):
        return statistics.median(v[k] for v in runs[key])

    def span(key, k):
        vals = [v[k] for v in runs[key]]
        m = statistics.median(vals)
        return m - min(vals), max(vals) - m

    print("size_mb threads runs median_wall_s MB/s peak_rss_mb(max)")
    for s in sizes:
        for j in threads:
            if (s, j) in runs:
                print(f"{s:g} {j} {len(runs[(s, j)])} {med((s, j), 2):.2f} "
                      f"{med((s, j), 0):.1f} {max(v[1] for v in runs[(s, j)]):.1f}")

    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(15, 4.8))
    mb_fmt = FuncFormatter(lambda x, _: f"{x:g} MB" if x < 1000 else f"{x / 1000:g} GB")
    markers = "osD^v"
    for n, j in enumerate(threads):
        xs = [s for s in sizes if (s, j) in runs]
        lo_hi = list(zip(*[span((s, j), 0) for s in xs]))
        ax1.errorbar(xs, [med((s, j), 0) for s in xs], yerr=lo_hi, marker=markers[n % 5],
                     capsize=3, label=thread_label(j, cores))
        ax2.plot(xs, [max(v[1] for v in runs[(s, j)]) for s in xs], marker=markers[n % 5],
                 label=thread_label(j, cores))
    ax1.set_xscale("log")
    ax1.set_xticks(sizes)
    ax1.xaxis.set_major_formatter(mb_fmt)
    ax1.minorticks_off()
    ax1.set_ylim(bottom=0)
    ax1.set_xlabel("input size (log scale)")
    ax1.set_ylabel("throughput, MB/s (median)")
    ax1.set_title("Throughput against input size\n(flat = cost grows linearly)")
    ax1.legend()
    ax1.grid(alpha=0.3)

    ax2.set_xscale("log")
    ax2.set_xticks(sizes)
    ax2.xaxis.set_major_formatter(mb_fmt)
    ax2.minorticks_off()
    top = max(max(v[1] for v in vs) for vs in runs.values())
    ax2.set_ylim(0, max(64, top) * 1.15)
    ax2.axhline(64, color="grey", ls="--", lw=1)
    ax2.text(sizes[0], 64, " target: < 64 MB", va="bottom", color="grey")
    ax2.set_xlabel("input size (log scale)")
    ax2.set_ylabel("peak RSS, MB (largest run)")
    ax2.set_title("Memory against input size\n(flat = streaming)")
    ax2.legend()
    ax2.grid(alpha=0.3)

    numeric = [j for j in threads if j != 0]
    for n, s in enumerate(sizes):
        js = [j for j in numeric if (s, j) in runs]
        if js:
            ax3.errorbar(js, [med((s, j), 0) for j in js], yerr=list(zip(*[span((s, j), 0) for j in js])),
                         marker=markers[n % 5], capsize=3, label=mb_fmt(s, None))
    if numeric:
        ax3.set_xticks(numeric)
        ax3.set_xticklabels([f"-j {j}" for j in numeric])
    ax3.set_ylim(bottom=0)
    ax3.set_xlabel("worker threads")
    ax3.set_ylabel("throughput, MB/s (median)")
    ax3.set_title(f"Throughput against threads\n({cores} cores, shared with other work)")
    ax3.legend(title="input", fontsize="small")
    ax3.grid(alpha=0.3)

    fig.suptitle(a.title)
    fig.tight_layout()
    fig.savefig(a.out_png, dpi=100)
    print(f"wrote {a.out_png}")


if __name__ == "__main__":
    main()
