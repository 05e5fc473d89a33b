//! One classified row in each output format: the CSV/TSV line, the JSON Lines
//! object, the cells of an xlsx row (see the [module docs](crate::output) for
//! the columns and fields).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::classify::Classification;
use crate::judge::context::Mark;
use crate::judge::label::Label;
use crate::judge::score::{Evidence, Occurrence};
use crate::lexicon::{Lexicon, Role};
use crate::output::evidence_cell::compact_evidence;
use crate::output::evidence_cell::{compact_evidence_len_hint, write_compact_evidence};
use crate::output::json_line::{EvidenceOf, JsonEvidence, JsonRow, JsonVerdict, Kept};
use crate::output::number::{round, write_fixed};
use crate::text::char_offsets::CharOffsets;
use crate::text::snippet::snippet;

/// The name of the first postings sheet of an xlsx result.
pub const POSTINGS_SHEET: &str = "Postings";

/// Version of the JSON Lines and `check --json` schema; bumped on incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// The columns popm adds, in order.
pub const OUTPUT_COLUMNS: &[&str] = &[
    "id",
    "label",
    "confidence",
    "lean",
    "content_lean",
    "self_role",
    "mismatch",
    "language",
    "po_score",
    "pm_score",
    "po_evidence",
    "pm_evidence",
    "error",
];

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// One JSON object per line.
    Jsonl,
    /// An Excel workbook: rows come from [`Layout::cells`] ([`Layout::row`] is empty).
    Xlsx,
    /// An HTML report: rows come from `crate::report::html` ([`Layout::row`] is empty).
    Html,
}

/// How CSV/TSV text is written for whatever reads it (a spreadsheet, a script).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    /// Field delimiter for CSV (TSV always uses TAB).
    pub delimiter: u8,
    /// End lines with CR LF instead of LF.
    pub crlf: bool,
    /// Start the output with a UTF-8 byte order mark.
    pub bom: bool,
    /// Neutralise formulas in cells that carry input text (see [`guard_formula`]).
    pub guard_formulas: bool,
    /// Write decimals with a comma (`0,800`), for European spreadsheets.
    pub decimal_comma: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            delimiter: b',',
            crlf: false,
            bom: false,
            guard_formulas: false,
            decimal_comma: false,
        }
    }
}

impl Dialect {
    /// What Excel opens cleanly: comma, CR LF, a BOM, formulas neutralised.
    pub fn excel() -> Dialect {
        Dialect {
            delimiter: b',',
            crlf: true,
            bom: true,
            guard_formulas: true,
            decimal_comma: false,
        }
    }
}

/// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection", CWE-1236).
pub const FORMULA_TRIGGERS: &[u8] = b"=+-@\t\r";

/// A cell's text made inert for spreadsheets: prefixed with `'` when it starts
/// with one of `FORMULA_TRIGGERS`. Spreadsheets then show it as text, and the
/// `'` makes the change visible rather than silent.
pub fn guard_formula(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b) if FORMULA_TRIGGERS.contains(b) => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// One output cell, before it is written in a format.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Text that comes from the input or a lexicon (guarded in spreadsheet modes).
    Text(Cow<'a, str>),
    /// A word popm chose (a label, a role).
    Word(&'static str),
    /// A number popm computed, printed with this many decimals.
    Number(f64, usize),
    /// Nothing.
    Empty,
}

impl Cell<'_> {
    /// The same cell owning its text.
    pub fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Text(t) => Cell::Text(Cow::Owned(t.into_owned())),
            Cell::Word(w) => Cell::Word(w),
            Cell::Number(x, d) => Cell::Number(x, d),
            Cell::Empty => Cell::Empty,
        }
    }
}

/// The shape of the output: format and columns, fixed for a whole run.
#[derive(Clone, Debug)]
pub struct Layout {
    format: Format,
    kept_names: Vec<String>,
    has_file: bool,
    lexicon_id: String,
    dialect: Dialect,
    provenance: bool,
}

/// What the output needs to know about one input row besides its classification.
#[derive(Debug)]
pub struct RowInfo<'a> {
    /// The input file, when there are several.
    pub file: Option<&'a str>,
    /// The posting's id.
    pub id: &'a str,
    /// 1-based data row.
    pub row: u64,
    /// Values of the kept columns, in layout order.
    pub kept: Vec<Cow<'a, str>>,
    /// The text fields that were classified, in the classifier's field order.
    pub fields: Vec<Cow<'a, str>>,
    /// Their names (column names, `title`), for evidence.
    pub field_names: &'a [String],
    /// Warnings about this row (invalid UTF-8, ...).
    pub warnings: Vec<String>,
}

impl Layout {
    /// A layout; `kept` are the input names of kept columns.
    pub fn new(format: Format, kept: &[String], has_file: bool, lexicon: &Lexicon) -> Layout {
        let mut used: Vec<String> = OUTPUT_COLUMNS.iter().map(|s| s.to_string()).collect();
        if has_file {
            used.push("file".to_string());
        }
        used.push("lexicon".to_string());
        let mut kept_names = Vec::with_capacity(kept.len());
        for k in kept {
            let mut name = k.clone();
            while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
                name.push_str("_input");
            }
            used.push(name.clone());
            kept_names.push(name);
        }
        Layout {
            format,
            kept_names,
            has_file,
            lexicon_id: lexicon.identity(),
            dialect: Dialect::default(),
            provenance: false,
        }
    }

    /// The same layout writing CSV/TSV in `dialect`.
    pub fn with_dialect(mut self, dialect: Dialect) -> Layout {
        self.dialect = dialect;
        self
    }

    /// The same layout with a last `lexicon` column (name@version#hash) in CSV/TSV/xlsx.
    pub fn with_provenance(mut self, provenance: bool) -> Layout {
        self.provenance = provenance;
        self
    }

    /// The column names of CSV, TSV and xlsx output, in order.
    pub fn columns(&self) -> Vec<&str> {
        let mut cols: Vec<&str> = Vec::new();
        if self.has_file {
            cols.push("file");
        }
        cols.extend(self.kept_names.iter().map(String::as_str));
        cols.extend(OUTPUT_COLUMNS);
        if self.provenance {
            cols.push("lexicon");
        }
        cols
    }

    /// The cells of one row, in [`Layout::columns`] order.
    pub fn cells<'a>(
        &'a self,
        info: &'a RowInfo<'a>,
        result: Result<&Classification, &'a str>,
        lexicon: &Lexicon,
    ) -> Vec<Cell<'a>> {
        let evidence = match result {
            Ok(c) => {
                [Role::Po, Role::Pm].map(|role| Cow::Owned(compact_evidence(c, lexicon, role)))
            }
            Err(_) => [Cow::Borrowed(""), Cow::Borrowed("")],
        };
        self.cells_with(info, result, evidence)
    }

    /// [`Layout::cells`], given the compact evidence cells of both roles (unused for an error).
    fn cells_with<'a>(
        &'a self,
        info: &'a RowInfo<'a>,
        result: Result<&Classification, &'a str>,
        evidence: [Cow<'a, str>; 2],
    ) -> Vec<Cell<'a>> {
        let mut cells = Vec::with_capacity(self.kept_names.len() + OUTPUT_COLUMNS.len() + 2);
        if self.has_file {
            cells.push(Cell::Text(Cow::Borrowed(info.file.unwrap_or(""))));
        }
        cells.extend(
            info.kept
                .iter()
                .map(|k| Cell::Text(Cow::Borrowed(k.as_ref()))),
        );
        cells.push(Cell::Text(Cow::Borrowed(info.id)));
        match result {
            Ok(c) => {
                cells.push(Cell::Word(c.verdict.label.as_str()));
                cells.push(Cell::Number(c.verdict.confidence, 3));
                cells.push(Cell::Number(c.verdict.lean, 3));
                cells.push(Cell::Number(c.verdict.content_lean, 3));
                cells.push(c.self_role.map_or(Cell::Empty, |r| Cell::Word(r.as_str())));
                cells.push(Cell::Word(if c.verdict.mismatch {
                    "true"
                } else {
                    "false"
                }));
                cells.push(Cell::Word(c.language));
                cells.push(Cell::Number(c.score.po, 2));
                cells.push(Cell::Number(c.score.pm, 2));
                for ev in evidence {
                    cells.push(if ev.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(ev)
                    });
                }
                cells.push(Cell::Empty);
            }
            Err(msg) => {
                cells.push(Cell::Word(Label::row_name(None)));
                cells.extend(std::iter::repeat_n(Cell::Empty, OUTPUT_COLUMNS.len() - 3));
                cells.push(Cell::Text(Cow::Borrowed(msg)));
            }
        }
        if self.provenance {
            cells.push(Cell::Text(Cow::Borrowed(&self.lexicon_id)));
        }
        cells
    }

    /// The output format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The output names of the kept columns (after renaming collisions).
    pub fn kept_names(&self) -> &[String] {
        &self.kept_names
    }

    /// The header line (empty for JSON Lines, xlsx and HTML), after a BOM when the dialect asks.
    pub fn header(&self) -> Vec<u8> {
        if matches!(self.format, Format::Jsonl | Format::Xlsx | Format::Html) {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.dialect.bom {
            out.extend_from_slice(b"\xef\xbb\xbf");
        }
        let cols = self.columns();
        self.csv_line(&mut out, cols.iter().map(|c| Cell::Text(Cow::Borrowed(*c))));
        out
    }

    /// One output row (with its line ending) for a classified or failed posting.
    pub fn row(
        &self,
        info: &RowInfo<'_>,
        result: Result<&Classification, &str>,
        lexicon: &Lexicon,
    ) -> Vec<u8> {
        match self.format {
            Format::Csv | Format::Tsv => {
                // Both roles' evidence in one buffer: one allocation a row, not two or more.
                let mut evidence = String::new();
                let mut mid = 0;
                if let Ok(c) = result {
                    evidence.reserve(compact_evidence_len_hint(c, lexicon));
                    write_compact_evidence(&mut evidence, c, lexicon, Role::Po);
                    mid = evidence.len();
                    write_compact_evidence(&mut evidence, c, lexicon, Role::Pm);
                }
                let (po, pm) = evidence.split_at(mid);
                let cells = self.cells_with(info, result, [Cow::Borrowed(po), Cow::Borrowed(pm)]);
                let mut out = Vec::with_capacity(256);
                self.csv_line(&mut out, cells.into_iter());
                out
            }
            Format::Xlsx | Format::Html => Vec::new(),
            Format::Jsonl => {
                let mut line = Vec::with_capacity(1024 + 512 * match_count(result));
                self.json_row(info, result, lexicon).write(&mut line);
                line.push(b'\n');
                line
            }
        }
    }

    /// Writes the row to `w` as [`Layout::row`] makes it, a JSON Lines row a
    /// buffer of 1 MiB at a time: for rows too big to hold
    /// (a field of a million phrases), written to a temporary file.
    ///
    /// # Errors
    ///
    /// When writing to `w` fails.
    pub fn write_row(
        &self,
        info: &RowInfo<'_>,
        result: Result<&Classification, &str>,
        lexicon: &Lexicon,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        if self.format != Format::Jsonl {
            return w.write_all(&self.row(info, result, lexicon));
        }
        self.write_json_row(info, result, lexicon, ROW_CHUNK_BYTES, w)
    }

    /// [`Layout::write_row`] for JSON Lines, flushing every `chunk` bytes.
    fn write_json_row(
        &self,
        info: &RowInfo<'_>,
        result: Result<&Classification, &str>,
        lexicon: &Lexicon,
        chunk: usize,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let mut failed = None;
        let mut flush = |buf: &mut Vec<u8>| {
            if failed.is_none() {
                failed = w.write_all(buf).err();
            }
            buf.clear();
        };
        let mut line = Vec::with_capacity(chunk.saturating_add(64 * 1024).min(1 << 24));
        self.json_row(info, result, lexicon)
            .write_flushing(&mut line, chunk, &mut flush);
        line.push(b'\n');
        flush(&mut line);
        failed.map_or(Ok(()), Err)
    }

    /// Whether a row of `result` is big enough to write with
    /// [`Layout::write_row`] rather than hold: a JSON Lines row of more than
    /// 200,000 matches (about 300 bytes each).
    pub fn is_big_row(&self, result: Result<&Classification, &str>) -> bool {
        self.format == Format::Jsonl && match_count(result) > HELD_ROW_MATCHES
    }

    fn delimiter(&self) -> u8 {
        if self.format == Format::Tsv {
            b'\t'
        } else {
            self.dialect.delimiter
        }
    }

    /// Appends one CSV/TSV line of `cells` with its line ending.
    fn csv_line<'c>(&self, out: &mut Vec<u8>, cells: impl Iterator<Item = Cell<'c>>) {
        let d = self.delimiter();
        let mut n = 0;
        let mut only_empty = true;
        let mut scratch = String::new();
        for cell in cells {
            if n > 0 {
                out.push(d);
            }
            n += 1;
            match cell {
                Cell::Text(t) => {
                    only_empty &= t.is_empty();
                    let t = if self.dialect.guard_formulas {
                        guard_formula(&t)
                    } else {
                        Cow::Borrowed(t.as_ref())
                    };
                    push_csv_cell(out, t.as_bytes(), d);
                }
                Cell::Word(w) => {
                    only_empty = false;
                    push_csv_cell(out, w.as_bytes(), d);
                }
                Cell::Number(x, digits) => {
                    only_empty = false;
                    scratch.clear();
                    write_fixed(&mut scratch, x, digits);
                    if self.dialect.decimal_comma {
                        scratch = scratch.replace('.', ",");
                    }
                    push_csv_cell(out, scratch.as_bytes(), d);
                }
                Cell::Empty => {}
            }
        }
        if n == 1 && only_empty {
            // A record of one empty field must still be visible as a field.
            out.extend_from_slice(b"\"\"");
        }
        if self.dialect.crlf {
            out.push(b'\r');
        }
        out.push(b'\n');
    }

    /// The JSON Lines object of one row, serialized straight to the output
    /// (no intermediate `serde_json::Value`).
    fn json_row<'a>(
        &'a self,
        info: &'a RowInfo<'a>,
        result: Result<&'a Classification, &'a str>,
        lexicon: &'a Lexicon,
    ) -> JsonRow<'a> {
        let (label, verdict, evidence, error) = match result {
            Ok(c) => {
                let evidence = JsonEvidence::Of(EvidenceOf {
                    c,
                    lexicon,
                    fields: info.fields.iter().map(|f| f.as_ref()).collect(),
                    field_names: info.field_names,
                });
                (
                    c.verdict.label.as_str(),
                    Some(JsonVerdict::new(c)),
                    evidence,
                    None,
                )
            }
            Err(msg) => (
                Label::row_name(None),
                None,
                JsonEvidence::Items(Vec::new()),
                Some(msg),
            ),
        };
        JsonRow {
            schema_version: SCHEMA_VERSION,
            file: self.has_file.then(|| info.file.unwrap_or("")),
            row: info.row,
            id: info.id,
            label,
            verdict,
            lexicon: &self.lexicon_id,
            evidence,
            error,
            kept: (!self.kept_names.is_empty()).then_some(Kept {
                names: &self.kept_names,
                values: &info.kept,
            }),
            warnings: &info.warnings,
        }
    }
}

/// The verdict and score fields shared by JSON Lines and `check --json`.
pub fn verdict_fields(c: &Classification) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("label".into(), json!(c.verdict.label.as_str()));
    if let Ok(Value::Object(fields)) = serde_json::to_value(JsonVerdict::new(c)) {
        o.extend(fields);
    }
    o
}

/// Appends one CSV/TSV cell, quoted as the csv crate quotes when necessary (RFC 4180).
///
/// A cell is quoted when it holds the delimiter, `"`, `\r` or `\n`; quotes
/// inside are doubled. The bytes are the same as `csv::Writer` with its
/// defaults would write.
fn push_csv_cell(out: &mut Vec<u8>, cell: &[u8], delimiter: u8) {
    let needs_quotes = cell
        .iter()
        .any(|&b| b == delimiter || matches!(b, b'"' | b'\r' | b'\n'));
    if !needs_quotes {
        out.extend_from_slice(cell);
        return;
    }
    out.push(b'"');
    let mut rest = cell;
    while let Some(p) = rest.iter().position(|&b| b == b'"') {
        out.extend_from_slice(&rest[..=p]);
        out.push(b'"');
        rest = &rest[p + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// The full evidence array: one element per matched phrase, each with its matches.
///
/// Element fields: `phrase`, `role`, `category`, `weight`, `count`, `counted`
/// (matches that counted), `contribution` (to its role), `credit_other` (to the
/// other role, from colleague mentions), `matches`: `field`, `text` (the matched
/// original text), `start`/`end` (bytes) and `char_start`/`char_end`
/// (characters) in the original field, `snippet`, `mark` (`plain`, `self`,
/// `colleague`, `negated`).
pub fn evidence_json(
    c: &Classification,
    lexicon: &Lexicon,
    fields: &[&str],
    field_names: &[String],
) -> Value {
    serde_json::to_value(evidence_items(c, lexicon, fields, field_names))
        .unwrap_or_else(|_| Value::Array(Vec::new()))
}

/// One phrase of a posting's evidence: what matched, for which role, how much
/// it counted, and each match with its place in the text (the elements of the
/// JSON Lines `evidence` array).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvidenceItem<'a> {
    /// The lexicon phrase (its first form).
    pub phrase: &'a str,
    /// `po` or `pm`.
    pub role: &'static str,
    /// The lexicon category of the phrase.
    pub category: &'a str,
    /// The phrase's weight in the lexicon.
    pub weight: f64,
    /// Matches found.
    pub count: usize,
    /// Matches that counted for the role (not colleague or negated).
    pub counted: usize,
    /// What the phrase added to its role's score.
    pub contribution: f64,
    /// What its colleague mentions credited to the other role.
    pub credit_other: f64,
    /// Every match, in text order.
    pub matches: Vec<MatchItem<'a>>,
}

/// One match of an evidence phrase.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MatchItem<'a> {
    /// The field it was found in (a column name, or `title`).
    pub field: &'a str,
    /// The matched words as they appear in the original text.
    pub text: &'a str,
    /// Byte offset of the match in the original field.
    pub start: usize,
    /// Byte offset just past the match.
    pub end: usize,
    /// Character (Unicode scalar) offset of the match.
    pub char_start: usize,
    /// Character offset just past the match.
    pub char_end: usize,
    /// The match with some context around it, on one line.
    pub snippet: String,
    /// `plain`, `self`, `colleague` or `negated`.
    pub mark: &'static str,
}

/// Bytes of a big JSON Lines row built in memory before they are written on
/// (see [`Layout::write_row`]).
pub(crate) const ROW_CHUNK_BYTES: usize = 1 << 20;

/// JSON Lines rows with more matches than this are written a chunk at a time
/// rather than held whole ([`Layout::is_big_row`]): about 60 MB of JSON.
pub(crate) const HELD_ROW_MATCHES: usize = 200_000;

/// The number of matches in `result`'s evidence.
fn match_count(result: Result<&Classification, &str>) -> usize {
    result.map_or(0, |c| {
        c.score.evidence.iter().map(|e| e.occurrences.len()).sum()
    })
}

/// The evidence of `c` as items: `fields` are the posting's fields in the
/// order evidence numbers them (texts, then the title), `field_names` their names.
pub fn evidence_items<'a>(
    c: &'a Classification,
    lexicon: &'a Lexicon,
    fields: &[&'a str],
    field_names: &'a [String],
) -> Vec<EvidenceItem<'a>> {
    let chars = CharOffsets::new(fields, match_positions(c));
    c.score
        .evidence
        .iter()
        .map(|ev| EvidenceItem {
            matches: ev
                .occurrences
                .iter()
                .map(|o| {
                    let text = fields.get(o.field).copied().unwrap_or("");
                    let item = match_item(o, fields, field_names, &chars, String::new());
                    MatchItem {
                        snippet: snippet(text, o.start, o.end),
                        ..item
                    }
                })
                .collect(),
            ..evidence_head(ev, lexicon)
        })
        .collect()
}

/// The item of one evidence phrase, with no matches yet.
pub(crate) fn evidence_head<'a>(ev: &'a Evidence, lexicon: &'a Lexicon) -> EvidenceItem<'a> {
    let entry = lexicon.entry(ev.entry);
    EvidenceItem {
        phrase: entry.phrase(),
        role: ev.role.as_str(),
        category: lexicon.categories()[entry.category()].name(),
        weight: entry.weight(),
        count: ev.count(),
        counted: ev.count() - ev.count_marked(Mark::Colleague) - ev.count_marked(Mark::Negated),
        contribution: round(ev.contribution, 3),
        credit_other: round(ev.credit_other, 3),
        matches: Vec::new(),
    }
}

/// The end of every match of `c` as `(field, byte)`: how far [`CharOffsets`] must count.
pub(crate) fn match_positions(c: &Classification) -> impl Iterator<Item = (usize, usize)> + '_ {
    c.score
        .evidence
        .iter()
        .flat_map(|ev| &ev.occurrences)
        .map(|o| (o.field, o.end.max(o.start)))
}

/// One match of a posting as an item with `snippet`.
pub(crate) fn match_item<'a>(
    o: &Occurrence,
    fields: &[&'a str],
    field_names: &'a [String],
    chars: &CharOffsets<'_>,
    snippet: String,
) -> MatchItem<'a> {
    let text = fields.get(o.field).copied().unwrap_or("");
    MatchItem {
        field: field_names.get(o.field).map_or("text", String::as_str),
        text: text.get(o.start..o.end).unwrap_or(""),
        start: o.start,
        end: o.end,
        char_start: chars.get(o.field, o.start),
        char_end: chars.get(o.field, o.end),
        snippet,
        mark: o.mark.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Classifier;
    use crate::output::evidence_cell::tests::lex;

    fn classify(text: &str) -> (Classification, Lexicon) {
        let c = Classifier::new(lex()).unwrap();
        (c.classify_text(text), c.lexicon().clone())
    }

    #[test]
    fn compact_evidence_counts_and_marks() {
        let (c, lex) = classify(
            "Product backlog, product backlog, user stories. You work with the Product Manager.",
        );
        assert_eq!(
            compact_evidence(&c, &lex, Role::Po),
            "product backlog×2; user stories×1"
        );
        assert_eq!(
            compact_evidence(&c, &lex, Role::Pm),
            "product manager×1 (colleague)"
        );
    }

    #[test]
    fn csv_rows_have_fixed_columns_and_renamed_collisions() {
        let (c, lex) = classify("product backlog");
        let layout = Layout::new(Format::Csv, &["label".into(), "title".into()], false, &lex);
        assert_eq!(
            String::from_utf8(layout.header()).unwrap(),
            "label_input,title,id,label,confidence,lean,content_lean,self_role,mismatch,language,po_score,pm_score,po_evidence,pm_evidence,error\n"
        );
        let info = RowInfo {
            file: None,
            id: "7",
            row: 1,
            kept: vec!["x".into(), "A, B".into()],
            fields: vec!["product backlog".into()],
            field_names: &[],
            warnings: vec![],
        };
        let row = String::from_utf8(layout.row(&info, Ok(&c), &lex)).unwrap();
        assert_eq!(
            row,
            "x,\"A, B\",7,unclear,0.800,-1.000,-1.000,,false,other,3.00,0.00,product backlog×1,,\n"
        );
        let row = String::from_utf8(layout.row(&info, Err("no text"), &lex)).unwrap();
        assert_eq!(row, "x,\"A, B\",7,error,,,,,,,,,,,no text\n");
    }

    #[test]
    fn json_evidence_offsets_slice_the_original() {
        let text = "<p>Über Product&nbsp;Backlog</p>";
        let (c, lex) = classify(text);
        let ev = evidence_json(&c, &lex, &[text], &["description".into()]);
        let m = &ev[0]["matches"][0];
        let (s, e) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], m["text"].as_str().unwrap());
        assert_eq!(m["char_start"], 8);
        assert_eq!(s, 9);
        assert_eq!(m["mark"], "plain");
    }

    #[test]
    fn json_rows_written_from_the_classification_are_serde_json_of_their_items() {
        let long = "Produktmanagement für die Straße — ".repeat(20);
        let texts = [
            format!("<p>Über Product&nbsp;Backlog</p>\n\n  user stories \"quoted\" \\ {long} product backlog\t\u{1}"),
            format!("{long}\r\n\u{3000} Product  Manager\u{a0}\u{a0}here, no product manager, work with the product manager. 😀 user stories"),
            "product backlog".to_string(),
            format!("{}product backlog{}", "x ".repeat(31), "\u{2003} ".repeat(40)),
            String::new(),
        ];
        let (_, lex) = classify("");
        let names = ["description".to_string(), "title".to_string()];
        let layout = Layout::new(Format::Jsonl, &[], false, &lex);
        let mut matches = 0;
        for (i, text) in texts.iter().enumerate() {
            let title = texts[(i + 1) % texts.len()].clone();
            let c = Classifier::new(lex.clone())
                .unwrap()
                .classify(&crate::classify::Posting {
                    title: Some(&title),
                    texts: vec![text.as_str()],
                });
            matches += c.score.evidence.iter().map(Evidence::count).sum::<usize>();
            let info = RowInfo {
                file: None,
                id: "7",
                row: 1,
                kept: vec![],
                fields: vec![text.as_str().into(), title.as_str().into()],
                field_names: &names,
                warnings: vec![],
            };
            let mut want = serde_json::to_vec(&layout.json_row(&info, Ok(&c), &lex)).unwrap();
            want.push(b'\n');
            assert_eq!(
                String::from_utf8(layout.row(&info, Ok(&c), &lex)).unwrap(),
                String::from_utf8(want.clone()).unwrap()
            );
            // Written a chunk at a time, cut anywhere between matches: the same bytes.
            for chunk in [1, 200, usize::MAX] {
                let mut written = Vec::new();
                layout
                    .write_json_row(&info, Ok(&c), &lex, chunk, &mut written)
                    .unwrap();
                assert_eq!(written, want, "chunk {chunk}");
            }
        }
        assert!(matches >= 12, "{matches}");
    }

    #[test]
    fn a_failed_write_of_a_big_row_is_an_error() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let (c, lex) = classify("Own the product backlog and write user stories.");
        let names = ["description".to_string()];
        let info = RowInfo {
            file: None,
            id: "1",
            row: 1,
            kept: vec![],
            fields: vec!["Own the product backlog and write user stories.".into()],
            field_names: &names,
            warnings: vec![],
        };
        let layout = Layout::new(Format::Jsonl, &[], false, &lex);
        let err = layout
            .write_json_row(&info, Ok(&c), &lex, 1, &mut Full)
            .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert!(!layout.is_big_row(Ok(&c)));
    }

    #[test]
    fn cells_are_quoted_like_the_csv_crate() {
        let cells = [
            "",
            "plain",
            "a,b",
            "a\tb",
            "say \"hi\"",
            "\"",
            "line\nbreak",
            "cr\r",
            "×; é",
            " lead",
            "a;b|c",
        ];
        for delimiter in [b',', b'\t'] {
            let mut w = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(Vec::new());
            w.write_record(cells).unwrap();
            let want = w.into_inner().unwrap();
            let mut got = Vec::new();
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    got.push(delimiter);
                }
                push_csv_cell(&mut got, c.as_bytes(), delimiter);
            }
            got.push(b'\n');
            assert_eq!(String::from_utf8(got), String::from_utf8(want));
        }
    }
}
