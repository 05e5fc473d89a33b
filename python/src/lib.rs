//! `popm._popm`: the native part of the `popm` Python package.
//!
//! It wraps the popm library (not the command-line tool): a [`lexicon::PyLexicon`]
//! is a `popm::Lexicon`, a [`classifier::PyClassifier`] a `popm::Classifier`,
//! and a [`result::PostingResult`] one `popm::Classification` with the fields of a
//! JSON Lines row. The pure-Python part (`popm/__init__.py`, `popm/frame.py`)
//! adds `classify_frame` for pandas and Polars on top of
//! [`classifier::PyClassifier::classify_arrow`]. Library code always runs under
//! [`guard::guarded`], so no Rust panic reaches Python as anything but a
//! `RuntimeError`; the GIL is released while postings are classified.

use pyo3::prelude::*;

mod arrow;
mod classifier;
mod columns;
mod errors;
mod guard;
mod lexicon;
mod result;

/// The module `popm._popm`.
#[pymodule]
fn _popm(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("BATCH_ROWS", classifier::BATCH_ROWS)?;
    m.add("BATCH_BYTES", classifier::BATCH_BYTES)?;
    m.add("OUTPUT_COLUMNS", popm::io::OUTPUT_COLUMNS.to_vec())?;
    m.add("PopmError", m.py().get_type::<errors::PopmError>())?;
    m.add("LexiconError", m.py().get_type::<errors::LexiconError>())?;
    m.add_class::<lexicon::PyLexicon>()?;
    m.add_class::<classifier::PyClassifier>()?;
    m.add_class::<result::PostingResult>()?;
    m.add_class::<result::PyEvidence>()?;
    m.add_class::<result::PyMatch>()?;
    m.add_function(wrap_pyfunction!(columns::find_columns, m)?)?;
    m.add_function(wrap_pyfunction!(columns::kept_column_names, m)?)?;
    Ok(())
}
