//! `popm.Lexicon`: the weighted phrases popm looks for (a `popm::Lexicon`).

use std::path::PathBuf;

use popm::Lexicon;
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;

use crate::errors::to_py;

/// The phrases popm looks for, with their roles, weights and categories.
///
/// Immutable: ``extended`` returns a new lexicon.
///
/// Example::
///
///     >>> import popm
///     >>> lex = popm.Lexicon.embedded()
///     >>> lex.name
///     'popm-default'
#[pyclass(name = "Lexicon", module = "popm", frozen)]
#[derive(Clone)]
pub struct PyLexicon {
    pub inner: Lexicon,
}

/// Reads and parses a lexicon file, as `popm classify --lexicon PATH` does.
fn read_lexicon(path: &PathBuf) -> PyResult<Lexicon> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| PyOSError::new_err(format!("cannot read lexicon {}: {e}", path.display())))?;
    Lexicon::parse(&text, &path.display().to_string()).map_err(to_py)
}

#[pymethods]
impl PyLexicon {
    /// The lexicon built into popm (the default).
    ///
    /// Example::
    ///
    ///     >>> popm.Lexicon.embedded().identity == popm.LEXICON
    ///     True
    #[staticmethod]
    fn embedded() -> PyLexicon {
        PyLexicon {
            inner: Lexicon::embedded(),
        }
    }

    /// A lexicon read from a TOML file (as ``popm classify --lexicon PATH``).
    ///
    /// Raises ``LexiconError`` naming the file and line of a bad entry, and
    /// ``OSError`` when the file cannot be read.
    ///
    /// Example::
    ///
    ///     >>> lex = popm.Lexicon.from_file("my-lexicon.toml")  # doctest: +SKIP
    #[staticmethod]
    fn from_file(path: PathBuf) -> PyResult<PyLexicon> {
        Ok(PyLexicon {
            inner: read_lexicon(&path)?,
        })
    }

    /// A lexicon parsed from TOML text; ``source`` names it in error messages.
    ///
    /// Example::
    ///
    ///     >>> toml = '[[category]]\nname = "backlog"\nrole = "po"\n' \
    ///     ...        'entries = [{ phrase = "product backlog", weight = 3 }]\n'
    ///     >>> len(popm.Lexicon.parse(toml))
    ///     1
    #[staticmethod]
    #[pyo3(signature = (text, source = "<string>"))]
    fn parse(text: &str, source: &str) -> PyResult<PyLexicon> {
        Ok(PyLexicon {
            inner: Lexicon::parse(text, source).map_err(to_py)?,
        })
    }

    /// The TOML text of the embedded lexicon (a starting point for your own).
    ///
    /// Example::
    ///
    ///     >>> "[[category]]" in popm.Lexicon.default_text()
    ///     True
    #[staticmethod]
    fn default_text() -> &'static str {
        Lexicon::default_text()
    }

    /// This lexicon with the entries of ``other`` (a ``Lexicon`` or the path
    /// of a TOML file) added, as ``popm classify --extend FILE``: a phrase
    /// already present is re-weighted; the result is uncalibrated.
    ///
    /// Example::
    ///
    ///     >>> extra = popm.Lexicon.parse('[[category]]\nname = "x"\nrole = "po"\n'
    ///     ...     'entries = [{ phrase = "refinement session", weight = 2 }]\n')
    ///     >>> len(popm.Lexicon.embedded().extended(extra)) > len(extra)
    ///     True
    fn extended(&self, other: &Bound<'_, PyAny>) -> PyResult<PyLexicon> {
        let other = match other.cast::<PyLexicon>() {
            Ok(lex) => lex.get().inner.clone(),
            Err(_) => read_lexicon(&other.extract::<PathBuf>()?)?,
        };
        let mut inner = self.inner.clone();
        inner.extend(other);
        Ok(PyLexicon { inner })
    }

    /// The lexicon's name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The lexicon's version.
    #[getter]
    fn version(&self) -> &str {
        self.inner.version()
    }

    /// A hash of the lexicon's content.
    #[getter]
    fn hash(&self) -> &str {
        self.inner.hash()
    }

    /// ``name@version#hash``: the ``lexicon`` field of every result it makes.
    #[getter]
    fn identity(&self) -> String {
        self.inner.identity()
    }

    /// Whether its confidences are calibrated (fitted constants present).
    #[getter]
    fn is_calibrated(&self) -> bool {
        self.inner.calibration().is_some()
    }

    /// The number of entries (phrases with their variant forms).
    fn __len__(&self) -> usize {
        self.inner.entries().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<popm.Lexicon {} ({} entries)>",
            self.inner.identity(),
            self.inner.entries().len()
        )
    }
}
