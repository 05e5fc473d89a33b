//! Summaries of classified postings: label counts, a lean histogram, the
//! phrases and categories that counted, and mean confidence per label.
//!
//! A [`Tally`] aggregates postings one at a time, either straight from a
//! [`Classification`] ([`Tally::add_classification`], as `popm classify` does
//! for its spreadsheet summary) or from popm's own result files read back
//! ([`read_results_with`], [`read_results`], [`read_results_from`]): CSV and
//! TSV (the header names the columns [`REQUIRED_COLUMNS`]), JSON Lines, and
//! `.xlsx` workbooks (sheet [`XLSX_SHEET`], then "Postings 2", ... past a
//! sheet's row limit; header in row 1). The files are read by the same input
//! layer as `popm classify`'s inputs ([`crate::input::Source`]: decoding,
//! delimiter detection, the workbook reader), and evidence cells are parsed by
//! `crate::output::evidence_cell`, next to their writer. It sits after
//! `crate::output` in the pipeline: it reads what `output` wrote and never
//! writes to a terminal.
//!
//! # Phrases and categories
//!
//! A phrase *counts* in a posting when at least one of its matches was not
//! marked `colleague` or `negated` (see `crate::judge::context`). `Tally::top_phrases`
//! and [`Tally::categories`] count postings, not matches: a phrase found five
//! times in one posting counts once. CSV and TSV cells name phrases only, so
//! their category comes from the lexicon passed to the reader (the embedded one
//! unless `--lexicon`); a phrase it does not hold gets [`NOT_IN_LEXICON`].
//! JSON Lines carry the category of every phrase.
//!
//! # Lean histogram
//!
//! `lean = (pm − po) / (pm + po)` runs from −1 (all PO) to +1 (all PM), the
//! range [`LEAN_MIN`]..[`LEAN_MAX`] of [`Tally::lean_histogram`]. Bins are
//! half-open `[lo, hi)` except the last, which holds +1; a value outside the
//! range (a hand-edited file) falls into the outer bin on its side.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
#[cfg(feature = "xlsx")]
use std::io::BufReader;
use std::io::{Cursor, Read};
use std::path::Path;
#[cfg(feature = "xlsx")]
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

pub use crate::output::evidence_cell::{parse_compact_evidence, CompactItem};

use crate::classify::Classification;
use crate::error::{Error, Result};
use crate::input::decode::EncodingChoice;
#[cfg(feature = "xlsx")]
use crate::input::xlsx::sheet_names;
use crate::input::{decode_field, InputFormat, ReadOptions, Record, Source};
use crate::judge::context::Mark;
use crate::judge::label::{Label, LabelCounts};
use crate::lexicon::{Lexicon, Role};
use crate::output::round;

/// Lower end of the lean histogram (all Product Owner).
pub const LEAN_MIN: f64 = -1.0;

/// Upper end of the lean histogram (all Product Manager).
pub const LEAN_MAX: f64 = 1.0;

/// Number of lean histogram bins in [`Tally::to_json`] and the terminal summary (0.2 wide).
pub const LEAN_BINS: usize = 10;

/// The category given to a phrase of a CSV/TSV result that the lexicon does not hold.
pub const NOT_IN_LEXICON: &str = "(not in lexicon)";

/// The columns a CSV, TSV or `.xlsx` result must have to be summarised.
pub const REQUIRED_COLUMNS: &[&str] =
    &["label", "confidence", "lean", "po_evidence", "pm_evidence"];

/// The sheet of an `.xlsx` result that holds one row per posting (the one
/// `crate::output::xlsx` writes).
pub const XLSX_SHEET: &str = crate::output::POSTINGS_SHEET;

/// One phrase found in a posting, as the tally sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhraseHit {
    /// The role the phrase indicates.
    pub role: Role,
    /// The phrase (the lexicon entry's display name).
    pub phrase: String,
    /// Its lexicon category, or [`NOT_IN_LEXICON`].
    pub category: String,
    /// Whether at least one match was neither `colleague` nor `negated`.
    pub counted: bool,
}

/// One bin of the lean histogram.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bin {
    /// Lower edge (inclusive).
    pub lo: f64,
    /// Upper edge (exclusive, except for the last bin).
    pub hi: f64,
    /// Postings whose lean falls in the bin.
    pub count: usize,
}

/// How many postings a phrase counted in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhraseCount {
    /// The phrase.
    pub phrase: String,
    /// Its category.
    pub category: String,
    /// Postings in which it counted.
    pub postings: usize,
}

/// Aggregate of classified postings (see the [module docs](self)).
#[derive(Clone, Debug, Default)]
pub struct Tally {
    total: usize,
    labels: LabelCounts,
    /// Postings that name themselves one role while their content leans to the other.
    mismatches: usize,
    /// Per label: the sum and number of the finite confidences.
    confidence: BTreeMap<Label, (f64, usize)>,
    leans: Vec<f64>,
    /// Per role (PO, PM): postings per (phrase, category).
    phrases: [BTreeMap<(String, String), usize>; 2],
    /// Per role (PO, PM): postings with at least one counted phrase of the category.
    categories: [BTreeMap<String, usize>; 2],
}

fn role_index(role: Role) -> usize {
    match role {
        Role::Po => 0,
        Role::Pm => 1,
    }
}

impl Tally {
    /// An empty tally.
    pub fn new() -> Tally {
        Tally::default()
    }

    /// Adds one posting: its label (`None` for a row that could not be
    /// classified), confidence and lean (`None` for error rows) and the phrases
    /// found in it. Non-finite numbers are ignored.
    pub fn add(
        &mut self,
        label: Option<Label>,
        confidence: Option<f64>,
        lean: Option<f64>,
        phrases: &[PhraseHit],
    ) {
        self.total += 1;
        self.labels.add(label);
        if let (Some(l), Some(c)) = (label, confidence.filter(|c| c.is_finite())) {
            let slot = self.confidence.entry(l).or_default();
            slot.0 += c;
            slot.1 += 1;
        }
        if let Some(l) = lean.filter(|l| l.is_finite()) {
            self.leans.push(l);
        }
        let mut seen_phrases: BTreeSet<(Role, &str, &str)> = BTreeSet::new();
        let mut seen_categories: BTreeSet<(Role, &str)> = BTreeSet::new();
        for hit in phrases.iter().filter(|h| h.counted) {
            if seen_phrases.insert((hit.role, &hit.phrase, &hit.category)) {
                *self.phrases[role_index(hit.role)]
                    .entry((hit.phrase.clone(), hit.category.clone()))
                    .or_insert(0) += 1;
            }
            if seen_categories.insert((hit.role, &hit.category)) {
                *self.categories[role_index(hit.role)]
                    .entry(hit.category.clone())
                    .or_insert(0) += 1;
            }
        }
    }

    /// Adds one classified posting; `lexicon` must be the classifier's (it names
    /// the phrases and categories of the evidence).
    pub fn add_classification(&mut self, c: &Classification, lexicon: &Lexicon) {
        let hits: Vec<PhraseHit> = c
            .score
            .evidence
            .iter()
            .map(|ev| PhraseHit {
                role: ev.role,
                phrase: lexicon.entry(ev.entry).phrase().to_string(),
                category: lexicon.category_of(ev.entry).name().to_string(),
                counted: ev.count()
                    > ev.count_marked(Mark::Colleague) + ev.count_marked(Mark::Negated),
            })
            .collect();
        if c.verdict.mismatch {
            self.mismatches += 1;
        }
        self.add(
            Some(c.verdict.label),
            Some(c.verdict.confidence),
            Some(c.verdict.lean),
            &hits,
        );
    }

    /// Counts one posting whose own role and content disagree (`mismatch`).
    pub fn add_mismatch(&mut self) {
        self.mismatches += 1;
    }

    /// Postings that name themselves one role while their content leans to the other.
    pub fn mismatches(&self) -> usize {
        self.mismatches
    }

    /// Adds every posting of `other` to this tally.
    pub fn merge(&mut self, other: Tally) {
        self.total += other.total;
        self.mismatches += other.mismatches;
        self.labels.merge(&other.labels);
        for (l, (sum, n)) in other.confidence {
            let slot = self.confidence.entry(l).or_default();
            slot.0 += sum;
            slot.1 += n;
        }
        self.leans.extend(other.leans);
        for (mine, theirs) in self.phrases.iter_mut().zip(other.phrases) {
            for (k, n) in theirs {
                *mine.entry(k).or_insert(0) += n;
            }
        }
        for (mine, theirs) in self.categories.iter_mut().zip(other.categories) {
            for (k, n) in theirs {
                *mine.entry(k).or_insert(0) += n;
            }
        }
    }

    /// Number of postings added.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Postings per label, errors included.
    pub fn label_counts(&self) -> &LabelCounts {
        &self.labels
    }

    /// Mean confidence of the postings with this label (`None`: errors), `None` when there is none.
    pub fn mean_confidence(&self, label: Option<Label>) -> Option<f64> {
        let (sum, n) = *self.confidence.get(&label?)?;
        (n > 0).then(|| sum / n as f64)
    }

    /// The lean histogram over [`LEAN_MIN`]..[`LEAN_MAX`] in `bins` equal bins
    /// (empty when `bins` is 0); postings without a lean (errors) are left out.
    pub fn lean_histogram(&self, bins: usize) -> Vec<Bin> {
        if bins == 0 {
            return Vec::new();
        }
        let edge = |i: usize| LEAN_MIN + (LEAN_MAX - LEAN_MIN) * i as f64 / bins as f64;
        let mut out: Vec<Bin> = (0..bins)
            .map(|i| Bin {
                lo: edge(i),
                hi: edge(i + 1),
                count: 0,
            })
            .collect();
        for &x in &self.leans {
            let guess = ((x - LEAN_MIN) / (LEAN_MAX - LEAN_MIN) * bins as f64).floor();
            let mut i = if guess.is_nan() || guess < 0.0 {
                0
            } else {
                (guess as usize).min(bins - 1)
            };
            // The guess can be one off at an edge; the edges themselves decide.
            while i + 1 < bins && x >= out[i + 1].lo {
                i += 1;
            }
            while i > 0 && x < out[i].lo {
                i -= 1;
            }
            out[i].count += 1;
        }
        out
    }

    /// The `n` phrases of `role` that counted in the most postings; ties are
    /// broken by phrase, then category, so the order is always the same.
    pub fn top_phrases(&self, role: Role, n: usize) -> Vec<PhraseCount> {
        let mut all: Vec<PhraseCount> = self.phrases[role_index(role)]
            .iter()
            .map(|((phrase, category), &postings)| PhraseCount {
                phrase: phrase.clone(),
                category: category.clone(),
                postings,
            })
            .collect();
        // The map iterates by (phrase, category) and the sort is stable.
        all.sort_by_key(|p| std::cmp::Reverse(p.postings));
        all.truncate(n);
        all
    }

    /// Per category of `role`: postings in which at least one of its phrases
    /// counted, most first, ties by name.
    pub fn categories(&self, role: Role) -> Vec<(String, usize)> {
        let mut all: Vec<(String, usize)> = self.categories[role_index(role)]
            .iter()
            .map(|(c, &n)| (c.clone(), n))
            .collect();
        all.sort_by_key(|c| std::cmp::Reverse(c.1));
        all
    }

    /// The whole summary as JSON, with the `top` phrases per role and
    /// [`LEAN_BINS`] histogram bins; numbers are rounded to 3 decimals.
    ///
    /// Fields: `postings`; `labels` (per label: `label`, `count`, `share`,
    /// `mean_confidence` or null); `lean_histogram` (`lo`, `hi`, `count`);
    /// `top_phrases` and `categories`, each an object with `po` and `pm`
    /// arrays (`phrase`, `category`, `postings`; `category`, `postings`).
    pub fn to_json(&self, top: usize) -> Value {
        let labels: Vec<Value> = self
            .label_counts()
            .iter()
            .map(|(l, n)| {
                json!({
                    "label": Label::row_name(l),
                    "count": n,
                    "share": round(share(n, self.total), 3),
                    "mean_confidence": self.mean_confidence(l).map(|c| round(c, 3)),
                })
            })
            .collect();
        let bins: Vec<Value> = self
            .lean_histogram(LEAN_BINS)
            .into_iter()
            .map(|b| json!({"lo": round(b.lo, 3), "hi": round(b.hi, 3), "count": b.count}))
            .collect();
        let per_role = |f: &dyn Fn(Role) -> Value| json!({"po": f(Role::Po), "pm": f(Role::Pm)});
        json!({
            "postings": self.total,
            "labels": labels,
            "mismatches": self.mismatches,
            "lean_histogram": bins,
            "top_phrases": per_role(&|r| json!(self.top_phrases(r, top))),
            "categories": per_role(&|r| {
                Value::Array(
                    self.categories(r)
                        .into_iter()
                        .map(|(c, n)| json!({"category": c, "postings": n}))
                        .collect(),
                )
            }),
        })
    }
}

/// `n / total`, 0 when `total` is 0.
pub fn share(n: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 / total as f64
    }
}

/// Reads one popm result file (CSV, TSV, JSON Lines or `.xlsx`) into a tally,
/// in the encoding [`EncodingChoice::Auto`] picks (see [`read_results_with`]).
///
/// # Errors
///
/// As [`read_results_with`].
pub fn read_results(path: &Path, lexicon: &Lexicon) -> Result<Tally> {
    let name = path.display().to_string();
    let origin = match path.to_str() {
        Some(p) => Origin::Path(p),
        None => Origin::Reader(Box::new(File::open(path).map_err(|e| Error::io(path, e))?)),
    };
    read_origin(origin, &name, EncodingChoice::Auto, lexicon, &mut |_| {})
}

/// Reads a popm result from any reader (stdin, ...); `name` names it in errors.
///
/// The input is read into memory first (the input layer needs a reader it can
/// own); [`read_results_with`] streams stdin.
///
/// # Errors
///
/// As [`read_results_with`].
pub fn read_results_from<R: Read>(mut reader: R, name: &str, lexicon: &Lexicon) -> Result<Tally> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(name, e))?;
    let origin = Origin::Reader(Box::new(Cursor::new(bytes)));
    read_origin(origin, name, EncodingChoice::Auto, lexicon, &mut |_| {})
}

/// Reads the popm result at `path` (`-`: stdin) into a tally, through
/// [`crate::input::Source`] as `popm classify` reads its inputs.
///
/// The format is recognised from the content, whatever the file is called: a
/// zip archive is a workbook (read from sheet [`XLSX_SHEET`] and the sheets
/// after it, "Postings 2", ...), a first character `{` is JSON Lines, anything
/// else CSV or TSV (the delimiter detected from the header line).
/// Text is decoded from `encoding`, as `--encoding` does for `classify`.
/// `lexicon` gives the categories of CSV/TSV/xlsx phrases. `warn` is told,
/// with the input's name in front, when the encoding was guessed or a CSV's
/// quotes are unbalanced.
///
/// # Errors
///
/// When the file cannot be read, is not a popm result (the message names the
/// missing columns or fields), or a row does not parse (with its line, and the
/// column when it is an evidence cell).
pub fn read_results_with(
    path: &str,
    encoding: EncodingChoice,
    lexicon: &Lexicon,
    warn: &mut dyn FnMut(String),
) -> Result<Tally> {
    if path == "-" {
        let stdin = Origin::Reader(Box::new(std::io::stdin()));
        read_origin(stdin, "<stdin>", encoding, lexicon, warn)
    } else {
        read_origin(Origin::Path(path), path, encoding, lexicon, warn)
    }
}

/// The fields of a JSON Lines result that a summary reads, as [`Source`] columns.
const JSON_FIELDS: [&str; 5] = ["label", "confidence", "lean", "evidence", "mismatch"];

/// Where a result comes from.
pub(crate) enum Origin<'a> {
    /// A file, by path (a workbook is read from it without loading it whole).
    Path(&'a str),
    /// A stream.
    Reader(Box<dyn Read + Send>),
}

fn read_origin(
    origin: Origin<'_>,
    name: &str,
    encoding: EncodingChoice,
    lexicon: &Lexicon,
    warn: &mut dyn FnMut(String),
) -> Result<Tally> {
    let (path, reader): (Option<&str>, Box<dyn Read + Send>) = match origin {
        Origin::Path(p) => (
            Some(p),
            Box::new(File::open(p).map_err(|e| Error::io(p, e))?),
        ),
        Origin::Reader(r) => (None, r),
    };
    let (format, opts, reader) = open_result(reader, name, encoding)?;
    let index = CategoryIndex::new(lexicon);
    let mut tally = Tally::new();
    match format {
        #[cfg(not(feature = "xlsx"))]
        InputFormat::Xlsx => {
            let _ = path;
            return Err(Error::usage(format!(
                "{name}: this popm was built without the `xlsx` feature, so it cannot read \
                 .xlsx results; rebuild with `--features xlsx`"
            )));
        }
        #[cfg(feature = "xlsx")]
        InputFormat::Xlsx => {
            let book = match path {
                Some(p) => Workbook::File(p),
                None => Workbook::Bytes(read_all(reader, name)?.into()),
            };
            read_workbook(&book, name, &opts, &index, &mut tally)?;
        }
        InputFormat::Jsonl => {
            let mut src = Source::from_reader_with_keys(name, reader, format, &opts, &JSON_FIELDS)?;
            note_encoding(&src, warn);
            read_lines(&mut src, &mut tally)?;
        }
        _ => {
            let mut src = Source::from_reader(name, reader, format, &opts)?;
            note_encoding(&src, warn);
            read_table(&mut src, name, name, &index, &mut tally, Table::Delimited)?;
            if let Some(line) = src.unbalanced_quote_line() {
                warn(format!(
                    "{name}:{line}: unbalanced quote character, last at line {line}: a quoted \
                     field opened there may be unclosed (its record then absorbed the lines \
                     after it); check the quoting"
                ));
            }
        }
    }
    Ok(tally)
}

pub(crate) fn read_all(mut reader: Box<dyn Read + Send>, name: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(name, e))?;
    Ok(bytes)
}

pub(crate) fn note_encoding(src: &Source, warn: &mut dyn FnMut(String)) {
    if let Some(note) = src.encoding_note() {
        warn(format!("{}: {note}", src.name()));
    }
}

/// A result opened for reading: its format, told from its first bytes; the
/// read options for it; and the reader with those bytes put back in front.
pub(crate) fn open_result(
    mut reader: Box<dyn Read + Send>,
    name: &str,
    encoding: EncodingChoice,
) -> Result<(InputFormat, ReadOptions, Box<dyn Read + Send>)> {
    let (head, format) = sniff_format(&mut reader, name)?;
    let opts = ReadOptions {
        encoding,
        format: Some(format),
        ..ReadOptions::default()
    };
    Ok((format, opts, Box::new(Cursor::new(head).chain(reader))))
}

/// Reads the start of `reader` until its format shows ([`InputFormat::from_content`]):
/// returns the bytes read (to be read again) and the format.
///
/// # Errors
///
/// When reading fails, or the input holds nothing but blanks.
pub(crate) fn sniff_format(reader: &mut dyn Read, name: &str) -> Result<(Vec<u8>, InputFormat)> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(name, e)),
        };
        head.extend_from_slice(&chunk[..n]);
        if let Some(format) = InputFormat::from_content(&head, n == 0) {
            return Ok((head, format));
        }
        if n == 0 {
            return Err(Error::csv(
                name,
                None,
                "is empty: not a popm result (expected the output of `popm classify`)",
            ));
        }
    }
}

/// Phrase → category lookups for the phrases of CSV/TSV results.
pub(crate) struct CategoryIndex {
    exact: HashMap<(Role, String), String>,
    folded: HashMap<(Role, String), String>,
}

impl CategoryIndex {
    pub(crate) fn new(lexicon: &Lexicon) -> CategoryIndex {
        let mut exact = HashMap::new();
        let mut folded = HashMap::new();
        for e in lexicon.entries() {
            let category = lexicon.category_of(e.id()).name().to_string();
            exact
                .entry((e.role(), e.phrase().to_string()))
                .or_insert_with(|| category.clone());
            folded
                .entry((e.role(), e.phrase().to_lowercase()))
                .or_insert(category);
        }
        CategoryIndex { exact, folded }
    }

    pub(crate) fn category(&self, role: Role, phrase: &str) -> String {
        self.exact
            .get(&(role, phrase.to_string()))
            .or_else(|| self.folded.get(&(role, phrase.to_lowercase())))
            .map_or_else(|| NOT_IN_LEXICON.to_string(), String::clone)
    }
}

/// Finds [`REQUIRED_COLUMNS`] in a header, or says which are missing.
pub(crate) fn required_columns(header: &[String], name: &str) -> Result<[usize; 5]> {
    let mut idx = [0usize; 5];
    let mut missing = Vec::new();
    for (k, col) in REQUIRED_COLUMNS.iter().enumerate() {
        match header.iter().position(|h| h == col) {
            Some(i) => idx[k] = i,
            None => missing.push(format!("`{col}`")),
        }
    }
    if missing.is_empty() {
        return Ok(idx);
    }
    let mut found: Vec<&str> = header.iter().map(String::as_str).take(12).collect();
    if header.len() > 12 {
        found.push("…");
    }
    Err(Error::csv(
        name,
        None,
        format!(
            "not a popm result: missing column{} {} (found: {}); summarise the output of \
             `popm classify` (CSV, TSV, JSON Lines or .xlsx)",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if found.is_empty() {
                "none".to_string()
            } else {
                found.join(", ")
            }
        ),
    ))
}

/// Adds one CSV/TSV/xlsx row, given the cells of [`REQUIRED_COLUMNS`].
fn add_row(
    tally: &mut Tally,
    cells: [&str; 5],
    index: &CategoryIndex,
    name: &str,
    line: Option<u64>,
) -> Result<()> {
    let [label, confidence, lean, po, pm] = cells;
    let label = parse_label(label).map_err(|m| Error::csv(name, line, m))?;
    let confidence =
        parse_number(confidence, "confidence").map_err(|m| Error::csv(name, line, m))?;
    let lean = parse_number(lean, "lean").map_err(|m| Error::csv(name, line, m))?;
    let mut hits = Vec::new();
    for (role, cell, col) in [(Role::Po, po, "po_evidence"), (Role::Pm, pm, "pm_evidence")] {
        let items = parse_compact_evidence(cell)
            .map_err(|m| Error::csv(name, line, format!("column `{col}`: {m}")))?;
        hits.extend(items.into_iter().map(|it| PhraseHit {
            role,
            category: index.category(role, &it.phrase),
            counted: it.is_counted(),
            phrase: it.phrase,
        }));
    }
    tally.add(label, confidence, lean, &hits);
    Ok(())
}

pub(crate) fn parse_label(s: &str) -> std::result::Result<Option<Label>, String> {
    Label::parse_row(s).ok_or_else(|| {
        format!(
            "unknown label `{s}` (expected one of {})",
            Label::row_names()
        )
    })
}

/// An empty cell is `None`; anything else must be a finite number, written
/// with a decimal point or (`classify --decimal-comma`) a decimal comma.
pub(crate) fn parse_number(s: &str, col: &str) -> std::result::Result<Option<f64>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let x = s
        .parse::<f64>()
        .ok()
        .or_else(|| s.replace(',', ".").parse::<f64>().ok());
    match x {
        Some(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(format!("`{col}` is not a number: `{s}`")),
    }
}

/// Field `i` of a record as text (invalid UTF-8 replaced); empty when the record is short.
pub(crate) fn field(rec: &Record, i: usize) -> Cow<'_, str> {
    rec.fields
        .get(i)
        .map_or(Cow::Borrowed(""), |f| decode_field(f).0)
}

/// The five required cells (at `required`) of a row of a CSV/TSV result or
/// of a postings sheet; `None` for a sheet row whose five are empty (a
/// sheet's tail). A CSV/TSV row must be as wide as the header (`width`);
/// `name` names the file in that error.
pub(crate) fn table_cells<'r>(
    rec: &'r Record,
    required: [usize; 5],
    width: usize,
    table: Table,
    name: &str,
) -> Result<Option<[Cow<'r, str>; 5]>> {
    let cells = required.map(|i| field(rec, i));
    match table {
        Table::Sheet if cells.iter().all(|c| c.trim().is_empty()) => Ok(None),
        Table::Delimited if rec.fields.len() != width => Err(Error::csv(
            name,
            Some(rec.line),
            format!(
                "cannot read as CSV: found a row of {} fields, but the header has {width}",
                rec.fields.len()
            ),
        )),
        _ => Ok(Some(cells)),
    }
}

/// Calls `f` on every record of `src`, in order.
pub(crate) fn for_each_record(
    src: &mut Source,
    mut f: impl FnMut(&Record) -> Result<()>,
) -> Result<()> {
    let mut batch = Vec::new();
    loop {
        let more = src.read_batch(&mut batch)?;
        for rec in &batch {
            f(rec)?;
        }
        if !more {
            return Ok(());
        }
    }
}

/// What kind of table a [`Source`] holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    /// CSV or TSV: every row as wide as the header, as the csv crate's reader wants.
    Delimited,
    /// A postings sheet: a row whose five columns are empty is skipped.
    Sheet,
}

/// Adds the rows of a CSV/TSV result or of one postings sheet; `name` names
/// the file in the errors of rows, `header_name` in the error of a header
/// that lacks columns.
fn read_table(
    src: &mut Source,
    name: &str,
    header_name: &str,
    index: &CategoryIndex,
    tally: &mut Tally,
    table: Table,
) -> Result<()> {
    let idx = required_columns(src.headers(), header_name)?;
    // Results written before the column existed have none.
    let mismatch_col = src.headers().iter().position(|h| h == "mismatch");
    let width = src.headers().len();
    for_each_record(src, |rec| {
        let line = Some(rec.line);
        let Some(cells) = table_cells(rec, idx, width, table, name)? else {
            return Ok(());
        };
        let cells = [0, 1, 2, 3, 4].map(|k| cells[k].as_ref());
        if mismatch_col.is_some_and(|i| field(rec, i).trim().eq_ignore_ascii_case("true")) {
            tally.add_mismatch();
        }
        add_row(tally, cells, index, name, line)
    })
}

/// Adds the lines of a JSON Lines result, read with the columns [`JSON_FIELDS`].
fn read_lines(src: &mut Source, tally: &mut Tally) -> Result<()> {
    let name = src.name().to_string();
    for_each_record(src, |rec| {
        let n = Some(rec.line);
        if let Some(reason) = &rec.error {
            return Err(Error::csv(&name, n, reason.as_str()));
        }
        let [label, confidence, lean, evidence, mismatch] = [0, 1, 2, 3, 4].map(|i| field(rec, i));
        if mismatch.trim() == "true" {
            tally.add_mismatch();
        }
        // A key that is missing (or null) reads as an empty field.
        let missing: Vec<String> = [("label", &label), ("evidence", &evidence)]
            .into_iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(k, _)| format!("`{k}`"))
            .collect();
        if !missing.is_empty() {
            return Err(Error::csv(
                &name,
                n,
                format!(
                    "not a popm result: missing field{} {} (expected the JSON Lines of \
                     `popm classify --format jsonl`)",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", ")
                ),
            ));
        }
        let label = parse_label(&label).map_err(|m| Error::csv(&name, n, m))?;
        let confidence =
            parse_number(&confidence, "confidence").map_err(|m| Error::csv(&name, n, m))?;
        let lean = parse_number(&lean, "lean").map_err(|m| Error::csv(&name, n, m))?;
        let evidence = match serde_json::from_str::<Value>(&evidence) {
            Ok(Value::Array(items)) => items,
            _ => return Err(Error::csv(&name, n, "`evidence` is not an array")),
        };
        let hits = evidence
            .iter()
            .map(json_hit)
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(|m| Error::csv(&name, n, format!("evidence: {m}")))?;
        tally.add(label, confidence, lean, &hits);
        Ok(())
    })
}

/// The role and phrase of one element of a JSON Lines `evidence` array.
pub(crate) fn json_role_phrase(ev: &Value) -> std::result::Result<(Role, &str), String> {
    let role = ev["role"]
        .as_str()
        .and_then(Role::parse)
        .ok_or_else(|| format!("no `role` po/pm in {ev}"))?;
    let phrase = ev["phrase"]
        .as_str()
        .ok_or_else(|| format!("no `phrase` in {ev}"))?;
    Ok((role, phrase))
}

/// One element of a JSON Lines `evidence` array.
fn json_hit(ev: &Value) -> std::result::Result<PhraseHit, String> {
    let (role, phrase) = json_role_phrase(ev)?;
    let category = ev["category"].as_str().unwrap_or(NOT_IN_LEXICON);
    let counted = match (ev["counted"].as_u64(), ev["matches"].as_array()) {
        (Some(n), _) => n > 0,
        (None, Some(ms)) => ms
            .iter()
            .any(|m| !matches!(m["mark"].as_str(), Some("colleague" | "negated"))),
        (None, None) => return Err(format!("no `counted` or `matches` in {ev}")),
    };
    Ok(PhraseHit {
        role,
        phrase: phrase.to_string(),
        category: category.to_string(),
        counted,
    })
}

/// A workbook result: a file (read sheet by sheet, never whole) or its bytes (stdin).
#[cfg(feature = "xlsx")]
pub(crate) enum Workbook<'a> {
    File(&'a str),
    Bytes(Arc<[u8]>),
}

#[cfg(feature = "xlsx")]
impl Workbook<'_> {
    pub(crate) fn sheet_names(&self, name: &str) -> Result<Vec<String>> {
        match self {
            Workbook::File(p) => {
                let file = File::open(p).map_err(|e| Error::io(*p, e))?;
                sheet_names(name, BufReader::new(file))
            }
            Workbook::Bytes(b) => sheet_names(name, Cursor::new(&b[..])),
        }
    }

    /// One sheet, as a [`Source`] called `name`.
    pub(crate) fn open_sheet(&self, name: &str, sheet: &str, opts: &ReadOptions) -> Result<Source> {
        let opts = ReadOptions {
            sheet: Some(sheet.to_string()),
            ..opts.clone()
        };
        match self {
            // The input layer opens the file again, and seeks in it.
            Workbook::File(p) => Source::open(p, &opts),
            Workbook::Bytes(b) => {
                let reader = Box::new(Cursor::new(Arc::clone(b)));
                Source::from_reader(name, reader, InputFormat::Xlsx, &opts)
            }
        }
    }
}

/// Adds the rows of every postings sheet of a workbook: [`XLSX_SHEET`], then
/// "Postings 2", "Postings 3", ... (past a sheet's row limit), in workbook order.
#[cfg(feature = "xlsx")]
fn read_workbook(
    book: &Workbook<'_>,
    name: &str,
    opts: &ReadOptions,
    index: &CategoryIndex,
    tally: &mut Tally,
) -> Result<()> {
    for sheet in postings_sheets(book, name)? {
        let mut src = book.open_sheet(name, &sheet, opts)?;
        let header_name = format!("{name} (sheet {sheet})");
        read_table(&mut src, name, &header_name, index, tally, Table::Sheet)?;
    }
    Ok(())
}

/// The postings sheets of a workbook result, in workbook order: [`XLSX_SHEET`],
/// then "Postings 2", "Postings 3", ...
///
/// # Errors
///
/// When the workbook cannot be read or has no sheet [`XLSX_SHEET`].
#[cfg(feature = "xlsx")]
pub(crate) fn postings_sheets(book: &Workbook<'_>, name: &str) -> Result<Vec<String>> {
    let names = book.sheet_names(name)?;
    if !names.iter().any(|s| s == XLSX_SHEET) {
        return Err(Error::csv(
            name,
            None,
            format!(
                "not a popm result: no sheet `{XLSX_SHEET}` (sheets: {})",
                names.join(", ")
            ),
        ));
    }
    let is_postings = |s: &str| {
        s == XLSX_SHEET
            || s.strip_prefix(XLSX_SHEET)
                .and_then(|n| n.strip_prefix(' '))
                .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n >= 2))
    };
    Ok(names.into_iter().filter(|s| is_postings(s)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Classifier;

    fn item(phrase: &str, count: usize, colleague: usize, negated: usize) -> CompactItem {
        CompactItem {
            phrase: phrase.into(),
            count,
            colleague,
            negated,
        }
    }

    #[test]
    fn evidence_cells_parse_with_marks_notes() {
        let cases: &[(&str, Vec<CompactItem>)] = &[
            ("", vec![]),
            ("   ", vec![]),
            ("product backlog×3", vec![item("product backlog", 3, 0, 0)]),
            (
                "product backlog×3; user stories×2; product manager×1 (colleague)",
                vec![
                    item("product backlog", 3, 0, 0),
                    item("user stories", 2, 0, 0),
                    item("product manager", 1, 1, 0),
                ],
            ),
            (
                "product owner×2 (1 colleague); roadmap×3 (2 colleague, 1 negated)",
                vec![item("product owner", 2, 1, 0), item("roadmap", 3, 2, 1)],
            ),
            ("pricing×2 (negated)", vec![item("pricing", 2, 0, 2)]),
            (
                "P&L×1; fachbereich*×12",
                vec![item("P&L", 1, 0, 0), item("fachbereich*", 12, 0, 0)],
            ),
            // Phrases holding the separators themselves.
            ("2×2 matrix×1", vec![item("2×2 matrix", 1, 0, 0)]),
            (
                "a; b×1; c×2",
                vec![item("a; b", 1, 0, 0), item("c", 2, 0, 0)],
            ),
            ("x×1 (note)×2", vec![item("x×1 (note)", 2, 0, 0)]),
        ];
        for (cell, want) in cases {
            assert_eq!(parse_compact_evidence(cell).as_ref(), Ok(want), "{cell:?}");
        }
        assert!(!item("a", 2, 1, 1).is_counted());
        assert!(item("a", 3, 1, 1).is_counted());
    }

    #[test]
    fn malformed_evidence_cells_are_refused() {
        for cell in [
            "product backlog",
            "product backlog×",
            "product backlog×0",
            "×3",
            "backlog×3;",
            "backlog×3; ",
            "backlog×3 (colleague",
            "backlog×1 (2 colleague)",
            "backlog×3 (negated, colleague)",
            "backlog×3 (self)",
            "backlog×3x",
        ] {
            assert!(parse_compact_evidence(cell).is_err(), "{cell:?}");
        }
    }

    #[test]
    fn compact_cells_written_by_output_parse_back() {
        let lex = Lexicon::parse(
            r#"
[context]
colleague = ["work with"]
negation = ["no"]
[[category]]
name = "backlog"
role = "po"
entries = [{ phrase = "product backlog", weight = 3 }]
[[category]]
name = "role-name"
role = "pm"
kind = "role-name"
entries = [{ phrase = "product manager", weight = 5 }]
"#,
            "t",
        )
        .unwrap();
        let c = Classifier::new(lex).unwrap();
        let r = c.classify_text(
            "Product backlog. You work with the Product Manager. No product manager. \
             Product manager here.",
        );
        let lex = c.lexicon();
        let pm = crate::output::evidence_cell::compact_evidence(&r, lex, Role::Pm);
        assert_eq!(pm, "product manager×3 (1 colleague, 1 negated)");
        assert_eq!(
            parse_compact_evidence(&pm),
            Ok(vec![item("product manager", 3, 1, 1)])
        );
        let mut from_classification = Tally::new();
        from_classification.add_classification(&r, lex);
        let mut from_csv = Tally::new();
        let index = CategoryIndex::new(lex);
        let po = crate::output::evidence_cell::compact_evidence(&r, lex, Role::Po);
        add_row(
            &mut from_csv,
            ["product_owner", "0.9", "-0.5", &po, &pm],
            &index,
            "t",
            None,
        )
        .unwrap();
        for role in [Role::Po, Role::Pm] {
            assert_eq!(
                from_classification.top_phrases(role, 10),
                from_csv.top_phrases(role, 10)
            );
            assert_eq!(
                from_classification.categories(role),
                from_csv.categories(role)
            );
        }
    }

    fn tally_of_leans(leans: &[f64]) -> Tally {
        let mut t = Tally::new();
        for &l in leans {
            t.add(Some(Label::Unclear), None, Some(l), &[]);
        }
        t
    }

    #[test]
    fn histogram_edges() {
        let t = tally_of_leans(&[-1.0, -0.8, -0.800001, 0.0, -0.0, 0.2, 0.999, 1.0, -3.0, 7.0]);
        let h = t.lean_histogram(10);
        assert_eq!(h.len(), 10);
        assert_eq!((h[0].lo, h[9].hi), (-1.0, 1.0));
        for w in h.windows(2) {
            assert_eq!(w[0].hi, w[1].lo);
        }
        let counts: Vec<usize> = h.iter().map(|b| b.count).collect();
        // -3, -1, -0.800001 | -0.8 | ... | 0, -0 | 0.2 | ... | 0.999, 1, 7
        assert_eq!(counts, vec![3, 1, 0, 0, 0, 2, 1, 0, 0, 3]);
        assert_eq!(t.lean_histogram(1)[0].count, 10);
        assert!(t.lean_histogram(0).is_empty());
        let mut t = Tally::new();
        t.add(None, None, None, &[]);
        t.add(Some(Label::Unclear), None, Some(f64::NAN), &[]);
        assert_eq!(
            t.lean_histogram(4).iter().map(|b| b.count).sum::<usize>(),
            0
        );
        assert_eq!(t.total(), 2);
    }

    fn hit(role: Role, phrase: &str, category: &str, counted: bool) -> PhraseHit {
        PhraseHit {
            role,
            phrase: phrase.into(),
            category: category.into(),
            counted,
        }
    }

    #[test]
    fn top_phrases_count_postings_and_break_ties_by_phrase() {
        let postings = [
            vec![
                hit(Role::Po, "zeta", "b", true),
                hit(Role::Po, "alpha", "a", true),
                hit(Role::Po, "alpha", "a", true),
                hit(Role::Pm, "product manager", "role-name", false),
            ],
            vec![
                hit(Role::Po, "mid", "a", true),
                hit(Role::Po, "zeta", "b", true),
            ],
            vec![hit(Role::Po, "alpha", "a", true)],
        ];
        let mut forward = Tally::new();
        for p in &postings {
            forward.add(Some(Label::ProductOwner), Some(0.9), Some(-0.9), p);
        }
        let mut backward = Tally::new();
        for p in postings.iter().rev() {
            let mut p = p.clone();
            p.reverse();
            backward.add(Some(Label::ProductOwner), Some(0.9), Some(-0.9), &p);
        }
        let top = forward.top_phrases(Role::Po, 10);
        let names: Vec<(&str, usize)> = top
            .iter()
            .map(|p| (p.phrase.as_str(), p.postings))
            .collect();
        assert_eq!(names, vec![("alpha", 2), ("zeta", 2), ("mid", 1)]);
        assert_eq!(top, backward.top_phrases(Role::Po, 10));
        assert_eq!(forward.top_phrases(Role::Po, 1).len(), 1);
        assert!(
            forward.top_phrases(Role::Pm, 10).is_empty(),
            "colleague-only"
        );
        assert_eq!(
            forward.categories(Role::Po),
            vec![("a".to_string(), 3), ("b".to_string(), 2)]
        );
        assert_eq!(forward.to_json(5), backward.to_json(5));
    }

    #[test]
    fn label_counts_shares_and_mean_confidence() {
        let mut t = Tally::new();
        t.add(Some(Label::ProductOwner), Some(0.8), Some(-0.5), &[]);
        t.add(Some(Label::ProductOwner), Some(1.0), Some(-0.7), &[]);
        t.add(None, None, None, &[]);
        let mut other = Tally::new();
        other.add(Some(Label::Hybrid), Some(0.6), Some(0.0), &[]);
        t.merge(other);
        assert_eq!(t.total(), 4);
        assert_eq!(
            t.label_counts().iter().collect::<Vec<_>>(),
            vec![
                (Some(Label::ProductOwner), 2),
                (Some(Label::ProductManager), 0),
                (Some(Label::Hybrid), 1),
                (Some(Label::Unclear), 0),
                (Some(Label::Other), 0),
                (None, 1),
            ]
        );
        assert!((t.mean_confidence(Some(Label::ProductOwner)).unwrap() - 0.9).abs() < 1e-12);
        assert_eq!(t.mean_confidence(None), None);
        let j = t.to_json(3);
        assert_eq!(j["postings"], 4);
        assert_eq!(j["labels"][0]["share"], 0.5);
        assert_eq!(j["labels"][4]["mean_confidence"], Value::Null);
        assert_eq!(
            j["lean_histogram"].as_array().map(Vec::len),
            Some(LEAN_BINS)
        );
    }

    fn lexicon() -> Lexicon {
        Lexicon::parse(
            r#"
[[category]]
name = "backlog"
role = "po"
entries = [{ phrase = "product backlog", weight = 3 }]
[[category]]
name = "roadmap"
role = "pm"
entries = [{ phrase = "roadmap", weight = 3 }]
"#,
            "t",
        )
        .unwrap()
    }

    #[test]
    fn csv_tsv_and_jsonl_results_read_alike() {
        let lex = lexicon();
        let csv = "id,label,confidence,lean,po_score,pm_score,po_evidence,pm_evidence,error\n\
                   1,product_owner,0.900,-0.500,3.00,1.00,product backlog×2,roadmap×1 (negated),\n\
                   2,error,,,,,,,no text\n\
                   3,product_manager,0.700,0.400,0.00,3.00,,roadmap×1; vision×1,\n";
        let tsv = csv.replace(',', "\t");
        let jsonl = r#"{"label":"product_owner","confidence":0.9,"lean":-0.5,"evidence":[{"phrase":"product backlog","role":"po","category":"backlog","counted":2},{"phrase":"roadmap","role":"pm","category":"roadmap","counted":0}]}
{"label":"error","evidence":[],"error":"no text"}

{"label":"product_manager","confidence":0.7,"lean":0.4,"evidence":[{"phrase":"roadmap","role":"pm","category":"roadmap","matches":[{"mark":"plain"}]},{"phrase":"vision","role":"pm","category":"(not in lexicon)","counted":1}]}
"#;
        let a = read_results_from(csv.as_bytes(), "a.csv", &lex).unwrap();
        let b = read_results_from(tsv.as_bytes(), "a.tsv", &lex).unwrap();
        let c = read_results_from(jsonl.as_bytes(), "a.jsonl", &lex).unwrap();
        // `classify --excel --out-delimiter ';' --decimal-comma`: BOM, CR LF, `;`, `0,900`.
        let excel = "\u{feff}id;label;confidence;lean;po_score;pm_score;po_evidence;pm_evidence;error\r\n\
                     1;product_owner;0,900;-0,500;3,00;1,00;product backlog×2;roadmap×1 (negated);\r\n\
                     2;error;;;;;;;no text\r\n\
                     3;product_manager;0,700;0,400;0,00;3,00;;\"roadmap×1; vision×1\";\r\n";
        let d = read_results_from(excel.as_bytes(), "excel.csv", &lex).unwrap();
        assert_eq!(a.total(), 3);
        assert_eq!(a.to_json(10), b.to_json(10));
        assert_eq!(a.to_json(10), c.to_json(10));
        assert_eq!(a.to_json(10), d.to_json(10));
        assert_eq!(
            a.categories(Role::Pm),
            vec![
                ("(not in lexicon)".to_string(), 1),
                ("roadmap".to_string(), 1)
            ]
        );
    }

    #[test]
    fn xlsx_results_are_read_from_the_postings_sheet() {
        let lex = lexicon();
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(XLSX_SHEET).unwrap();
        for (c, h) in [
            "id",
            "label",
            "confidence",
            "lean",
            "po_evidence",
            "pm_evidence",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "p1").unwrap();
        ws.write_string(1, 1, "product_owner").unwrap();
        ws.write_number(1, 2, 0.9).unwrap();
        ws.write_number(1, 3, -0.5).unwrap();
        ws.write_string(1, 4, "product backlog×2").unwrap();
        ws.write_string(2, 0, "p2").unwrap();
        ws.write_string(2, 1, "error").unwrap();
        let ws = wb.add_worksheet();
        ws.set_name("Postings 2").unwrap();
        ws.write_string(0, 0, "label").unwrap();
        ws.write_string(1, 0, "unclear").unwrap();
        for (c, h) in ["confidence", "lean", "po_evidence", "pm_evidence"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16 + 1, *h).unwrap();
        }
        wb.add_worksheet().set_name("Summary").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let t = read_results_from(bytes.as_slice(), "r.xlsx", &lex).unwrap();
        assert_eq!(t.total(), 3);
        assert_eq!(t.mean_confidence(Some(Label::ProductOwner)), Some(0.9));
        assert_eq!(t.top_phrases(Role::Po, 1)[0].category, "backlog");

        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "x").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let err = read_results_from(bytes.as_slice(), "other.xlsx", &lex)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("other.xlsx") && err.contains("no sheet `Postings`"),
            "{err}"
        );
    }

    #[test]
    fn jsonl_fields_are_read_by_name_whatever_the_first_line_holds() {
        let lex = lexicon();
        // `classify --format jsonl` writes no score fields for an error row.
        let jsonl = r#"{"schema_version":1,"row":1,"id":"1","label":"error","lexicon":"x","evidence":[],"error":"no text","warnings":[]}
{"schema_version":1,"row":2,"id":"2","label":"product_owner","confidence":0.9,"lean":-0.5,"self_role":null,"evidence":[{"phrase":"product backlog","role":"po","category":"backlog","counted":1}],"error":null,"warnings":[]}
"#;
        let t = read_results_from(jsonl.as_bytes(), "e.jsonl", &lex).unwrap();
        assert_eq!(t.total(), 2);
        assert_eq!(t.mean_confidence(Some(Label::ProductOwner)), Some(0.9));
        assert_eq!(t.lean_histogram(2)[0].count, 1);
        let err = read_results_from(
            &b"{\"label\":\"hybrid\",\"evidence\":{}}\n"[..],
            "o.jsonl",
            &lex,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("o.jsonl:1: `evidence` is not an array"),
            "{err}"
        );
        let err = read_results_from(
            &b"{\"label\":\"hybrid\",\"evidence\":[]}\nnot json\n"[..],
            "b.jsonl",
            &lex,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("b.jsonl:2: ") && err.contains("not valid JSON"),
            "{err}"
        );
    }

    #[test]
    fn results_are_decoded_like_classify_inputs() {
        let lex = lexicon();
        let csv = "label,confidence,lean,po_evidence,pm_evidence\n\
                   product_owner,0.9,-0.5,product backlog×2,\n";
        let want = read_results_from(csv.as_bytes(), "u.csv", &lex)
            .unwrap()
            .to_json(5);
        // UTF-16 LE with a byte order mark, as Excel's "Unicode text".
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(csv.encode_utf16().flat_map(u16::to_le_bytes));
        let t = read_results_from(utf16.as_slice(), "w.csv", &lex).unwrap();
        assert_eq!(t.to_json(5), want);
        // UTF-16 BE without one: only with the encoding given.
        let be: Vec<u8> = csv.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("be.csv");
        std::fs::write(&path, &be).unwrap();
        let path = path.to_str().unwrap();
        let utf16be = EncodingChoice::parse("utf-16be").unwrap();
        let mut warnings = Vec::new();
        let t = read_results_with(path, utf16be, &lex, &mut |w| warnings.push(w)).unwrap();
        assert_eq!(t.to_json(5), want);
        assert!(warnings.is_empty(), "{warnings:?}");
        // Windows-1252 is guessed, with a warning naming the file.
        let cp1252 = b"label;confidence;lean;po_evidence;pm_evidence\n\
                       product_owner;0,9;-0,5;caf\xe9 backlog\xd72;\n";
        std::fs::write(dir.path().join("w.csv"), cp1252).unwrap();
        let path = dir.path().join("w.csv");
        let path = path.to_str().unwrap();
        let t =
            read_results_with(path, EncodingChoice::Auto, &lex, &mut |w| warnings.push(w)).unwrap();
        assert_eq!(t.top_phrases(Role::Po, 1)[0].phrase, "café backlog");
        assert!(
            warnings.len() == 1
                && warnings[0].starts_with(path)
                && warnings[0].contains("windows-1252"),
            "{warnings:?}"
        );
    }

    #[test]
    fn the_format_is_told_from_the_content() {
        use InputFormat::{Csv, Jsonl, Xlsx};
        for (head, at_end, want) in [
            (&b"PK\x03\x04rest"[..], false, Some(Xlsx)),
            (b"PK", false, None),
            (b"PK", true, Some(Csv)),
            (b"\xef\xbb", false, None),
            (b"\xef\xbb\xbf{\"label\"", false, Some(Jsonl)),
            (b"\n \r\n\t{", false, Some(Jsonl)),
            (b"\xff\xfe{\x00", false, Some(Jsonl)),
            (b"\xfe\xff\x00{", false, Some(Jsonl)),
            (b"\x00{", false, Some(Jsonl)),
            (b"id,label", false, Some(Csv)),
            (b"\xef\xbb\xbflabel", false, Some(Csv)),
            (b" \n\n", false, None),
            (b" \n\n", true, None),
            (b"", true, None),
        ] {
            assert_eq!(
                InputFormat::from_content(head, at_end),
                want,
                "{head:?} {at_end}"
            );
        }
        let lex = lexicon();
        for blank in [&b""[..], b"\n\n  \r\n", b"\xef\xbb\xbf"] {
            let err = read_results_from(blank, "blank.csv", &lex)
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("blank.csv: is empty: not a popm result"),
                "{err}"
            );
        }
        // A .csv that holds JSON Lines is read as JSON Lines.
        let jsonl = "\n{\"label\":\"hybrid\",\"evidence\":[]}\n";
        let t = read_results_from(jsonl.as_bytes(), "j.csv", &lex).unwrap();
        assert_eq!(t.label_counts().get(Some(Label::Hybrid)), 1);
    }

    #[test]
    fn csv_rows_must_be_as_wide_as_the_header() {
        let lex = lexicon();
        let csv = "label,confidence,lean,po_evidence,pm_evidence\nhybrid,0.5,0,,\nhybrid,0.5\n";
        let err = read_results_from(csv.as_bytes(), "r.csv", &lex)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "r.csv:3: cannot read as CSV: found a row of 2 fields, but the header has 5"
            ),
            "{err}"
        );
    }

    #[test]
    fn quoted_phrases_of_evidence_cells_read_back() {
        let lex = lexicon();
        let cell = crate::output::evidence_cell::format_compact_evidence(&[
            item("a×1; b", 2, 0, 0),
            item("product backlog", 1, 0, 0),
        ]);
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(REQUIRED_COLUMNS).unwrap();
        w.write_record(["product_owner", "1", "-1", cell.as_str(), ""])
            .unwrap();
        let bytes = w.into_inner().unwrap();
        let t = read_results_from(bytes.as_slice(), "q.csv", &lex).unwrap();
        let top = t.top_phrases(Role::Po, 5);
        let names: Vec<(&str, &str)> = top
            .iter()
            .map(|p| (p.phrase.as_str(), p.category.as_str()))
            .collect();
        assert_eq!(
            names,
            [("a×1; b", NOT_IN_LEXICON), ("product backlog", "backlog")]
        );
    }

    #[test]
    fn other_files_are_refused_with_the_missing_columns() {
        let lex = lexicon();
        let err = read_results_from(&b"id,title,description\n1,a,b\n"[..], "postings.csv", &lex)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("postings.csv: not a popm result"), "{err}");
        for col in REQUIRED_COLUMNS {
            assert!(err.contains(&format!("`{col}`")), "{err}");
        }
        let err = read_results_from(&b"id,label\n1,po\n"[..], "x.csv", &lex)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`confidence`") && !err.contains("`label`"),
            "{err}"
        );
        let err = read_results_from(&b"{\"id\": 1}\n"[..], "x.jsonl", &lex)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("x.jsonl:1:") && err.contains("`label`, `evidence`"),
            "{err}"
        );
        let err = read_results_from(&b""[..], "empty.csv", &lex)
            .unwrap_err()
            .to_string();
        assert!(err.contains("empty.csv") && err.contains("empty"), "{err}");
        let bad = "label,confidence,lean,po_evidence,pm_evidence\nproduct_owner,high,0,,\n";
        let err = read_results_from(bad.as_bytes(), "bad.csv", &lex)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("bad.csv:2: `confidence`"), "{err}");
        let bad = "label,confidence,lean,po_evidence,pm_evidence\nproduct_owner,1,0,backlog,\n";
        let err = read_results_from(bad.as_bytes(), "bad.csv", &lex)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("bad.csv:2: column `po_evidence`"), "{err}");
    }
}
