//! `popm.Result`, `popm.Evidence`, `popm.Match`: one classified posting with
//! the fields of a `popm classify --format jsonl` row.
//!
//! Numbers are rounded as JSON Lines rounds them (confidence and leans to 3
//! decimals, scores to 2), so a result equals the CLI's row field by field.
//! The evidence objects are built when `evidence` is read, not when the
//! posting is classified: a batch pays for snippets only where they are used.
//! For that a result refers to its posting's `str` objects (no copy): a
//! batch's results take little memory beyond the texts the caller has.

use std::sync::Arc;

use popm::io::{compact_evidence, evidence_items, round, EvidenceItem};
use popm::{Classification, Classifier, Role};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

/// One classified posting: label, confidence, lean, scores and evidence.
///
/// ``label`` is a plain ``str`` (``product_owner``, ``product_manager``,
/// ``hybrid``, ``unclear`` or ``other``), as in popm's CSV output.
///
/// Example::
///
///     >>> r = popm.classify("You own the product backlog and write user stories.",
///     ...                   title="Product Owner")
///     >>> r.label, r.self_role
///     ('product_owner', 'product_owner')
///     >>> r.evidence[0].phrase, r.evidence[0].matches[0].field
///     ('product owner', 'title')
#[pyclass(name = "Result", module = "popm", frozen)]
pub struct PostingResult {
    classification: Classification,
    classifier: Classifier,
    /// The text, then the title: the fields evidence offsets point into
    /// (the caller's `str` objects; none for a missing text).
    fields: Vec<Py<PyString>>,
    /// Their names (`text`, `title`, or a frame's column names).
    field_names: Arc<[String]>,
    error: Option<String>,
}

impl PostingResult {
    /// A result for `classification` of the posting made of `fields`.
    pub fn new(
        classification: Classification,
        classifier: Classifier,
        fields: Vec<Py<PyString>>,
        field_names: Arc<[String]>,
        error: Option<String>,
    ) -> PostingResult {
        PostingResult {
            classification,
            classifier,
            fields,
            field_names,
            error,
        }
    }

    /// The evidence items, given the fields' texts (see [`PostingResult::texts`]).
    fn items<'a>(&'a self, texts: &'a [std::borrow::Cow<'a, str>]) -> Vec<EvidenceItem<'a>> {
        let fields: Vec<&str> = texts.iter().map(|t| t.as_ref()).collect();
        evidence_items(
            &self.classification,
            self.classifier.lexicon(),
            &fields,
            &self.field_names,
        )
    }

    /// The texts of the fields, from their `str` objects.
    fn texts<'py>(&self, py: Python<'py>) -> PyResult<Vec<std::borrow::Cow<'py, str>>> {
        self.fields
            .iter()
            .map(|f| {
                f.bind(py)
                    .to_cow()
                    .map(|c| std::borrow::Cow::Owned(c.into_owned()))
            })
            .collect()
    }
}

/// The compact evidence cell of `role` (`product backlog×3; ...`), `None` when empty.
pub fn compact(c: &Classification, classifier: &Classifier, role: Role) -> Option<String> {
    let cell = compact_evidence(c, classifier.lexicon(), role);
    (!cell.is_empty()).then_some(cell)
}

#[pymethods]
impl PostingResult {
    /// ``product_owner``, ``product_manager``, ``hybrid``, ``unclear`` or ``other``.
    #[getter]
    fn label(&self) -> &'static str {
        self.classification.verdict.label.as_str()
    }

    /// Probability that the leaning role is right, 0 to 1 (3 decimals).
    #[getter]
    fn confidence(&self) -> f64 {
        round(self.classification.verdict.confidence, 3)
    }

    /// −1 (all Product Owner) to +1 (all Product Manager) (3 decimals).
    #[getter]
    fn lean(&self) -> f64 {
        round(self.classification.verdict.lean, 3)
    }

    /// The lean of the work described alone, role names left out (3 decimals).
    #[getter]
    fn content_lean(&self) -> f64 {
        round(self.classification.verdict.content_lean, 3)
    }

    /// The role the posting names for itself (``product_owner``, ``product_manager``,
    /// ``scrum_master`` …), or ``None``.
    #[getter]
    fn self_role(&self) -> Option<&'static str> {
        self.classification.self_role.map(|r| r.as_str())
    }

    /// The posting names itself one role and its content clearly leans to the other.
    #[getter]
    fn mismatch(&self) -> bool {
        self.classification.verdict.mismatch
    }

    /// The language guessed from the first text: ``en``, ``de``, ``fr``, ``nl`` or ``other``.
    #[getter]
    fn language(&self) -> &'static str {
        self.classification.language
    }

    /// The Product Owner score (2 decimals).
    #[getter]
    fn po_score(&self) -> f64 {
        round(self.classification.score.po, 2)
    }

    /// The Product Manager score (2 decimals).
    #[getter]
    fn pm_score(&self) -> f64 {
        round(self.classification.score.pm, 2)
    }

    /// Whether ``confidence`` comes from the lexicon's fitted constants.
    #[getter]
    fn calibrated(&self) -> bool {
        self.classification.verdict.is_calibrated
    }

    /// The Product Owner evidence as the CSV's compact cell, or ``None``.
    #[getter]
    fn po_evidence(&self) -> Option<String> {
        compact(&self.classification, &self.classifier, Role::Po)
    }

    /// The Product Manager evidence as the CSV's compact cell, or ``None``.
    #[getter]
    fn pm_evidence(&self) -> Option<String> {
        compact(&self.classification, &self.classifier, Role::Pm)
    }

    /// Every matched phrase with its matches (``Evidence`` objects, strongest first).
    #[getter]
    fn evidence(&self, py: Python<'_>) -> PyResult<Vec<Py<PyEvidence>>> {
        let texts = self.texts(py)?;
        self.items(&texts)
            .into_iter()
            .map(|item| Py::new(py, PyEvidence::with_matches(py, item)?))
            .collect()
    }

    /// Why the posting could not be classified (``None`` when it was).
    #[getter]
    fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The lexicon that made the result (``name@version#hash``).
    #[getter]
    fn lexicon(&self) -> String {
        self.classifier.lexicon().identity()
    }

    /// The result as a ``dict`` with the keys and values of a JSON Lines row
    /// (``label`` … ``calibrated``, ``lexicon``, ``evidence``, ``error``).
    ///
    /// Example::
    ///
    ///     >>> popm.classify("We need a forklift driver.").to_dict()["label"]
    ///     'unclear'
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("label", self.label())?;
        d.set_item("confidence", self.confidence())?;
        d.set_item("lean", self.lean())?;
        d.set_item("content_lean", self.content_lean())?;
        d.set_item("self_role", self.self_role())?;
        d.set_item("mismatch", self.mismatch())?;
        d.set_item("language", self.language())?;
        d.set_item("po_score", self.po_score())?;
        d.set_item("pm_score", self.pm_score())?;
        d.set_item("calibrated", self.calibrated())?;
        d.set_item("lexicon", self.lexicon())?;
        let texts = self.texts(py)?;
        d.set_item("evidence", evidence_dicts(py, &self.items(&texts))?)?;
        d.set_item("error", self.error())?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "<popm.Result {} confidence={:.3} lean={:.3} po_score={:.2} pm_score={:.2}>",
            self.label(),
            self.confidence(),
            self.lean(),
            self.po_score(),
            self.pm_score()
        )
    }
}

/// One matched phrase of a result: its role, weight, what it added, and its matches.
///
/// Example::
///
///     >>> ev = popm.classify("You own the product backlog.").evidence[0]
///     >>> ev.phrase, ev.role, ev.count
///     ('product backlog', 'po', 1)
#[pyclass(name = "Evidence", module = "popm", frozen, get_all)]
pub struct PyEvidence {
    /// The lexicon phrase (its first form).
    phrase: String,
    /// ``po`` or ``pm``.
    role: &'static str,
    /// The lexicon category of the phrase.
    category: String,
    /// The phrase's weight in the lexicon.
    weight: f64,
    /// Matches found.
    count: usize,
    /// Matches that counted for the role (not colleague or negated).
    counted: usize,
    /// What the phrase added to its role's score.
    contribution: f64,
    /// What its colleague mentions credited to the other role.
    credit_other: f64,
    /// Every match, in text order (``Match`` objects).
    matches: Vec<Py<PyMatch>>,
}

/// One match of an evidence phrase, with its place in the original text.
///
/// ``start``/``end`` are byte offsets and ``char_start``/``char_end`` character
/// offsets into the field as given, so ``text[m.char_start:m.char_end] == m.text``.
///
/// Example::
///
///     >>> text = "You own the product backlog."
///     >>> m = popm.classify(text).evidence[0].matches[0]
///     >>> text[m.char_start:m.char_end], m.mark
///     ('product backlog', 'plain')
#[pyclass(name = "Match", module = "popm", frozen, get_all)]
pub struct PyMatch {
    /// The field it was found in (``text``, ``title``, or a column name).
    field: String,
    /// The matched words as they appear in the original text.
    text: String,
    /// Byte offset of the match in the field (UTF-8).
    start: usize,
    /// Byte offset just past the match.
    end: usize,
    /// Character offset of the match (what Python indexes a ``str`` by).
    char_start: usize,
    /// Character offset just past the match.
    char_end: usize,
    /// The match with some context around it, on one line.
    snippet: String,
    /// ``plain``, ``self``, ``colleague`` or ``negated``.
    mark: &'static str,
}

impl From<EvidenceItem<'_>> for PyEvidence {
    fn from(item: EvidenceItem<'_>) -> PyEvidence {
        PyEvidence {
            phrase: item.phrase.to_string(),
            role: item.role,
            category: item.category.to_string(),
            weight: item.weight,
            count: item.count,
            counted: item.counted,
            contribution: item.contribution,
            credit_other: item.credit_other,
            matches: Vec::new(),
        }
    }
}

impl PyEvidence {
    fn with_matches(py: Python<'_>, item: EvidenceItem<'_>) -> PyResult<PyEvidence> {
        let matches = item
            .matches
            .iter()
            .map(|m| {
                Py::new(
                    py,
                    PyMatch {
                        field: m.field.to_string(),
                        text: m.text.to_string(),
                        start: m.start,
                        end: m.end,
                        char_start: m.char_start,
                        char_end: m.char_end,
                        snippet: m.snippet.clone(),
                        mark: m.mark,
                    },
                )
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyEvidence {
            matches,
            ..PyEvidence::from(item)
        })
    }
}

#[pymethods]
impl PyEvidence {
    /// The evidence as a ``dict``, as one element of JSON Lines ``evidence``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("phrase", &self.phrase)?;
        d.set_item("role", self.role)?;
        d.set_item("category", &self.category)?;
        d.set_item("weight", self.weight)?;
        d.set_item("count", self.count)?;
        d.set_item("counted", self.counted)?;
        d.set_item("contribution", self.contribution)?;
        d.set_item("credit_other", self.credit_other)?;
        let matches = PyList::empty(py);
        for m in &self.matches {
            matches.append(m.get().to_dict(py)?)?;
        }
        d.set_item("matches", matches)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "<popm.Evidence {:?} {} ×{} +{:.3}>",
            self.phrase, self.role, self.count, self.contribution
        )
    }
}

#[pymethods]
impl PyMatch {
    /// The match as a ``dict``, as one element of JSON Lines ``matches``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("field", &self.field)?;
        d.set_item("text", &self.text)?;
        d.set_item("start", self.start)?;
        d.set_item("end", self.end)?;
        d.set_item("char_start", self.char_start)?;
        d.set_item("char_end", self.char_end)?;
        d.set_item("snippet", &self.snippet)?;
        d.set_item("mark", self.mark)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "<popm.Match {:?} in {} at {}..{} ({})>",
            self.text, self.field, self.char_start, self.char_end, self.mark
        )
    }
}

/// The evidence as JSON Lines would write it: a list of dicts.
pub fn evidence_dicts<'py>(
    py: Python<'py>,
    items: &[EvidenceItem<'_>],
) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for item in items {
        out.append(PyEvidence::with_matches(py, item.clone())?.to_dict(py)?)?;
    }
    Ok(out)
}
