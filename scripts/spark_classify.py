#!/usr/bin/env python3
"""Classify postings with popm as the map step of a PySpark job.

    spark_classify.py INPUT OUTPUT.csv [--shards N] [--master local[2]] [--popm PATH]
                      [--workdir DIR] [-- POPM CLASSIFY ARGS...]
    spark_classify.py --dataframe INPUT OUTPUT.parquet [--input-format parquet|csv|json]
                      [--text-col C] [--title-col C] [--id-col C] [--keep C,...]
                      [--master local[2]]

DataFrame mode (--dataframe) reads INPUT (Parquet, CSV with a header, or JSON Lines; a file or a
directory, the format from --input-format or the extension) into a Spark DataFrame and classifies
it with mapInArrow: each Arrow batch goes to `popm.classify_frame` of the popm Python package on
the executors (one thread a task: Spark owns the cores). OUTPUT is a Parquet directory with the
columns of `popm classify`'s CSV output: the --keep columns, id, label, confidence, lean,
content_lean, self_role, mismatch, language, po_score, pm_score, po_evidence, pm_evidence, error;
numbers unrounded by the CSV's fixed decimals (3 for confidence and leans, 2 for scores) but
equal to them. The text, title and id columns are found by the CLI's header rules unless named;
without an id column, id is the 1-based row number of the input (as the CLI numbers rows). The
package must be importable on every executor: locally it is this Python's; on a cluster ship a
virtualenv that has it (venv-pack), for example

    python -m venv env && env/bin/pip install ./python venv-pack && env/bin/venv-pack -o env.tar.gz
    spark-submit --archives env.tar.gz#env --conf spark.pyspark.python=./env/bin/python \
        scripts/spark_classify.py --dataframe s3://bucket/postings/ s3://bucket/classified/

Pipe mode (the default) runs the popm binary on CSV shards:

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


def dataframe_mode(argv):
    """--dataframe: read with Spark, classify_frame in mapInArrow, write Parquet."""
    ap = argparse.ArgumentParser(prog="spark_classify.py --dataframe",
                                 description="Classify a Spark DataFrame with the popm Python package.")
    ap.add_argument("input", help="Parquet, CSV (with a header) or JSON Lines: a file or a directory")
    ap.add_argument("output", help="the result, a Parquet directory (replaced)")
    ap.add_argument("--input-format", choices=["parquet", "csv", "json"],
                    help="[default: from the extension, parquet for a directory]")
    ap.add_argument("--text-col", help="text column(s), comma-separated [default: by header name]")
    ap.add_argument("--title-col", help="title column [default: by header name]")
    ap.add_argument("--id-col", help="id column [default: by header name, else the row number]")
    ap.add_argument("--keep", default="", help="input columns to keep, comma-separated")
    ap.add_argument("--master", default="local[2]")
    a = ap.parse_args(argv)
    try:
        import popm
        from popm import _popm
        from pyspark.sql import SparkSession
        from pyspark.sql.types import LongType, StructField, StructType
    except ImportError as e:
        die(f"--dataframe needs pyspark (and Java 17) and the popm package ({e}): "
            "pip install pyspark ./python")
    fmt = a.input_format
    if fmt is None:
        ext = os.path.splitext(a.input.rstrip("/"))[1].lower()
        fmt = {".csv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}.get(ext)
        if fmt is None:
            fmt = "parquet" if os.path.isdir(a.input) else die(
                f"cannot tell the format of {a.input}; give --input-format parquet, csv or json")
    # Local executors run this Python, which has popm.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    t0 = time.monotonic()
    spark = (SparkSession.builder.master(a.master).appName("popm-classify-dataframe")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        reader = spark.read
        if fmt == "csv":  # RFC 4180: quoted fields may hold line breaks and doubled quotes
            reader = reader.option("header", True).option("multiLine", True).option("escape", '"')
        df = getattr(reader, fmt)(a.input)
        names = df.columns
        try:
            text, title, id_ = _popm.find_columns(names, a.text_col, a.title_col, a.id_col)
        except popm.PopmError as e:
            die(str(e).replace("the frame", a.input))
        if id_ is None:
            # The CLI's ids without an id column: 1-based row numbers in input order.
            schema = StructType(df.schema.fields + [StructField("id", LongType(), False)])
            df = spark.createDataFrame(df.rdd.zipWithIndex().map(lambda p: (*p[0], p[1] + 1)), schema)
            id_name = "id"
        else:
            id_name = names[id_]
        keep = [k for k in a.keep.split(",") if k]
        kept = []
        for k in keep:
            hits = [n for n in names if n.lower() == k.lower()]
            if not hits:
                die(f"{a.input}: no column named {k!r} for --keep; the columns are: {', '.join(names)}")
            kept.append(hits[0])
        out_schema = output_schema(df.schema, kept, id_name)
        text_col = ",".join(names[i] for i in text)
        title_col = names[title] if title is not None else None
        result = df.mapInArrow(classify_batches(text_col, title_col, id_name, kept, out_schema), out_schema)
        result.write.mode("overwrite").parquet(a.output)
        print(f"spark_classify.py: {a.input} ({fmt}) on {a.master} -> {a.output} "
              f"in {time.monotonic() - t0:.1f} s (with Spark start)", file=sys.stderr)
    finally:
        spark.stop()
    return 0


def output_schema(schema, kept, id_name):
    """The Spark schema of the result: kept columns, id, then the CSV output's columns."""
    from popm import _popm
    from pyspark.sql.types import BooleanType, DoubleType, StringType, StructField, StructType

    fields = [StructField(out, schema[k].dataType, True)
              for out, k in zip(_popm.kept_column_names(kept), kept)]
    fields.append(StructField("id", schema[id_name].dataType, True))
    types = {"confidence": DoubleType(), "lean": DoubleType(), "content_lean": DoubleType(),
             "mismatch": BooleanType(), "po_score": DoubleType(), "pm_score": DoubleType()}
    for name in _popm.OUTPUT_COLUMNS[1:]:
        fields.append(StructField(name, types.get(name, StringType()), name != "label"))
    return StructType(fields)


def classify_batches(text_col, title_col, id_name, kept, out_schema):
    """The mapInArrow function: each Arrow batch through popm.classify_frame, one thread a task."""

    def run(batches):
        import pyarrow as pa
        from pyspark.sql.pandas.types import to_arrow_schema

        import popm

        arrow_schema = to_arrow_schema(out_schema)
        for batch in batches:
            out = popm.classify_frame(batch, text_col=text_col, title_col=title_col, id_col=id_name,
                                      keep=kept, threads=1)
            yield pa.RecordBatch.from_arrays(
                [out.column(i).cast(f.type) for i, f in enumerate(arrow_schema)], schema=arrow_schema)

    return run


def main():
    argv = sys.argv[1:]
    if "--dataframe" in argv:
        argv.remove("--dataframe")
        return dataframe_mode(argv)
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
