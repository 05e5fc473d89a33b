"""classify_frame on pandas and Polars: columns found as the CLI finds them,
titles or none, kept columns, missing values, Arrow-backed input."""

import math

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import popm

PO = "You own the product backlog, write user stories and accept work against the definition of done."
PM = "You own the product strategy and roadmap, run market research and set pricing."
OUTPUT = ["id", "label", "confidence", "lean", "content_lean", "self_role", "mismatch", "language",
          "po_score", "pm_score", "po_evidence", "pm_evidence", "error"]


def frames(data):
    """The same columns as a pandas and a Polars frame."""
    return [pd.DataFrame(data), pl.DataFrame(data)]


def column(out, name):
    return list(out[name])


def is_missing(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


@pytest.mark.parametrize("df", frames({"Job Title": ["Product Owner", "Product Manager"],
                                       "Job Description": [PO, PM]}))
def test_columns_are_found_by_header_names(df):
    out = popm.classify_frame(df)
    assert type(out) is type(df)
    assert list(out.columns) == OUTPUT
    assert column(out, "label") == ["product_owner", "product_manager"]
    assert column(out, "id") == [1, 2]
    assert column(out, "self_role") == ["product_owner", "product_manager"]
    want = [popm.classify(PO, "Product Owner"), popm.classify(PM, "Product Manager")]
    assert column(out, "po_score") == [r.po_score for r in want]
    assert column(out, "po_evidence")[0] == want[0].po_evidence


@pytest.mark.parametrize("df", frames({"body": [PO, PM], "notes": ["Product Manager", "x"]}))
def test_without_a_title_column(df):
    out = popm.classify_frame(df)
    assert column(out, "label") == [popm.classify(PO).label, popm.classify(PM).label]
    assert column(out, "confidence") == [popm.classify(PO).confidence, popm.classify(PM).confidence]


@pytest.mark.parametrize("df", frames({"posting_id": ["a7", "b9"], "headline": ["Product Manager", "Product Owner"],
                                       "summary": [PO, PM], "details": [PO, ""], "label": ["x", "y"]}))
def test_named_columns_and_kept_columns(df):
    out = popm.classify_frame(df, text_col=["summary", "details"], title_col="headline",
                              id_col="posting_id", keep=["headline", "label"])
    assert list(out.columns) == ["headline", "label_input"] + OUTPUT
    assert column(out, "id") == ["a7", "b9"]
    assert column(out, "label_input") == ["x", "y"]
    # Evidence is numbered over both text columns, then the title.
    full = popm.classify_frame(df, text_col="summary,details", title_col="headline", evidence=True)
    fields = {m["field"] for ev in list(full["evidence"])[0] for m in ev["matches"]}
    assert fields == {"summary", "details", "title"}
    assert column(full, "label") == column(out, "label")


@pytest.mark.parametrize("df", frames({"title": ["Product Owner", "Product Owner"], "description": [PO, PM]}))
def test_keep_all_columns(df):
    out = popm.classify_frame(df, keep=True)
    assert list(out.columns)[:2] == ["title", "description"]
    assert column(out, "description") == [PO, PM]


def test_missing_texts_give_unclear_rows_with_a_note():
    data = {"title": ["Product Owner", None, "Product Owner", None],
            "description": [PO, None, float("nan"), PM]}
    for df in [pd.DataFrame(data), pl.DataFrame({"title": data["title"], "description": [PO, None, None, PM]})]:
        out = popm.classify_frame(df)
        labels = column(out, "label")
        errors = column(out, "error")
        assert labels[1] == labels[2] == "unclear"
        assert "row 2" in errors[1] and "None or NaN" in errors[1]
        assert "row 3" in errors[2]
        assert is_missing(errors[0]) and is_missing(errors[3])
        # A missing title is an empty title, as an empty CSV cell is.
        assert labels[3] == popm.classify(PM, title="").label
        assert len(out) == 4


def test_arrow_backed_pandas_columns():
    texts = pa.array([PO, None, PM], type=pa.large_string())
    for dtype_frame in [
        pd.DataFrame({"description": pd.array([PO, None, PM], dtype="string[pyarrow]")}),
        pd.DataFrame({"description": pd.Series(texts, dtype=pd.ArrowDtype(pa.large_string()))}),
        pd.DataFrame({"description": pd.Series(pa.array([PO, None, PM]), dtype=pd.ArrowDtype(pa.string()))}),
        pd.DataFrame({"description": pd.Series([PO, None, PM], dtype="category")}),
        pd.DataFrame({"description": pd.Series([PO, None, PM], dtype=object)}),
    ]:
        out = popm.classify_frame(dtype_frame)
        assert column(out, "label") == ["product_owner", "unclear", "product_manager"], dtype_frame.dtypes


def test_polars_sliced_and_chunked_columns():
    df = pl.concat([pl.DataFrame({"description": [PM, PO]}), pl.DataFrame({"description": [PM, None]})],
                   rechunk=False)
    assert df["description"].n_chunks() == 2
    out = popm.classify_frame(df.slice(1, 3))
    assert column(out, "label") == ["product_owner", "product_manager", "unclear"]
    assert column(out, "id") == [1, 2, 3]


def test_pandas_index_is_kept_and_rows_are_not_reordered():
    df = pd.DataFrame({"description": [PM, PO, PM]}, index=[30, 10, 20])
    out = popm.classify_frame(df)
    assert list(out.index) == [30, 10, 20]
    assert column(out, "label") == ["product_manager", "product_owner", "product_manager"]


def test_frame_equals_classify_many_on_many_rows():
    texts = [[PO, PM, f"{PO} {PM}", "Drive a forklift.", ""][i % 5] + f" Team {i}." for i in range(popm.BATCH_ROWS + 10)]
    titles = [["Product Owner", "Product Manager", "", "Driver"][i % 4] for i in range(len(texts))]
    out = popm.classify_frame(pl.DataFrame({"title": titles, "description": texts}), threads=2)
    want = popm.classify_many(texts, titles)
    assert column(out, "label") == [r.label for r in want]
    assert column(out, "lean") == [r.lean for r in want]
    assert column(out, "pm_evidence") == [r.pm_evidence for r in want]


def test_numbers_in_a_text_column_are_read_as_text():
    out = popm.classify_frame(pd.DataFrame({"id": [5, 6], "description": [1.5, float("nan")]}))
    assert column(out, "id") == [5, 6]
    assert column(out, "label") == ["unclear", "unclear"]
    assert is_missing(column(out, "error")[0]) and "None or NaN" in column(out, "error")[1]


def test_errors_name_the_columns_and_the_argument():
    df = pd.DataFrame({"a": ["x"], "b": ["y"]})
    with pytest.raises(popm.PopmError, match=r'no description column found; the columns are: 1="a", 2="b".*text_col='):
        popm.classify_frame(df)
    with pytest.raises(popm.PopmError, match=r'no column named "c" for text_col='):
        popm.classify_frame(df, text_col="c")
    with pytest.raises(popm.PopmError, match=r"no column named 'zz' for keep="):
        popm.classify_frame(df, text_col="a", keep=["zz"])
    with pytest.raises(TypeError, match="pandas or Polars DataFrame"):
        popm.classify_frame([{"description": PO}])
    with pytest.raises(TypeError, match="not text"):
        popm.classify_frame(pd.DataFrame({"description": [PO, 3]}, dtype=object))


def test_arrow_tables_and_record_batches():
    table = pa.table({"title": ["Product Owner", None], "description": [PO, PM], "team": ["a", "b"]})
    out = popm.classify_frame(table, keep="team", evidence=True)
    assert isinstance(out, pa.Table)
    assert out.column_names == ["team"] + OUTPUT + ["evidence"]
    assert out.column("label").to_pylist() == ["product_owner", popm.classify(PM, "").label]
    assert out.schema.field("evidence").type == popm.frame.evidence_arrow_type()
    assert out.column("evidence").to_pylist()[0][0]["phrase"] == popm.classify(PO, "Product Owner").evidence[0].phrase
    batch = popm.classify_frame(table.to_batches()[0])
    assert isinstance(batch, pa.RecordBatch) and batch.num_rows == 2
    assert batch.column(batch.schema.get_field_index("po_score")).to_pylist() == out.column("po_score").to_pylist()


@pytest.mark.parametrize("df", [pd.DataFrame({"description": pd.Series([], dtype=object)}),
                                pl.DataFrame({"description": []}, schema={"description": pl.String}),
                                pl.DataFrame({"description": [None, None]})])
def test_empty_and_all_null_columns(df):
    out = popm.classify_frame(df)
    assert list(out.columns) == OUTPUT and len(out) == len(df)
    assert all(label == "unclear" for label in column(out, "label"))


def test_polars_output_types_do_not_depend_on_values():
    out = popm.classify_frame(pl.DataFrame({"description": ["Drive a forklift.", None]}))
    assert out.schema["self_role"] == pl.String and out.schema["po_evidence"] == pl.String
    assert out.schema["confidence"] == pl.Float64 and out.schema["mismatch"] == pl.Boolean
    assert out.schema["error"] == pl.String and out.schema["id"] == pl.Int64


def test_every_arrow_string_layout_reads_the_same_values():
    # Short values sit inside a string_view's 16-byte view (12 bytes at most), longer ones in
    # its data buffers; string and large_string use 32- and 64-bit offsets. Slices start inside
    # a chunk, and every chunk boundary must keep rows in order.
    values = ["", "PO backlog.", "Backlog: 12b", "Own pricing.", "Roadmap 13 by", None,
              "Créer le backlog produit et rédiger les user stories.", PO, PM, f"{PM} {PO}"]
    want = popm.classify_many([v if v is not None else "" for v in values])
    expected = [w.label if v is not None else "unclear" for v, w in zip(values, want)]
    for arrow_type in [pa.string(), pa.large_string(), pa.string_view()]:
        chunks = [pa.array(values[:4], type=arrow_type), pa.array(values[4:], type=arrow_type)]
        table = pa.table({"description": pa.chunked_array(chunks)})
        out = popm.classify_frame(table, evidence=True)
        assert out.column("label").to_pylist() == expected, arrow_type
        assert out.column("pm_evidence").to_pylist()[7:] == [w.pm_evidence for w in want[7:]], arrow_type
        sliced = popm.classify_frame(table.slice(3, 5))
        assert sliced.column("label").to_pylist() == expected[3:8], arrow_type
    polars = pl.concat([pl.DataFrame({"description": values[:6]}), pl.DataFrame({"description": values[6:]})],
                       rechunk=False)
    out = popm.classify_frame(polars.slice(2, 7), evidence=True)
    assert column(out, "label") == expected[2:9]
    assert [e[0]["matches"][0]["text"] if e else None for e in out["evidence"].to_list()][5:] == \
        [w.evidence[0].matches[0].text for w in want[7:9]]


def test_polars_categorical_and_non_text_columns():
    df = pl.DataFrame({"description": pl.Series([PO, None, PM], dtype=pl.Categorical)})
    assert column(popm.classify_frame(df), "label") == ["product_owner", "unclear", "product_manager"]
    out = popm.classify_frame(pl.DataFrame({"description": [1, 2]}))
    assert column(out, "label") == ["unclear", "unclear"]
