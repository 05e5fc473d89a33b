//! Reading postings: CSV from a file or stdin, columns found by name or number.
//!
//! Records are read as raw bytes (`csv::ByteRecord`), so invalid UTF-8 never
//! stops a run: [`decode_field`] replaces bad bytes with U+FFFD and says so.
//! Rows may be ragged (fewer or more fields than the header); the caller
//! decides what a short row means. A UTF-8 byte order mark is skipped, and the
//! delimiter is detected from the header line unless given.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};

/// Header names (lower case, letters and digits only) taken as the text column, in order.
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
];

/// Header names taken as the title column, in order.
pub const TITLE_COLUMN_NAMES: &[&str] = &[
    "title",
    "jobtitle",
    "positiontitle",
    "position",
    "positionname",
];

/// Header names taken as the id column, in order.
pub const ID_COLUMN_NAMES: &[&str] = &["id", "jobid", "postingid", "jobpostingid"];

/// Delimiters considered by auto-detection.
pub const DELIMITER_CANDIDATES: &[u8] = b",;\t|";

/// Records per batch handed to the worker threads.
pub const BATCH_SIZE: usize = 256;

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

/// How to read a CSV input.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The field delimiter; `None` detects it from the first line.
    pub delimiter: Option<u8>,
    /// Whether the first line is a header row.
    pub has_headers: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: None,
            has_headers: true,
        }
    }
}

/// One data record with its place in the input.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// The raw fields.
    pub fields: csv::ByteRecord,
    /// 1-based data row number (the header is not counted).
    pub row: u64,
    /// 1-based line in the file where the record starts.
    pub line: u64,
}

/// Passes bytes through, counting the quote characters (`"`) seen.
///
/// In well-formed CSV every quote is paired (open/close, or doubled inside a
/// field), so an odd count at the end means an unclosed quote or a stray one.
struct QuoteCounter<R> {
    inner: R,
    quotes: u64,
}

impl<R: Read> Read for QuoteCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.quotes += buf[..n].iter().filter(|&&b| b == b'"').count() as u64;
        Ok(n)
    }
}

/// An open CSV input.
pub struct CsvSource {
    name: String,
    reader: csv::Reader<QuoteCounter<Box<dyn Read + Send>>>,
    last_line: u64,
    /// Without headers: the first record, read ahead to learn the width.
    pending: Option<csv::ByteRecord>,
    width: usize,
    headers: Vec<String>,
    delimiter: u8,
    rows: u64,
}

impl std::fmt::Debug for CsvSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvSource")
            .field("name", &self.name)
            .field("headers", &self.headers)
            .finish()
    }
}

impl CsvSource {
    /// Opens `path` (`-` for stdin).
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or read, or is empty.
    pub fn open(path: &str, opts: &ReadOptions) -> Result<CsvSource> {
        if path == "-" {
            let stdin: Box<dyn Read + Send> = Box::new(io::stdin());
            CsvSource::from_reader("<stdin>", stdin, opts)
        } else {
            let file = File::open(path).map_err(|e| Error::io(path, e))?;
            let mut opts = opts.clone();
            if opts.delimiter.is_none() && has_extension(path, "tsv") {
                opts.delimiter = Some(b'\t');
            }
            CsvSource::from_reader(path, Box::new(file), &opts)
        }
    }

    /// Reads CSV from any reader; `name` is used in messages.
    ///
    /// # Errors
    ///
    /// When the reader fails, or the input is empty.
    pub fn from_reader(
        name: &str,
        inner: Box<dyn Read + Send>,
        opts: &ReadOptions,
    ) -> Result<CsvSource> {
        let mut buf = BufReader::with_capacity(1 << 16, inner);
        let head = buf.fill_buf().map_err(|e| Error::io(name, e))?;
        if head.starts_with(b"\xef\xbb\xbf") {
            buf.consume(3);
        }
        let head = buf.fill_buf().map_err(|e| Error::io(name, e))?;
        if head.is_empty() {
            return Err(Error::csv(
                name,
                None,
                "the input is empty: expected a CSV with a header row and one posting per row",
            ));
        }
        let delimiter = opts.delimiter.unwrap_or_else(|| sniff_delimiter(head));
        let boxed: Box<dyn Read + Send> = Box::new(buf);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(QuoteCounter {
                inner: boxed,
                quotes: 0,
            });
        let mut headers = Vec::new();
        let mut pending = None;
        let mut width = 0;
        if !opts.has_headers {
            let mut rec = csv::ByteRecord::new();
            if reader
                .read_byte_record(&mut rec)
                .map_err(|e| csv_error(name, e))?
            {
                width = rec.len();
                pending = Some(rec);
            }
        }
        if opts.has_headers {
            let mut rec = csv::ByteRecord::new();
            let has = reader
                .read_byte_record(&mut rec)
                .map_err(|e| csv_error(name, e))?;
            if !has {
                return Err(Error::csv(name, Some(1), "the input has no header row"));
            }
            headers = rec
                .iter()
                .map(|f| String::from_utf8_lossy(f).trim().to_string())
                .collect();
        }
        let width = width.max(headers.len());
        Ok(CsvSource {
            name: name.to_string(),
            reader,
            headers,
            delimiter,
            rows: 0,
            last_line: 0,
            width,
            pending,
        })
    }

    /// The input's name for messages (`<stdin>` or the path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header names (empty without headers).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Number of columns: of the header, or without one, of the first record.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The delimiter in use.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
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
                if self.headers.is_empty() || *n <= self.headers.len() {
                    Ok(n - 1)
                } else {
                    Err(Error::usage(format!(
                        "{}: {flag} {n} is beyond the {} columns of the header ({})",
                        self.name,
                        self.headers.len(),
                        self.column_list()
                    )))
                }
            }
            ColumnSel::Name(name) => self
                .headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    Error::usage(format!(
                        "{}: no column named {name:?} for {flag}; the columns are: {}",
                        self.name,
                        self.column_list()
                    ))
                }),
        }
    }

    /// The first column whose folded header name is in `names` (tried in order).
    pub fn find_column(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|want| self.headers.iter().position(|h| fold_header(h) == *want))
    }

    /// The header as a readable list, for messages.
    pub fn column_list(&self) -> String {
        if self.headers.is_empty() {
            return "(no header row)".to_string();
        }
        self.headers
            .iter()
            .enumerate()
            .map(|(i, h)| format!("{}={h:?}", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Fills `batch` with up to [`BATCH_SIZE`] records, reusing its allocations.
    ///
    /// Returns `false` once the input is exhausted (the batch may still hold records).
    ///
    /// # Errors
    ///
    /// When reading fails; the message names the file and line.
    pub fn read_batch(&mut self, batch: &mut Vec<Record>) -> Result<bool> {
        let mut n = 0;
        while n < BATCH_SIZE {
            if n == batch.len() {
                batch.push(Record::default());
            }
            let rec = &mut batch[n];
            let has = match self.pending.take() {
                Some(first) => {
                    rec.fields = first;
                    true
                }
                None => self
                    .reader
                    .read_byte_record(&mut rec.fields)
                    .map_err(|e| csv_error(&self.name, e))?,
            };
            if !has {
                batch.truncate(n);
                return Ok(false);
            }
            self.rows += 1;
            rec.row = self.rows;
            rec.line = rec.fields.position().map_or(0, |p| p.line());
            self.last_line = rec.line;
            n += 1;
        }
        batch.truncate(n);
        Ok(true)
    }
}

impl CsvSource {
    /// After the input is read: when its quote characters are unbalanced, the
    /// line of the last record, which may have swallowed the rows after an
    /// unclosed quote.
    pub fn unbalanced_quote_line(&self) -> Option<u64> {
        (self.reader.get_ref().quotes % 2 == 1).then_some(self.last_line.max(1))
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

/// Picks the delimiter that occurs most in the first line, outside quotes (`,` on a tie).
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for &b in head {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            _ if !in_quotes => {
                if let Some(i) = DELIMITER_CANDIDATES.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for i in 1..counts.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    DELIMITER_CANDIDATES[best]
}

fn has_extension(path: &str, ext: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn csv_error(name: &str, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(err) => Error::io(name, err),
        other => Error::csv(name, line, format!("cannot read CSV: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> CsvSource {
        CsvSource::from_reader(
            "t.csv",
            Box::new(io::Cursor::new(text.as_bytes().to_vec())),
            &ReadOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a,b\";c|d|e\n"), b'|');
        assert_eq!(sniff_delimiter(b"abc\n"), b',');
    }

    #[test]
    fn skips_bom_and_finds_columns() {
        let s = src("\u{feff}ID;Job Description;Title\n1;text;t\n");
        assert_eq!(s.headers(), ["ID", "Job Description", "Title"]);
        assert_eq!(s.delimiter(), b';');
        assert_eq!(s.find_column(TEXT_COLUMN_NAMES), Some(1));
        assert_eq!(s.find_column(ID_COLUMN_NAMES), Some(0));
        assert_eq!(s.resolve(&ColumnSel::parse("title"), "--x").unwrap(), 2);
        assert_eq!(s.resolve(&ColumnSel::parse("2"), "--x").unwrap(), 1);
        let e = s
            .resolve(&ColumnSel::parse("body"), "--text-col")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("Job Description") && e.contains("--text-col"),
            "{e}"
        );
    }

    #[test]
    fn reads_ragged_rows_in_batches() {
        let mut s = src("a,b\n1,2\n3\n4,5,6\n");
        let mut batch = Vec::new();
        assert!(!s.read_batch(&mut batch).unwrap());
        assert_eq!(batch.len(), 3);
        assert_eq!(batch[1].fields.len(), 1);
        assert_eq!((batch[2].row, batch[2].line), (3, 4));
    }

    #[test]
    fn detects_unbalanced_quotes() {
        let mut s = src("a,b\n1,\"x\"\"y\"\n2,\"open\n3,z\n");
        let mut batch = Vec::new();
        s.read_batch(&mut batch).unwrap();
        assert_eq!(batch.len(), 2, "the unclosed quote swallows the last line");
        assert_eq!(s.unbalanced_quote_line(), Some(3));
        let mut ok = src("a,b\n1,\"x\"\"y\"\n");
        ok.read_batch(&mut batch).unwrap();
        assert_eq!(ok.unbalanced_quote_line(), None);
    }

    #[test]
    fn empty_input_is_an_error() {
        let e = CsvSource::from_reader("e.csv", Box::new(io::empty()), &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("e.csv: the input is empty"), "{e}");
    }

    #[test]
    fn decodes_invalid_utf8() {
        let (s, bad) = decode_field(b"ab\xffc");
        assert_eq!((s.as_ref(), bad), ("ab\u{fffd}c", true));
    }
}
