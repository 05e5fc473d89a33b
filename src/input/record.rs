//! The records every input format hands out, and the column lookups shared by all.
//!
//! A [`Record`] is one posting's raw fields (split on the worker that
//! classifies it, for CSV); a [`Header`] holds the column names and finds
//! columns by name or number; [`ReadOptions`] are what the user chose on the
//! command line. [`RecordReader`] is what a non-CSV reader implements.

use std::borrow::Cow;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::input::csv_split::split_fields_in_place;
use crate::input::decode::EncodingChoice;
use crate::input::format::InputFormat;
use crate::input::json_array::ElementPlace;
use crate::input::zip_limits::ZipLimits;

/// Header names (lower case, letters and digits only) taken as the text
/// column, in order: English, then German, French and Dutch exports.
pub const TEXT_COLUMN_NAMES: &[&str] = &[
    "description",
    "jobdescription",
    "descriptiontext",
    "fulldescription",
    "text",
    "body",
    "content",
    "details",
    "jobdetails",
    // German
    "beschreibung",
    "stellenbeschreibung",
    "jobbeschreibung",
    "stellenanzeige",
    "anzeigentext",
    "stellentext",
    // French
    "descriptionduposte",
    "descriptiondeposte",
    "descriptiondeloffre",
    "descriptiondoffre",
    "texte",
    "contenu",
    // Dutch
    "omschrijving",
    "functieomschrijving",
    "vacatureomschrijving",
    "beschrijving",
    "vacaturetekst",
    "tekst",
    "inhoud",
];

/// Words that make a header the text column when only one header holds one
/// as a whole word (`job_description_text`, `Job Description (full)`).
pub const TEXT_HEADER_WORDS: &[&str] = &[
    "description",
    "beschreibung",
    "stellenbeschreibung",
    "omschrijving",
    "functieomschrijving",
    "beschrijving",
];

/// Keys inside a text object of a JSON input that hold its text
/// (`{"content": {"plain": ...}}`), after [`TEXT_COLUMN_NAMES`].
pub const NESTED_TEXT_NAMES: &[&str] = &["plain", "plaintext", "html", "value"];

/// Header names taken as the title column, in order.
pub const TITLE_COLUMN_NAMES: &[&str] = &[
    "title",
    "jobtitle",
    "positiontitle",
    "position",
    "positionname",
    // German
    "titel",
    "stellentitel",
    "jobtitel",
    "stellenbezeichnung",
    "berufsbezeichnung",
    // French
    "intitulé",
    "intitule",
    "intituléduposte",
    "intituleduposte",
    "titre",
    "titreduposte",
    // Dutch
    "functietitel",
    "functienaam",
    "vacaturetitel",
];

/// Words that make a header the title column when only one header holds one.
pub const TITLE_HEADER_WORDS: &[&str] = &[
    "title",
    "titel",
    "titre",
    "intitulé",
    "intitule",
    "functietitel",
    "stellentitel",
];

/// Header names taken as the id column, in order.
pub const ID_COLUMN_NAMES: &[&str] = &["id", "jobid", "postingid", "jobpostingid"];

/// Delimiters considered by auto-detection.
pub const DELIMITER_CANDIDATES: &[u8] = b",;\t|";

/// Characters of a column name shown in a message's list of columns.
pub const LISTED_NAME_CHARS: usize = 60;

/// Columns shown in a message's list of columns.
pub const LISTED_COLUMNS: usize = 50;

/// Records per batch handed to the worker threads.
pub const BATCH_SIZE: usize = 256;

/// A reused record whose buffers have held more bytes than this gets fresh
/// ones: otherwise every slot of every batch would keep the capacity of
/// the longest posting it ever carried, and memory would creep up with the
/// size of the input.
pub const RECORD_KEEP_BYTES: usize = 4 * 1024;

/// A worker thread's field buffer (see [`Record::with_fields`]) is given
/// back when a record has grown it beyond this.
pub const THREAD_FIELDS_KEEP_BYTES: usize = 1 << 20;

thread_local! {
    /// The field buffer [`Record::with_fields`] lends to the records this
    /// thread splits, and the bytes of fields it was made to hold.
    static THREAD_FIELDS: std::cell::RefCell<(csv::ByteRecord, usize)> =
        std::cell::RefCell::new((csv::ByteRecord::new(), 0));
}

/// A column chosen by the user: by header name, or by 1-based number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnSel {
    /// A header name (matched case-insensitively).
    Name(String),
    /// A 1-based column number.
    Index(usize),
}

impl ColumnSel {
    /// Parses a user's column: all digits is a 1-based number, anything else a name.
    pub fn parse(s: &str) -> ColumnSel {
        match s.trim().parse::<usize>() {
            Ok(n) if n > 0 => ColumnSel::Index(n),
            _ => ColumnSel::Name(s.trim().to_string()),
        }
    }
}

/// How to read an input.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The field delimiter; `None` detects it from the first line.
    pub delimiter: Option<u8>,
    /// Whether the first line (CSV) or row (workbook) is a header row; JSON ignores it.
    pub has_headers: bool,
    /// The text encoding of CSV, TSV and JSON inputs.
    pub encoding: EncodingChoice,
    /// The input format; `None` picks it from the file extension (stdin: CSV).
    pub format: Option<InputFormat>,
    /// The worksheet of a workbook input; `None` is the first.
    pub sheet: Option<String>,
    /// How far the parts of a workbook input may inflate (decompression bombs).
    pub zip_limits: ZipLimits,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: None,
            has_headers: true,
            encoding: EncodingChoice::Auto,
            format: None,
            sheet: None,
            zip_limits: ZipLimits::default(),
        }
    }
}

/// One data record with its place in the input.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// The raw fields (UTF-8, except for invalid bytes in a UTF-8 input).
    pub fields: csv::ByteRecord,
    /// 1-based data row number (the header is not counted).
    pub row: u64,
    /// Where the record starts: the 1-based line (CSV, JSON Lines), sheet row
    /// (workbook), or element number (JSON array).
    pub line: u64,
    /// Why this record could not be read (a JSON Lines line that is not an
    /// object, ...): it has no fields and becomes an `error` row.
    pub error: Option<String>,
    /// The record's bytes as read (a CSV record, a JSON Lines line), until
    /// [`Record::split`] makes its fields.
    pub(crate) raw: Vec<u8>,
    /// How to make the fields from `raw`, while they are not yet made.
    pub(crate) unsplit: Option<Deferred>,
    /// The most bytes this record's buffers have held since they were allocated.
    held: usize,
    /// Bytes of fields `fields` was made to hold (its capacity may be more).
    fields_room: usize,
}

/// How a record read with its fields deferred gets them (see [`Record::split`]).
#[derive(Clone, Debug)]
pub(crate) enum Deferred {
    /// A CSV record: split at this delimiter.
    Csv(u8),
    /// A JSON Lines line: parsed, and its values read at these key paths.
    JsonLine(Arc<[Vec<String>]>),
    /// An element of a JSON array, at this place: as a line.
    JsonElement(Arc<[Vec<String>]>, ElementPlace),
}

impl Record {
    /// Readies a reused record for the next one: a buffer that has held more
    /// than [`RECORD_KEEP_BYTES`] is given back and a fresh one started.
    pub(crate) fn recycle(&mut self) {
        if self.held > RECORD_KEEP_BYTES {
            self.fields = csv::ByteRecord::new();
            self.fields_room = 0;
            self.raw = Vec::new();
            self.held = 0;
        }
        self.unsplit = None;
    }

    /// Notes how many bytes the buffers hold now (see [`Record::recycle`]).
    pub(crate) fn note_size(&mut self) {
        self.held = self
            .held
            .max(self.fields.as_slice().len())
            .max(self.raw.len());
    }

    /// Runs `f` on the record with its fields split, in a buffer the current
    /// thread keeps from record to record (a record read split already is
    /// passed as it is). Afterwards the record holds no fields: so the field
    /// buffers in memory are one per worker thread, not one per record slot.
    pub fn with_fields<T>(&mut self, f: impl FnOnce(&Record) -> T) -> T {
        if self.unsplit.is_none() {
            return f(self);
        }
        // Swapped in and out, not taken: an empty `ByteRecord` is a heap
        // allocation (two a record, when taken).
        let swap = |rec: &mut Record| {
            THREAD_FIELDS.with(|b| {
                let mut lent = b.borrow_mut();
                std::mem::swap(&mut rec.fields, &mut lent.0);
                std::mem::swap(&mut rec.fields_room, &mut lent.1);
            });
        };
        swap(self);
        self.split();
        let out = f(self);
        swap(self);
        THREAD_FIELDS.with(|b| {
            let mut kept = b.borrow_mut();
            if kept.1 > THREAD_FIELDS_KEEP_BYTES
                || kept.0.as_slice().len() > THREAD_FIELDS_KEEP_BYTES
            {
                *kept = (csv::ByteRecord::new(), 0);
            }
            kept.0.clear();
        });
        self.fields.clear();
        out
    }

    /// Makes the fields of a record read by `Source::read_batch_deferred`:
    /// splits a CSV record, parses a JSON Lines line or array element (one
    /// that is not an object becomes an error record, as when read on the
    /// reading thread);
    /// a record whose fields are already there is left as it is.
    ///
    /// CSV bytes are unescaped in place; the field buffer is made to the
    /// record's size when it was made for less, and a long record's raw
    /// bytes are given back once split: a huge field is held twice only
    /// while it is copied into its field.
    pub fn split(&mut self) {
        match self.unsplit.take() {
            Some(Deferred::Csv(delimiter)) => self.split_csv(delimiter),
            Some(Deferred::JsonLine(keys)) => crate::input::json::fill_line(self, &keys),
            Some(Deferred::JsonElement(keys, place)) => {
                crate::input::json::fill_element(self, &keys, place);
            }
            None => {}
        }
    }

    /// Splits the CSV record in `raw` into its fields.
    fn split_csv(&mut self, delimiter: u8) {
        if self.raw.len() > self.fields_room {
            // Made once to the record's size (its fields are no longer): a
            // long field is not copied again and again as the buffer doubles.
            // A thread's buffer grows so only at a record longer than any before.
            self.fields = csv::ByteRecord::with_capacity(self.raw.len(), 8);
            self.fields_room = self.raw.len();
        }
        split_fields_in_place(&mut self.raw, delimiter, &mut self.fields);
        if self.raw.len() > RECORD_KEEP_BYTES {
            self.held = self.held.max(self.raw.len());
            self.raw = Vec::new();
        }
    }
}

/// The header row of an input: column names, and columns found by name or number.
#[derive(Clone, Debug, Default)]
pub struct Header {
    source: String,
    pub(crate) names: Vec<String>,
}

impl Header {
    /// The header `names` of the input called `source` (for messages); empty without one.
    pub fn new(source: &str, names: Vec<String>) -> Header {
        Header {
            source: source.to_string(),
            names,
        }
    }

    /// The name of the input, for messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The column names (empty without a header row).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The 0-based index of a user-chosen column.
    ///
    /// # Errors
    ///
    /// When no header has that name, or the number is beyond the header; the
    /// message lists the columns that exist and names `flag`.
    pub fn resolve(&self, sel: &ColumnSel, flag: &str) -> Result<usize> {
        match sel {
            ColumnSel::Index(n) => {
                if self.names.is_empty() || *n <= self.names.len() {
                    Ok(n - 1)
                } else {
                    Err(Error::usage(format!(
                        "{}: {flag} {n} is beyond the {} columns of the header ({})",
                        self.source,
                        self.names.len(),
                        self.column_list()
                    )))
                }
            }
            ColumnSel::Name(name) => self
                .names
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    Error::usage(format!(
                        "{}: no column named {name:?} for {flag}; the columns are: {}",
                        self.source,
                        self.column_list()
                    ))
                }),
        }
    }

    /// The first column whose folded header name is in `names` (tried in order).
    pub fn find_column(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|want| self.names.iter().position(|h| fold_header(h) == *want))
    }

    /// The header as a readable list, for messages: each name cut at 60
    /// characters (a header that is not one, such as binary read as text,
    /// would fill the screen), and at most 50 columns.
    pub fn column_list(&self) -> String {
        if self.names.is_empty() {
            return "(no header row)".to_string();
        }
        let mut list: Vec<String> = self
            .names
            .iter()
            .take(LISTED_COLUMNS)
            .enumerate()
            .map(|(i, h)| match h.char_indices().nth(LISTED_NAME_CHARS) {
                Some((cut, _)) => format!("{}={:?}…", i + 1, &h[..cut]),
                None => format!("{}={h:?}", i + 1),
            })
            .collect();
        if self.names.len() > LISTED_COLUMNS {
            list.push(format!("… ({} columns in all)", self.names.len()));
        }
        list.join(", ")
    }
}

/// Lower-case letters and digits of a header name (`Job Description` → `jobdescription`).
pub fn fold_header(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Decodes a field as UTF-8; invalid bytes become U+FFFD, and the flag says whether any did.
pub fn decode_field(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => (String::from_utf8_lossy(bytes), true),
    }
}

/// Hands out the records of a non-CSV input one at a time.
pub(crate) trait RecordReader: Send {
    /// Fills `rec.fields`, `rec.line` and `rec.error` with the next record;
    /// `false` at the end of the input.
    fn next_record(&mut self, rec: &mut Record) -> Result<bool>;

    /// Like [`RecordReader::next_record`], but the record may come with its
    /// fields deferred (made by [`Record::split`] on the worker).
    fn next_record_deferred(&mut self, rec: &mut Record) -> Result<bool> {
        self.next_record(rec)
    }

    /// Adds a column read at a dotted path into nested values
    /// (`job.description`), after the header's columns; `false` when this
    /// input has no such path (or no nested values at all).
    fn add_column(&mut self, _dotted: &str) -> bool {
        false
    }
}

/// What a non-CSV reader found when opened: its header and its records.
pub(crate) struct Opened {
    /// The column names (keys of the first JSON object, first sheet row).
    pub header: Vec<String>,
    /// Number of columns.
    pub width: usize,
    /// Dotted paths one level down in the first record (`job.description`),
    /// for inputs with nested values.
    pub nested: Vec<String>,
    /// The records.
    pub reader: Box<dyn RecordReader>,
}
