#!/usr/bin/env python3
"""Classify a postings CSV with popm as the map step of a PySpark job.

    spark_classify.py INPUT OUTPUT.csv [--shards N] [--master local[2]] [--popm PATH]
                      [--workdir DIR] [-- POPM CLASSIFY ARGS...]

INPUT is a CSV file or a directory of CSV shards (*.csv, each with its header,
taken in file-name order). A single file is first cut into N shards of about
equal size (default: Spark's default parallelism), each with the header line;
the cut is byte-exact and only at record ends (a newline outside quotes), so
quoted fields with line breaks stay whole. Each shard is one Spark partition:
a task runs `popm classify - -q -j 1 ARGS` with the shard on stdin
(mapPartitions), so Spark owns the cores. The driver writes OUTPUT once, with
the header of the first shard's result and the rows of every shard after it,
in shard order: the rows come out in input order, byte-identical to one
`popm classify INPUT ARGS` run when the input has an id column (without one,
ids are row numbers counted per shard; with --format jsonl every field but the
shard-local `row` is one run's). Arguments after `--` go to popm
(`--keep title`, `--lexicon FILE`, `--format tsv|jsonl` ...; not xlsx, not -o).

popm is shipped to the executors with SparkContext.addFile, so the same job
runs on a cluster (with INPUT on storage every node can read). The binary:
--popm, else $POPM, else `popm` on PATH, else target/release/popm.

Needs pyspark and Java 17: `python3 -m venv /tmp/peers-venv &&
/tmp/peers-venv/bin/pip install pyspark`, then run this script with
/tmp/peers-venv/bin/python. Exit status: 0, or 1 when popm reported row
errors (exit 1) in some shard (the rows are still written), 2 on failure
(OUTPUT is then left as it was).
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time


def die(msg):
    print(f"spark_classify.py: {msg}", file=sys.stderr)
    sys.exit(2)


def find_popm(arg):
    for cand in (arg, os.environ.get("POPM"), shutil.which("popm"),
                 os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "popm")):
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return os.path.abspath(cand)
    die("no popm binary (give --popm PATH or set POPM)")


def split_csv(path, n, outdir):
    """Cuts PATH into at most N shards at record ends, each starting with the header
    line. Byte-exact: the shards' bodies concatenated are the input's body."""
    size = os.path.getsize(path)
    shards = []
    with open(path, "rb") as f:
        header = f.readline()
        if not header.endswith(b"\n"):
            header += b"\n"
        target = max(1, (size - len(header)) // max(1, n))
        out, written, quotes = None, 0, 0
        for line in f:
            if out is None:
                name = os.path.join(outdir, f"part-{len(shards):05d}.csv")
                shards.append(name)
                out = open(name, "wb")
                out.write(header)
                written = 0
            out.write(line)
            written += len(line)
            quotes += line.count(b'"')
            # A record ends at a line end outside quotes (an even number of quotes so far).
            if quotes % 2 == 0 and written >= target and len(shards) < n:
                out.close()
                out = None
        if out is not None:
            out.close()
    return shards


def classify_partition(popm_name, popm_args):
    """The map step: one popm per shard, the shard on stdin; yields (shard, exit code, output)."""

    def run(index, paths):
        from pyspark import SparkFiles
        popm = SparkFiles.get(popm_name)
        if not os.access(popm, os.X_OK):
            os.chmod(popm, 0o755)
        for path in paths:
            with open(path, "rb") as stdin:
                p = subprocess.run([popm, "classify", "-", "-q", "-j", "1", *popm_args],
                                   stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if p.returncode not in (0, 1):
                raise RuntimeError(f"popm failed on {path} (exit {p.returncode}): "
                                   f"{p.stderr.decode(errors='replace')}")
            yield index, p.returncode, p.stdout

    return run


def main():
    argv = sys.argv[1:]
    popm_args = []
    if "--" in argv:
        k = argv.index("--")
        argv, popm_args = argv[:k], argv[k + 1:]
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="Arguments after -- go to popm classify.")
    ap.add_argument("input", help="a CSV file, or a directory of CSV shards with a header each")
    ap.add_argument("output", help="the result CSV (written atomically)")
    ap.add_argument("--shards", type=int, default=0,
                    help="shards to cut a single file into [default: Spark's default parallelism]")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--popm", help="the popm binary [default: $POPM, popm on PATH, target/release/popm]")
    ap.add_argument("--workdir", help="where to write the shards [default: a temporary directory]")
    a = ap.parse_args(argv)
    fmt = "csv"
    for k, arg in enumerate(popm_args):
        if arg in ("-o", "--output") or arg.startswith("--output="):
            die("popm's -o is not supported here: the result goes to OUTPUT")
        if arg == "--format" and k + 1 < len(popm_args):
            fmt = popm_args[k + 1]
        elif arg.startswith("--format="):
            fmt = arg.split("=", 1)[1]
    if fmt not in ("csv", "tsv", "jsonl"):
        die(f"--format {fmt} is not supported here (csv, tsv or jsonl)")
    popm = find_popm(a.popm)

    try:
        from pyspark import SparkConf, SparkContext
    except ImportError:
        die("needs pyspark (and Java 17): "
            "python3 -m venv /tmp/peers-venv && /tmp/peers-venv/bin/pip install pyspark; "
            "then run it with /tmp/peers-venv/bin/python")

    t0 = time.monotonic()
    conf = (SparkConf().setMaster(a.master).setAppName("popm-classify")
            .set("spark.ui.enabled", "false")  # a batch job: no web UI to start
            .set("spark.ui.showConsoleProgress", "false"))
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    work = tempfile.mkdtemp(prefix="popm-spark-", dir=a.workdir)
    code = 0
    try:
        if os.path.isdir(a.input):
            shards = sorted(glob.glob(os.path.join(os.path.abspath(a.input), "*.csv")))
            if not shards:
                die(f"no *.csv shards in {a.input}")
        else:
            n = a.shards or sc.defaultParallelism
            shards = split_csv(os.path.abspath(a.input), n, work)
        t_split = time.monotonic()
        sc.addFile(popm)
        rdd = sc.parallelize(shards, len(shards)).mapPartitionsWithIndex(
            classify_partition(os.path.basename(popm), popm_args))
        tmp_out = a.output + ".part"
        shards_exit_1 = 0
        try:
            with open(tmp_out, "wb") as out:
                # toLocalIterator fetches one partition at a time, in partition order.
                for index, rc, data in rdd.toLocalIterator():
                    if rc == 1:
                        shards_exit_1 += 1
                    if index == 0 or fmt == "jsonl":
                        out.write(data)
                    else:  # drop the shard's header line
                        nl = data.find(b"\n")
                        out.write(data[nl + 1:] if nl >= 0 else b"")
            os.replace(tmp_out, a.output)
        except Exception as e:  # a failed task: no half-written OUTPUT
            if os.path.exists(tmp_out):
                os.remove(tmp_out)
            die(f"the job failed: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
        t_end = time.monotonic()
        print(f"spark_classify.py: {len(shards)} shards on {a.master}; "
              f"split {t_split - t0:.1f} s (with Spark start), classify+write {t_end - t_split:.1f} s, "
              f"total {t_end - t0:.1f} s -> {a.output}", file=sys.stderr)
        if shards_exit_1:
            print(f"spark_classify.py: popm exited 1 (row errors or an unbalanced quote) "
                  f"on {shards_exit_1} shard(s)", file=sys.stderr)
            code = 1
    finally:
        sc.stop()
        shutil.rmtree(work, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
