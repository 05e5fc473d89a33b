//! Python exceptions for the library's errors: each carries the Rust error's
//! message, which names the file and line and says what to do.

use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::PyErr;

create_exception!(
    popm,
    PopmError,
    PyValueError,
    "An error from popm: the message says what was wrong, where, and what to do."
);
create_exception!(
    popm,
    LexiconError,
    PopmError,
    "A lexicon that could not be read or holds an invalid entry (the message names the file and line)."
);

/// The Python exception for a library error: `LexiconError` for a lexicon,
/// `OSError` for a file that cannot be read, `PopmError` otherwise.
pub fn to_py(e: popm::Error) -> PyErr {
    match e.kind() {
        popm::ErrorKind::Lexicon { .. } => LexiconError::new_err(e.to_string()),
        popm::ErrorKind::Read { .. } | popm::ErrorKind::Write { .. } => {
            PyOSError::new_err(e.to_string())
        }
        _ => PopmError::new_err(e.to_string()),
    }
}
