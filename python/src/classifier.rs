//! `popm.Classifier`: a compiled lexicon with its thresholds; classifies one
//! posting, a batch in parallel, or the Arrow columns of a data frame.

use std::sync::{mpsc, Arc};

use popm::{Classification, Classifier, Lexicon, Posting, Role, ScoringParams, Thresholds};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods, PyDict, PyFloat, PyList, PyString};
use rayon::prelude::*;

use crate::arrow::{FfiStream, StreamColumn, STREAM_CAPSULE};
use crate::errors::{to_py, PopmError};
use crate::guard::{catch_panic, guarded, install, pool};
use crate::lexicon::PyLexicon;
use crate::result::{compact, evidence_dicts, PostingResult as ClassResult};

/// Postings taken from Python at a time by `classify_many` and
/// `classify_arrow`: the Rust side holds one batch of texts and results, not
/// the whole input.
pub const BATCH_ROWS: usize = 4096;

/// A `classify_many` batch also ends once its texts reach this many bytes,
/// so that the copies the workers read stay small whatever the texts' size.
pub const BATCH_BYTES: usize = 8 << 20;

/// The note on a result whose text is `None` or NaN.
const MISSING_TEXT: &str = "no text (None or NaN): classified as an empty posting";

/// Classifies postings: a lexicon compiled once, with label thresholds and
/// scoring constants. Thread-safe; one classifier serves every thread.
///
/// Keyword arguments are the CLI's flags of the same names
/// (``min_score=`` is ``--min-score``); left out, they take popm's defaults.
///
/// Example::
///
///     >>> clf = popm.Classifier(popm.Lexicon.embedded(), min_score=4.0)
///     >>> clf.classify("Own the product backlog and write user stories.").label
///     'product_owner'
#[pyclass(name = "Classifier", module = "popm", frozen)]
pub struct PyClassifier {
    pub inner: Classifier,
}

/// A text argument: a `str`, or `None`/NaN for a missing one.
fn optional_str<'py>(
    obj: &Bound<'py, PyAny>,
    what: &dyn Fn() -> String,
) -> PyResult<Option<Bound<'py, PyString>>> {
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(s.clone()));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        if f.value().is_nan() {
            return Ok(None);
        }
    }
    Err(PyTypeError::new_err(format!(
        "{} must be a str (or None), not {}",
        what(),
        obj.get_type().name()?
    )))
}

/// One posting's text (`None`: missing) and title, copied for the workers.
struct Owned {
    text: Option<String>,
    title: Option<String>,
}

impl Owned {
    /// The bytes of its text and title.
    fn len(&self) -> usize {
        self.text.as_ref().map_or(0, String::len) + self.title.as_ref().map_or(0, String::len)
    }

    /// Classifies it; a missing text is classified as an empty posting, with a note.
    fn classify(&self, classifier: &Classifier) -> (Classification, Option<&'static str>) {
        let Some(text) = &self.text else {
            return (classifier.classify(&Posting::new("")), Some(MISSING_TEXT));
        };
        let mut posting = Posting::new(text);
        if let Some(title) = &self.title {
            posting = posting.with_title(title);
        }
        (classifier.classify(&posting), None)
    }
}

/// One posting as Python gave it: its copy for the workers, and the `str`
/// objects its result refers to.
struct Input {
    posting: Owned,
    objects: Vec<Py<PyString>>,
}

impl Input {
    /// The posting's text and title arguments, checked.
    fn new(
        text: &Bound<'_, PyAny>,
        title: Option<&Bound<'_, PyAny>>,
        index: Option<usize>,
    ) -> PyResult<Input> {
        let name = |what: &str| match index {
            Some(i) => format!("{what}s[{i}]"),
            None => what.to_string(),
        };
        let text_obj = optional_str(text, &|| name("text"))?;
        let title_obj = match title {
            Some(t) if text_obj.is_some() => optional_str(t, &|| name("title"))?,
            Some(t) => {
                // Checked, but a posting without text is not classified.
                optional_str(t, &|| name("title"))?;
                None
            }
            None => None,
        };
        let copy = |o: &Option<Bound<'_, PyString>>| -> PyResult<Option<String>> {
            o.as_ref().map(|s| Ok(s.to_cow()?.into_owned())).transpose()
        };
        Ok(Input {
            posting: Owned {
                text: copy(&text_obj)?,
                title: copy(&title_obj)?,
            },
            objects: text_obj
                .into_iter()
                .chain(title_obj)
                .map(Bound::unbind)
                .collect(),
        })
    }
}

/// The result of classifying `posting` (`c`, with `error`), referring to its `objects`.
fn into_result(
    posting: &Owned,
    objects: Vec<Py<PyString>>,
    (c, error): (Classification, Option<&str>),
    classifier: &Classifier,
    names: &Names,
) -> ClassResult {
    let field_names = if posting.title.is_some() {
        &names.text_and_title
    } else {
        &names.text
    };
    ClassResult::new(
        c,
        classifier.clone(),
        objects,
        Arc::clone(field_names),
        error.map(str::to_string),
    )
}

/// A batch's postings back from the workers, with their classifications (or a panic's message).
type Classified = (
    Vec<Owned>,
    Result<Vec<(Classification, Option<&'static str>)>, String>,
);

/// A batch being classified: where its results will come from, and its postings' `str` objects.
type Pending = (mpsc::Receiver<Classified>, Vec<Vec<Py<PyString>>>);

/// Starts classifying `batch` on `pool` (or the global pool) and returns at
/// once: the caller reads the next batch from Python meanwhile, as the CLI
/// reads the next records while the last are classified.
fn spawn_batch(
    classifier: &Classifier,
    pool: Option<&Arc<rayon::ThreadPool>>,
    batch: Vec<Owned>,
) -> mpsc::Receiver<Classified> {
    let (tx, rx) = mpsc::sync_channel(1);
    let classifier = classifier.clone();
    let job = move || {
        let classified = catch_panic(|| {
            batch
                .par_iter()
                .map(|p| p.classify(&classifier))
                .collect::<Vec<_>>()
        });
        // The receiver is gone only when the call already failed.
        let _ = tx.send((batch, classified));
    };
    match pool {
        Some(p) => p.spawn(job),
        None => rayon::spawn(job),
    }
    rx
}

/// The field names evidence uses for `classify` and `classify_many`.
struct Names {
    text: Arc<[String]>,
    text_and_title: Arc<[String]>,
}

impl Names {
    fn new() -> Names {
        Names {
            text: Arc::from(vec!["text".to_string()]),
            text_and_title: Arc::from(vec!["text".to_string(), "title".to_string()]),
        }
    }
}

impl PyClassifier {
    /// Appends to `out` the results of a batch back from [`wait_batch`].
    fn append_results(
        &self,
        py: Python<'_>,
        (postings, classified): Done,
        objects: Vec<Vec<Py<PyString>>>,
        names: &Names,
        out: &Bound<'_, PyList>,
    ) -> PyResult<()> {
        for ((posting, objects), c) in postings.iter().zip(objects).zip(classified) {
            let r = into_result(posting, objects, c, &self.inner, names);
            out.append(Py::new(py, r)?)?;
        }
        Ok(())
    }
}

/// A batch's postings and their classifications.
type Done = (Vec<Owned>, Vec<(Classification, Option<&'static str>)>);

/// Waits, the GIL released, for a batch started by [`spawn_batch`].
fn wait_batch(py: Python<'_>, pending: mpsc::Receiver<Classified>) -> PyResult<Done> {
    let (postings, classified) = py
        .detach(move || pending.recv())
        .map_err(|_| PyRuntimeError::new_err("popm: a worker thread stopped unexpectedly"))?;
    Ok((postings, classified.map_err(PyRuntimeError::new_err)?))
}

#[pymethods]
impl PyClassifier {
    #[new]
    #[pyo3(signature = (
        lexicon = None, *, min_score = None, hybrid_min = None, hybrid_margin = None,
        strong_score = None, min_score_unnamed = None, self_boost = None, title_weight = None,
        colleague_credit = None, repeat_decay = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        lexicon: Option<PyRef<'_, PyLexicon>>,
        min_score: Option<f64>,
        hybrid_min: Option<f64>,
        hybrid_margin: Option<f64>,
        strong_score: Option<f64>,
        min_score_unnamed: Option<f64>,
        self_boost: Option<f64>,
        title_weight: Option<f64>,
        colleague_credit: Option<f64>,
        repeat_decay: Option<f64>,
    ) -> PyResult<PyClassifier> {
        let d = Thresholds::default();
        let thresholds = Thresholds {
            min_score: min_score.unwrap_or(d.min_score),
            hybrid_min: hybrid_min.unwrap_or(d.hybrid_min),
            hybrid_margin: hybrid_margin.unwrap_or(d.hybrid_margin),
            strong_score: strong_score.unwrap_or(d.strong_score),
            min_score_unnamed: min_score_unnamed.unwrap_or(d.min_score_unnamed),
        };
        let d = ScoringParams::default();
        let params = ScoringParams {
            self_boost: self_boost.unwrap_or(d.self_boost),
            title_weight: title_weight.unwrap_or(d.title_weight),
            colleague_credit: colleague_credit.unwrap_or(d.colleague_credit),
            repeat_decay: repeat_decay.unwrap_or(d.repeat_decay),
        };
        // The ranges are checked by the library's builder, as for the CLI's flags.
        let lexicon = lexicon.map_or_else(Lexicon::embedded, |l| l.inner.clone());
        let inner = guarded(|| {
            Classifier::builder(lexicon)
                .thresholds(thresholds)
                .scoring(params)
                .build()
        })?
        .map_err(to_py)?;
        Ok(PyClassifier { inner })
    }

    /// The classifier's lexicon.
    #[getter]
    fn lexicon(&self) -> PyLexicon {
        PyLexicon {
            inner: self.inner.lexicon().clone(),
        }
    }

    /// Classifies one posting: ``text`` (HTML, Markdown or plain) and an optional ``title``.
    ///
    /// ``None`` or NaN as ``text`` gives an ``unclear`` result whose ``error``
    /// says so; any other non-``str`` raises ``TypeError``.
    ///
    /// Example::
    ///
    ///     >>> clf = popm.Classifier()
    ///     >>> clf.classify("You own the roadmap, pricing and market research.").label
    ///     'product_manager'
    #[pyo3(signature = (text, title = None))]
    fn classify(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        title: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ClassResult> {
        let input = Input::new(text, title, None)?;
        let classifier = &self.inner;
        let c = py.detach(|| guarded(|| input.posting.classify(classifier)))?;
        Ok(into_result(
            &input.posting,
            input.objects,
            c,
            classifier,
            &Names::new(),
        ))
    }

    /// Classifies many postings in parallel (rayon, the GIL released), in order.
    ///
    /// ``texts`` is any iterable of ``str`` (``None``/NaN allowed), taken
    /// ``BATCH_ROWS`` (at most ``BATCH_BYTES`` of text) at a time, the next
    /// batch read while the workers classify the last; ``titles``,
    /// when given, one title per text (``None`` for none). A result refers to
    /// its text and title objects (for its evidence), it does not copy them. ``threads`` sets the worker count (default: one
    /// per core). The results equal calling ``classify`` on each posting.
    ///
    /// Example::
    ///
    ///     >>> [r.label for r in popm.Classifier().classify_many(
    ///     ...     ["Own the product backlog, write user stories and run sprint planning.",
    ///     ...      "Drive a forklift."])]
    ///     ['product_owner', 'unclear']
    #[pyo3(signature = (texts, titles = None, threads = None))]
    fn classify_many<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        titles: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        for (arg, what) in [(Some(texts), "texts"), (titles, "titles")] {
            if let Some(a) = arg {
                if a.is_instance_of::<PyString>() {
                    return Err(PyTypeError::new_err(format!(
                        "{what} must be an iterable of str, not one str (use classify for one posting)"
                    )));
                }
            }
        }
        let pool = pool(threads)?;
        let names = Names::new();
        let out = PyList::empty(py);
        let mut text_iter = texts.try_iter()?;
        let mut title_iter = titles.map(|t| t.try_iter()).transpose()?;
        let mut index = 0usize;
        // The batch the workers are classifying while the next one is read.
        let mut pending: Option<Pending> = None;
        loop {
            let mut postings: Vec<Owned> = Vec::with_capacity(BATCH_ROWS);
            let mut objects = Vec::with_capacity(BATCH_ROWS);
            let mut bytes = 0;
            while postings.len() < BATCH_ROWS && bytes < BATCH_BYTES {
                let Some(text) = text_iter.next().transpose()? else {
                    break;
                };
                let title = match &mut title_iter {
                    Some(it) => match it.next().transpose()? {
                        Some(t) => Some(t),
                        None => {
                            return Err(PyValueError::new_err(format!(
                            "titles has {index} items but texts has more; give one title per text"
                        )))
                        }
                    },
                    None => None,
                };
                let input = Input::new(&text, title.as_ref(), Some(index))?;
                bytes += input.posting.len();
                postings.push(input.posting);
                objects.push(input.objects);
                index += 1;
            }
            // The last batch's results are made while the workers start on this one.
            let done = match pending.take() {
                Some((rx, done_objects)) => Some((wait_batch(py, rx)?, done_objects)),
                None => None,
            };
            let is_last = postings.is_empty();
            if !is_last {
                pending = Some((spawn_batch(&self.inner, pool.as_ref(), postings), objects));
            }
            if let Some((done, done_objects)) = done {
                self.append_results(py, done, done_objects, &names, &out)?;
            }
            if is_last {
                break;
            }
        }
        if let Some(it) = &mut title_iter {
            if it.next().transpose()?.is_some() {
                return Err(PyValueError::new_err(format!(
                    "titles has more items than texts ({index}); give one title per text"
                )));
            }
        }
        Ok(out)
    }

    /// Classifies the rows of Arrow string columns (what ``classify_frame`` calls).
    ///
    /// ``columns`` are ``(name, capsule)`` pairs, the capsule what a column's
    /// ``__arrow_c_stream__()`` returns (a ``string``, ``large_string`` or
    /// ``string_view`` array, in one chunk or several), read in place;
    /// ``text`` the indices of the text columns, ``title`` the title column's.
    /// Returns a ``dict`` of output columns (lists), with ``evidence`` (lists
    /// of dicts) when asked for.
    #[pyo3(signature = (columns, text, title = None, evidence = false, threads = None))]
    fn classify_arrow<'py>(
        &self,
        py: Python<'py>,
        columns: Vec<(String, Bound<'py, PyCapsule>)>,
        text: Vec<usize>,
        title: Option<usize>,
        evidence: bool,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let cols: Vec<StreamColumn> = columns
            .iter()
            .map(|(name, capsule)| {
                let stream = capsule.pointer_checked(Some(STREAM_CAPSULE))?;
                // SAFETY: a capsule named "arrow_array_stream" holds an
                // `ArrowArrayStream` (the Arrow PyCapsule interface).
                unsafe { StreamColumn::from_stream(name, stream.cast::<FfiStream>()) }
                    .map_err(PopmError::new_err)
            })
            .collect::<PyResult<_>>()?;
        let rows = cols.first().map_or(0, StreamColumn::len);
        if cols.iter().any(|c| c.len() != rows) || text.is_empty() {
            return Err(PyValueError::new_err(
                "classify_arrow: the columns must have the same length and text at least one",
            ));
        }
        if text.iter().chain(&title).any(|&i| i >= cols.len()) {
            return Err(PyValueError::new_err(
                "classify_arrow: a column index is out of range",
            ));
        }
        let mut field_names: Vec<String> = text.iter().map(|&i| columns[i].0.clone()).collect();
        if title.is_some() {
            field_names.push("title".to_string());
        }
        let frame = Frame {
            cols: &cols,
            text: &text,
            title,
            classifier: &self.inner,
        };
        let pool = pool(threads)?;
        let mut out = FrameColumns::with_capacity(rows);
        let evidence_list = PyList::empty(py);
        let mut start = 0;
        while start < rows {
            let end = (start + BATCH_ROWS).min(rows);
            let rows_out = py.detach(|| {
                guarded(|| {
                    install(pool.as_deref(), || {
                        (start..end)
                            .into_par_iter()
                            .map(|i| frame.row(i, evidence))
                            .collect::<Vec<_>>()
                    })
                })
            })?;
            for (i, row) in (start..end).zip(rows_out) {
                let row = row.map_err(PopmError::new_err)?;
                if evidence {
                    let items = match &row.classification {
                        Some(c) => {
                            let fields = frame.fields(i).map_err(PopmError::new_err)?;
                            let fields: Vec<&str> = fields.iter().map(|f| f.as_ref()).collect();
                            evidence_dicts(
                                py,
                                &popm::io::evidence_items(
                                    c,
                                    self.inner.lexicon(),
                                    &fields,
                                    &field_names,
                                ),
                            )?
                        }
                        None => PyList::empty(py),
                    };
                    evidence_list.append(items)?;
                }
                out.push(row);
            }
            start = end;
        }
        let d = out.into_dict(py)?;
        if evidence {
            d.set_item("evidence", evidence_list)?;
        }
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!("<popm.Classifier {}>", self.inner.lexicon().identity())
    }
}

/// The columns of a frame being classified.
struct Frame<'a> {
    cols: &'a [StreamColumn],
    text: &'a [usize],
    title: Option<usize>,
    classifier: &'a Classifier,
}

/// One classified frame row: the CSV output's cells as values.
struct FrameRow {
    label: &'static str,
    confidence: f64,
    lean: f64,
    content_lean: f64,
    self_role: Option<&'static str>,
    mismatch: bool,
    language: &'static str,
    po_score: f64,
    pm_score: f64,
    po_evidence: Option<String>,
    pm_evidence: Option<String>,
    error: Option<String>,
    /// Kept for the full evidence column.
    classification: Option<Classification>,
}

impl Frame<'_> {
    /// Row `i`'s texts then its title (a null title is an empty one, as an
    /// empty CSV cell); `None` entries are null texts.
    fn cells(&self, i: usize) -> Result<Vec<Option<std::borrow::Cow<'_, str>>>, String> {
        self.text
            .iter()
            .chain(&self.title)
            .map(|&c| self.cols[c].get(i))
            .collect()
    }

    /// Row `i`'s fields as evidence numbers them (nulls as empty texts).
    fn fields(&self, i: usize) -> Result<Vec<std::borrow::Cow<'_, str>>, String> {
        Ok(self
            .cells(i)?
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect())
    }

    /// Classifies row `i`.
    fn row(&self, i: usize, keep_classification: bool) -> Result<FrameRow, String> {
        let cells = self.cells(i)?;
        let n = self.text.len();
        let all_null = cells[..n].iter().all(Option::is_none);
        let texts: Vec<&str> = cells[..n]
            .iter()
            .map(|c| c.as_deref().unwrap_or(""))
            .collect();
        let (c, error) = if all_null {
            let c = self.classifier.classify(&Posting::new(""));
            (c, Some(format!("row {}: {MISSING_TEXT}", i + 1)))
        } else {
            let mut posting = Posting::from_texts(texts);
            if self.title.is_some() {
                posting = posting.with_title(cells[n].as_deref().unwrap_or(""));
            }
            (self.classifier.classify(&posting), None)
        };
        let v = &c.verdict;
        Ok(FrameRow {
            label: v.label.as_str(),
            confidence: popm::io::round(v.confidence, 3),
            lean: popm::io::round(v.lean, 3),
            content_lean: popm::io::round(v.content_lean, 3),
            self_role: c.self_role.map(|r| r.as_str()),
            mismatch: v.mismatch,
            language: c.language,
            po_score: popm::io::round(c.score.po, 2),
            pm_score: popm::io::round(c.score.pm, 2),
            po_evidence: compact(&c, self.classifier, Role::Po),
            pm_evidence: compact(&c, self.classifier, Role::Pm),
            error,
            classification: (keep_classification && !all_null).then_some(c),
        })
    }
}

/// The output columns of `classify_arrow`, filled row by row.
#[derive(Default)]
struct FrameColumns {
    label: Vec<&'static str>,
    confidence: Vec<f64>,
    lean: Vec<f64>,
    content_lean: Vec<f64>,
    self_role: Vec<Option<&'static str>>,
    mismatch: Vec<bool>,
    language: Vec<&'static str>,
    po_score: Vec<f64>,
    pm_score: Vec<f64>,
    po_evidence: Vec<Option<String>>,
    pm_evidence: Vec<Option<String>>,
    error: Vec<Option<String>>,
}

impl FrameColumns {
    fn with_capacity(n: usize) -> FrameColumns {
        FrameColumns {
            label: Vec::with_capacity(n),
            confidence: Vec::with_capacity(n),
            lean: Vec::with_capacity(n),
            content_lean: Vec::with_capacity(n),
            self_role: Vec::with_capacity(n),
            mismatch: Vec::with_capacity(n),
            language: Vec::with_capacity(n),
            po_score: Vec::with_capacity(n),
            pm_score: Vec::with_capacity(n),
            po_evidence: Vec::with_capacity(n),
            pm_evidence: Vec::with_capacity(n),
            error: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, r: FrameRow) {
        self.label.push(r.label);
        self.confidence.push(r.confidence);
        self.lean.push(r.lean);
        self.content_lean.push(r.content_lean);
        self.self_role.push(r.self_role);
        self.mismatch.push(r.mismatch);
        self.language.push(r.language);
        self.po_score.push(r.po_score);
        self.pm_score.push(r.pm_score);
        self.po_evidence.push(r.po_evidence);
        self.pm_evidence.push(r.pm_evidence);
        self.error.push(r.error);
    }

    /// The columns by their CSV names, in CSV order (`id` is the caller's).
    fn into_dict(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("label", self.label)?;
        d.set_item("confidence", self.confidence)?;
        d.set_item("lean", self.lean)?;
        d.set_item("content_lean", self.content_lean)?;
        d.set_item("self_role", self.self_role)?;
        d.set_item("mismatch", self.mismatch)?;
        d.set_item("language", self.language)?;
        d.set_item("po_score", self.po_score)?;
        d.set_item("pm_score", self.pm_score)?;
        d.set_item("po_evidence", self.po_evidence)?;
        d.set_item("pm_evidence", self.pm_evidence)?;
        d.set_item("error", self.error)?;
        Ok(d)
    }
}
