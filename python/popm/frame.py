"""``classify_frame``: a pandas or Polars frame (or an Arrow table) in, the same kind out.

Columns are read through the Arrow C stream interface: a Polars text column,
a pandas column backed by Arrow (``str`` in pandas 3, ``string[pyarrow]``,
``ArrowDtype``) or a pyarrow column is read in place, in Rust, from the
buffers its library holds; an object column is converted by pyarrow in C++
first. No Python string is made per row on the way in.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Union

from popm import _popm

ColumnNames = Union[str, Sequence[str]]


def _kind(df: Any) -> str:
    """``pandas``, ``polars`` or ``pyarrow``, from the frame's type; ``TypeError`` otherwise."""
    module = type(df).__module__.split(".")[0]
    name = type(df).__name__
    if module in ("pandas", "polars") and name == "DataFrame":
        return module
    if module == "pyarrow" and name in ("Table", "RecordBatch"):
        return module
    raise TypeError(
        f"classify_frame takes a pandas or Polars DataFrame (or a pyarrow Table), not "
        f"{type(df).__module__}.{name}; for a list of texts use classify_many"
    )


def _column(df: Any, kind: str, i: int) -> Any:
    """The ``i``-th column of ``df`` (a pandas or Polars Series, an Arrow array)."""
    if kind == "pandas":
        return df.iloc[:, i]
    return df.to_series(i) if kind == "polars" else df.column(i)


def _text_stream(col: Any, kind: str, name: str) -> Any:
    """The column as an Arrow C stream capsule of strings (nulls for None/NaN),
    which ``Classifier.classify_arrow`` reads in place.

    A Polars text column and an Arrow-backed pandas column hand over their
    own buffers, in as many chunks as they hold; only an object column, a
    dictionary (categorical) column or a non-text type is converted first.
    """
    import pyarrow as pa

    if kind == "polars" and str(col.dtype) == "String" and hasattr(col, "__arrow_c_stream__"):
        return col.__arrow_c_stream__()  # string_view, Polars' own buffers
    try:
        if kind == "pyarrow":
            arr = col
        elif kind == "polars":
            arr = col.to_arrow()
        elif str(col.dtype) == "object":
            try:  # straight to large_string: no cast (and copy) afterwards
                arr = pa.array(col, from_pandas=True, type=pa.large_string())
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                arr = pa.array(col, from_pandas=True)
        else:
            arr = pa.array(col, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as e:
        raise TypeError(
            f"column {name!r} holds values that are not text ({e}); "
            f"convert it with .astype(str) or choose another column"
        ) from None
    if not isinstance(arr, pa.ChunkedArray):
        arr = pa.chunked_array([arr], type=arr.type)
    if pa.types.is_dictionary(arr.type):
        arr = pa.chunked_array([c.dictionary_decode() for c in arr.chunks], type=arr.type.value_type)
    text_types = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)
    if not any(is_text(arr.type) for is_text in text_types):
        try:
            arr = arr.cast(pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
            raise TypeError(f"column {name!r} of type {arr.type} cannot be read as text ({e})") from None
    return arr.__arrow_c_stream__()


def evidence_arrow_type() -> Any:
    """The Arrow type of the ``evidence`` column of a classified Arrow table:
    a list of structs with the fields of JSON Lines evidence.

    Example::

        >>> str(popm.frame.evidence_arrow_type().value_type.field("phrase").type)
        'string'
    """
    import pyarrow as pa

    match = pa.struct([("field", pa.string()), ("text", pa.string()), ("start", pa.int64()),
                       ("end", pa.int64()), ("char_start", pa.int64()), ("char_end", pa.int64()),
                       ("snippet", pa.string()), ("mark", pa.string())])
    return pa.list_(pa.struct([("phrase", pa.string()), ("role", pa.string()), ("category", pa.string()),
                               ("weight", pa.float64()), ("count", pa.int64()), ("counted", pa.int64()),
                               ("contribution", pa.float64()), ("credit_other", pa.float64()),
                               ("matches", pa.list_(match))]))


def _kept(names: List[str], keep: Union[bool, ColumnNames, None]) -> List[int]:
    """Indices of the kept columns: none, all (``True``), or these names (any case)."""
    if keep is None or keep is False:
        return []
    if keep is True:
        return list(range(len(names)))
    wanted = [keep] if isinstance(keep, str) else list(keep)
    out = []
    for k in wanted:
        hits = [i for i, n in enumerate(names) if n.lower() == str(k).lower()]
        if not hits:
            raise _popm.PopmError(
                f"the frame: no column named {k!r} for keep=; the columns are: "
                + ", ".join(f"{i + 1}={n!r}" for i, n in enumerate(names))
            )
        out.append(hits[0])
    return out


def classify_frame(
    df: Any,
    text_col: Optional[ColumnNames] = None,
    title_col: Optional[str] = None,
    keep: Union[bool, ColumnNames, None] = None,
    *,
    id_col: Optional[str] = None,
    evidence: bool = False,
    classifier: Optional["_popm.Classifier"] = None,
    threads: Optional[int] = None,
) -> Any:
    """Classifies every row of a pandas or Polars frame; returns a frame of the same kind.

    A pyarrow ``Table`` or ``RecordBatch`` works too (Spark's ``mapInArrow``
    hands those out) and gives one back.

    The text, title and id columns are found as ``popm classify`` finds them
    in a CSV header (``description``, ``Job Description``, ``text`` …;
    ``title``, ``Job Title`` …; ``id``, ``job_id`` …) unless named with
    ``text_col`` (one name, or several), ``title_col`` and ``id_col``. The
    result has the columns of the CLI's CSV output: the ``keep`` columns
    (names, or ``True`` for all; a name clashing with an output column gets
    ``_input``), ``id`` (the id column's values, else the 1-based row number),
    ``label``, ``confidence``, ``lean``, ``content_lean``, ``self_role``,
    ``mismatch``, ``language``, ``po_score``, ``pm_score``, ``po_evidence``,
    ``pm_evidence`` (compact cells, ``None`` when empty) and ``error``; with
    ``evidence=True`` also ``evidence``, the full evidence of each row (lists
    of dicts, as in JSON Lines). A pandas result keeps the input's index.

    A null (None/NaN) text gives an ``unclear`` row whose ``error`` says so;
    a null title is an empty title, as an empty CSV cell is.

    Example::

        >>> import pandas as pd
        >>> df = pd.DataFrame({"title": ["Product Owner", "Product Manager"],
        ...                    "description": ["Own the product backlog.", "Own the roadmap."]})
        >>> list(popm.classify_frame(df)["label"])
        ['product_owner', 'product_manager']
    """
    kind = _kind(df)
    if classifier is None:
        from popm import default_classifier

        classifier = default_classifier()
    names = [str(c) for c in (df.schema.names if kind == "pyarrow" else df.columns)]
    if text_col is not None and not isinstance(text_col, str):
        text_col = ",".join(text_col)
    text_idx, title_idx, id_idx = _popm.find_columns(names, text_col, title_col, id_col)
    used = sorted(set(text_idx) | ({title_idx} if title_idx is not None else set()))
    position = {c: k for k, c in enumerate(used)}
    columns = [(names[c], _text_stream(_column(df, kind, c), kind, names[c])) for c in used]
    out = classifier.classify_arrow(
        columns,
        [position[c] for c in text_idx],
        position[title_idx] if title_idx is not None else None,
        evidence,
        threads,
    )
    rows = len(df)
    data = {}
    kept = _kept(names, keep)
    for out_name, c in zip(_popm.kept_column_names([names[c] for c in kept]), kept):
        col = _column(df, kind, c)
        data[out_name] = col.array if kind == "pandas" else col
    if id_idx is not None:
        col = _column(df, kind, id_idx)
        data["id"] = col.array if kind == "pandas" else col
    else:
        data["id"] = list(range(1, rows + 1))
    data.update(out)
    if kind == "pandas":
        import pandas as pd

        return pd.DataFrame(data, index=df.index)
    if kind == "pyarrow":
        import pyarrow as pa

        if "evidence" in data:
            data["evidence"] = pa.array(data["evidence"], type=evidence_arrow_type())
        cls = pa.RecordBatch if type(df).__name__ == "RecordBatch" else pa.Table
        return cls.from_pydict(data)
    import polars as pl

    # The output columns' types do not depend on their values (a column of nulls is still text).
    types = {"confidence": pl.Float64, "lean": pl.Float64, "content_lean": pl.Float64,
             "mismatch": pl.Boolean, "po_score": pl.Float64, "pm_score": pl.Float64}
    return pl.DataFrame([
        v.alias(k) if isinstance(v, pl.Series)
        else pl.Series(k, v, dtype=types.get(k, pl.String)) if k in out and k != "evidence"
        else pl.Series(k, v)
        for k, v in data.items()
    ])
