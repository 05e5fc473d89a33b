"""Shared helpers: the popm binary the results are compared with, and the samples."""

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


def popm_binary() -> Path:
    """The CLI built by cargo: $POPM_BIN, else the debug build in the cargo target dir."""
    if os.environ.get("POPM_BIN"):
        return Path(os.environ["POPM_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "popm"


@pytest.fixture(scope="session")
def cli():
    """Runs `popm ARGS` and returns its stdout; the binary must exist (`cargo build`)."""
    binary = popm_binary()
    if not binary.is_file():
        pytest.fail(f"no popm binary at {binary}: build it with `cargo build` (or set POPM_BIN)")

    def run(*args, stdin=None):
        p = subprocess.run([str(binary), *map(str, args)], input=stdin, capture_output=True)
        assert p.returncode == 0, p.stderr.decode()
        return p.stdout.decode()

    return run


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def csv_rows(text, delimiter=","):
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def sample_rows(name, delimiter=","):
    with open(SAMPLES / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=delimiter))
