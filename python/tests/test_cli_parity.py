"""The package's results equal `popm classify` on the samples, field by field."""

import pandas as pd
import polars as pl
import pytest

import popm
from conftest import SAMPLES, csv_rows, jsonl, sample_rows

SAMPLE_FILES = [("postings.csv", ","), ("postings-semicolon.csv", ";")]
FIELDS = ["label", "confidence", "lean", "content_lean", "self_role", "mismatch", "language",
          "po_score", "pm_score", "calibrated", "lexicon"]


def renamed_fields(evidence, names):
    """The evidence with each match's `field` renamed by `names` (CLI column -> package field)."""
    out = []
    for e in evidence:
        e = dict(e, matches=[dict(m, field=names.get(m["field"], m["field"])) for m in e["matches"]])
        out.append(e)
    return out


@pytest.mark.parametrize("name,delimiter", SAMPLE_FILES)
def test_classify_equals_the_cli_jsonl(cli, name, delimiter):
    rows = sample_rows(name, delimiter)
    want = jsonl(cli("classify", SAMPLES / name, "--format", "jsonl"))
    assert len(want) == len(rows) > 0
    for row, w in zip(rows, want):
        got = popm.classify(row["description"], title=row["title"]).to_dict()
        for f in FIELDS:
            assert got[f] == w[f], (row["id"], f)
        assert got["error"] is None and w["error"] is None
        # The CLI names the text field after its column; classify calls it `text`.
        assert got["evidence"] == renamed_fields(w["evidence"], {"description": "text"}), row["id"]


@pytest.mark.parametrize("name,delimiter", SAMPLE_FILES)
def test_result_attributes_equal_the_cli_csv(cli, name, delimiter):
    rows = sample_rows(name, delimiter)
    want = csv_rows(cli("classify", SAMPLES / name))
    results = popm.classify_many([r["description"] for r in rows], [r["title"] for r in rows])
    for r, w in zip(results, want):
        assert r.label == w["label"]
        assert f"{r.confidence:.3f}" == w["confidence"]
        assert f"{r.lean:.3f}" == w["lean"] and f"{r.content_lean:.3f}" == w["content_lean"]
        assert (r.self_role or "") == w["self_role"]
        assert str(r.mismatch).lower() == w["mismatch"]
        assert r.language == w["language"]
        assert f"{r.po_score:.2f}" == w["po_score"] and f"{r.pm_score:.2f}" == w["pm_score"]
        assert (r.po_evidence or "") == w["po_evidence"]
        assert (r.pm_evidence or "") == w["pm_evidence"]


def frame_as_cli_csv(out):
    """A classify_frame result as the CLI's CSV cells (fixed decimals, empty for None)."""
    digits = {"confidence": 3, "lean": 3, "content_lean": 3, "po_score": 2, "pm_score": 2}
    rows = []
    for rec in out.to_dicts() if isinstance(out, pl.DataFrame) else out.to_dict("records"):
        row = {}
        for k, v in rec.items():
            if k in digits:
                row[k] = f"{v:.{digits[k]}f}"
            elif isinstance(v, bool):
                row[k] = str(v).lower()
            elif v is None or (isinstance(v, float) and v != v):
                row[k] = ""
            else:
                row[k] = str(v)
        rows.append(row)
    return rows


@pytest.mark.parametrize("name,delimiter", SAMPLE_FILES)
@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_classify_frame_equals_the_cli_csv(cli, name, delimiter, library):
    path = SAMPLES / name
    if library == "pandas":
        df = pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False)
    else:
        df = pl.read_csv(path, separator=delimiter)
    out = popm.classify_frame(df, keep=["title"])
    want = csv_rows(cli("classify", path, "--keep", "title"))
    assert list(out.columns) == list(want[0].keys())
    assert frame_as_cli_csv(out) == want


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_frame_evidence_equals_the_cli_jsonl(cli, library):
    path = SAMPLES / "postings.csv"
    df = pd.read_csv(path, dtype=str) if library == "pandas" else pl.read_csv(path)
    out = popm.classify_frame(df, evidence=True)
    want = jsonl(cli("classify", path, "--format", "jsonl"))
    evidence = list(out["evidence"])
    assert len(evidence) == len(want)
    for got, w in zip(evidence, want):
        got = list(got)
        if library == "polars":  # List(Struct) reads back as dicts already
            got = [dict(e, matches=list(e["matches"])) for e in got]
        assert got == w["evidence"]
