"""scripts/spark_classify.py --dataframe: a Spark DataFrame classified with mapInArrow and
the popm package on the executors, equal to `popm classify` on the same rows.

Needs pyspark, Java 17 and popm in one Python, so it is skipped unless POPM_TEST_SPARK=1:

    POPM_TEST_SPARK=1 POPM_SPARK_PYTHON=/tmp/spark-venv/bin/python python -m pytest python/tests/test_spark.py

POPM_SPARK_PYTHON is that Python (default python3).
"""

import os
import subprocess

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, SAMPLES, csv_rows
from test_cli_parity import frame_as_cli_csv

pytestmark = pytest.mark.skipif(os.environ.get("POPM_TEST_SPARK") != "1",
                                reason="set POPM_TEST_SPARK=1 to run the PySpark job (needs pyspark and Java)")


def spark_job(tmp_path, *args):
    python = os.environ.get("POPM_SPARK_PYTHON", "python3")
    script = ROOT / "scripts" / "spark_classify.py"
    p = subprocess.run([python, str(script), "--dataframe", *map(str, args)], cwd=tmp_path,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p


def read_result(path):
    """The Parquet directory's rows in input order (by part file, as Spark wrote them)."""
    parts = sorted(path.glob("part-*.parquet"))
    assert parts and (path / "_SUCCESS").exists()
    rows = []
    for part in parts:
        rows.extend(frame_as_cli_csv(pq.read_table(part).to_pandas()))
    return rows


def test_a_csv_with_ids_equals_one_cli_run(cli, tmp_path):
    out = tmp_path / "classified"
    spark_job(tmp_path, SAMPLES / "postings.csv", out, "--keep", "title,company")
    want = csv_rows(cli("classify", SAMPLES / "postings.csv", "--keep", "title,company"))
    assert read_result(out) == want


def test_parquet_without_ids_numbers_rows_as_the_cli(cli, tmp_path):
    table = pacsv.read_csv(SAMPLES / "postings.csv").select(["title", "description"])
    pq.write_table(table, tmp_path / "postings.parquet")
    pacsv.write_csv(table, tmp_path / "postings.csv")
    out = tmp_path / "classified"
    spark_job(tmp_path, tmp_path / "postings.parquet", out)
    want = csv_rows(cli("classify", tmp_path / "postings.csv"))
    assert read_result(out) == want


def test_a_missing_column_is_named(tmp_path):
    python = os.environ.get("POPM_SPARK_PYTHON", "python3")
    p = subprocess.run([python, str(ROOT / "scripts" / "spark_classify.py"), "--dataframe",
                        str(SAMPLES / "postings.csv"), str(tmp_path / "out"), "--text-col", "nope"],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert 'no column named "nope" for text_col=' in p.stderr
    assert not (tmp_path / "out").exists()
