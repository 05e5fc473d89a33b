//! [`Source`]: one open input of any format, read in batches of records.
//!
//! [`Source`] opens CSV or TSV ([`CsvSource`]), JSON Lines or a JSON array of
//! objects ([`crate::input::json`]), or an `.xlsx` workbook
//! ([`crate::input::xlsx`]), and hands out the same [`Record`]s and [`Header`]
//! lookups for all of them. The format comes from `--input-format`, else from
//! the file extension ([`InputFormat::from_path`]); stdin's from its first
//! bytes ([`InputFormat::from_content`]).
//!
//! Every format streams in batches: CSV, TSV and JSON Lines record by record,
//! a JSON array element by element, a workbook's sheet row by row.

use std::fs::File;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::input::csv::CsvSource;
use crate::input::format::InputFormat;
use crate::input::record::{
    ColumnSel, Header, Opened, ReadOptions, Record, RecordReader, BATCH_SIZE,
};

/// A JSON or workbook input, turned into records.
struct RecordSource {
    format: InputFormat,
    header: Header,
    width: usize,
    note: Option<String>,
    /// Dotted paths one level down in the first record (JSON).
    nested: Vec<String>,
    reader: Box<dyn RecordReader>,
    rows: u64,
}

enum Inner {
    Csv(Box<CsvSource>),
    Records(RecordSource),
}

/// An open input of any format: the records and the columns of one file or stdin.
pub struct Source {
    name: String,
    inner: Inner,
    /// Whether the format was told from the first bytes (stdin without `--input-format`).
    is_sniffed: bool,
    /// Raw bytes of the file read so far (shared with its reader), for progress.
    bytes_read: Arc<AtomicU64>,
}

/// Passes bytes through, counting them.
struct CountingReader {
    inner: Box<dyn Read + Send>,
    count: Arc<AtomicU64>,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("format", &self.format())
            .field("headers", &self.headers())
            .finish()
    }
}

impl Source {
    /// Opens `path` (`-` for stdin) in `opts.format`, or the format its extension implies.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or read, is empty, is not valid in its
    /// format, or (workbook) has no sheet named `opts.sheet`.
    pub fn open(path: &str, opts: &ReadOptions) -> Result<Source> {
        let counter = Arc::new(AtomicU64::new(0));
        if opts.format.is_none() && path == "-" {
            let mut stdin: Box<dyn Read + Send> = Box::new(io::stdin());
            let (head, format) = sniff_format(&mut stdin, "<stdin>")?;
            let reader = Box::new(CountingReader {
                inner: Box::new(io::Cursor::new(head).chain(stdin)),
                count: Arc::clone(&counter),
            });
            let mut source = Source::from_reader("<stdin>", reader, format, opts)?;
            source.bytes_read = counter;
            source.is_sniffed = true;
            return Ok(source);
        }
        let format = match opts.format {
            Some(f) => f,
            None => format_of_file(path)?,
        };
        let mut source = match format {
            // A regular file can seek: only the parts of the zip that are needed
            // are read. Stdin and pipes are read into memory first, below.
            #[cfg(feature = "xlsx")]
            InputFormat::Xlsx if path != "-" && is_regular_file(path) => {
                let file = File::open(path).map_err(|e| Error::io(path, e))?;
                let len = file.metadata().map_or(0, |m| m.len());
                let opened = crate::input::xlsx::open_workbook(
                    path,
                    io::BufReader::new(file),
                    opts.sheet.as_deref(),
                    opts.has_headers,
                    opts.zip_limits,
                )?;
                // The zip is read by parts, not front to back: progress counts it as read.
                counter.store(len, Ordering::Relaxed);
                Source::records(path, format, opened, None)
            }
            _ => {
                let raw: Box<dyn Read + Send> = if path == "-" {
                    Box::new(io::stdin())
                } else {
                    Box::new(File::open(path).map_err(|e| Error::io(path, e))?)
                };
                let reader = Box::new(CountingReader {
                    inner: raw,
                    count: Arc::clone(&counter),
                });
                Source::from_reader(&display_name(path), reader, format, opts)?
            }
        };
        source.bytes_read = counter;
        Ok(source)
    }

    /// Reads `format` from any reader; `name` is used in messages.
    ///
    /// # Errors
    ///
    /// As [`Source::open`], except for opening the file.
    pub fn from_reader(
        name: &str,
        reader: Box<dyn Read + Send>,
        format: InputFormat,
        opts: &ReadOptions,
    ) -> Result<Source> {
        Source::from_reader_keyed(name, reader, format, opts, None)
    }

    /// Like [`Source::from_reader`], but the columns of a JSON or JSON Lines
    /// input are `keys`, in this order, rather than the keys of its first
    /// object: for a reader that knows the fields it needs, when the first
    /// object may lack some (an `error` row of `popm classify --format jsonl`
    /// has no `confidence`). A missing key, as ever, gives an empty field.
    /// CSV, TSV and workbooks name their columns in their header row, and
    /// ignore `keys`.
    ///
    /// # Errors
    ///
    /// As [`Source::from_reader`].
    pub fn from_reader_with_keys(
        name: &str,
        reader: Box<dyn Read + Send>,
        format: InputFormat,
        opts: &ReadOptions,
        keys: &[&str],
    ) -> Result<Source> {
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        Source::from_reader_keyed(name, reader, format, opts, Some(&keys))
    }

    fn from_reader_keyed(
        name: &str,
        reader: Box<dyn Read + Send>,
        format: InputFormat,
        opts: &ReadOptions,
        keys: Option<&[String]>,
    ) -> Result<Source> {
        let (opened, note) = match format {
            InputFormat::Csv | InputFormat::Tsv => {
                let mut opts = opts.clone();
                if format == InputFormat::Tsv && opts.delimiter.is_none() {
                    opts.delimiter = Some(b'\t');
                }
                return Ok(Source {
                    name: name.to_string(),
                    inner: Inner::Csv(Box::new(CsvSource::from_reader(name, reader, &opts)?)),
                    is_sniffed: false,
                    bytes_read: Arc::default(),
                });
            }
            InputFormat::Jsonl | InputFormat::Json => {
                let decoded = crate::input::decode::decode(name, reader, opts.encoding)?;
                use crate::input::json;
                let r = decoded.reader;
                let opened = match (format, keys) {
                    (InputFormat::Jsonl, None) => json::open_lines(name, r)?,
                    (InputFormat::Jsonl, Some(keys)) => json::open_lines_with_keys(name, r, keys)?,
                    (_, None) => json::open_json(name, r)?,
                    (_, Some(keys)) => json::open_json_with_keys(name, r, keys)?,
                };
                (opened, decoded.note)
            }
            #[cfg(feature = "xlsx")]
            InputFormat::Xlsx => (
                crate::input::xlsx::open(
                    name,
                    reader,
                    opts.sheet.as_deref(),
                    opts.has_headers,
                    opts.zip_limits,
                )?,
                None,
            ),
            #[cfg(not(feature = "xlsx"))]
            InputFormat::Xlsx => {
                return Err(Error::usage(format!(
                    "{name}: this popm was built without the `xlsx` feature, so it cannot \
                     read .xlsx workbooks; rebuild with `--features xlsx` or export the sheet as CSV"
                )))
            }
        };
        Ok(Source::records(name, format, opened, note))
    }

    fn records(name: &str, format: InputFormat, opened: Opened, note: Option<String>) -> Source {
        Source {
            name: name.to_string(),
            inner: Inner::Records(RecordSource {
                format,
                header: Header::new(name, opened.header),
                width: opened.width,
                note,
                nested: opened.nested,
                reader: opened.reader,
                rows: 0,
            }),
            is_sniffed: false,
            bytes_read: Arc::default(),
        }
    }

    /// Raw bytes of the file read so far (read-ahead included), for progress.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// A shared count of the raw bytes read, readable while the source is busy reading.
    pub fn byte_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes_read)
    }

    /// The input's name for messages (`<stdin>` or the path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The format being read.
    pub fn format(&self) -> InputFormat {
        match &self.inner {
            Inner::Csv(c) if c.delimiter() == b'\t' => InputFormat::Tsv,
            Inner::Csv(_) => InputFormat::Csv,
            Inner::Records(r) => r.format,
        }
    }

    /// Whether the format was told from the input's first bytes (stdin without
    /// `--input-format`): worth saying which one was read.
    pub fn is_format_sniffed(&self) -> bool {
        self.is_sniffed
    }

    /// Dotted paths one level down in the first record of a JSON input
    /// (`job.description`); empty for other formats.
    pub fn nested_paths(&self) -> &[String] {
        match &self.inner {
            Inner::Csv(_) => &[],
            Inner::Records(r) => &r.nested,
        }
    }

    /// Adds a column read at a dotted path into the nested objects of a JSON
    /// input (`job.description`), named by that path; its 0-based index, or
    /// `None` when the first object has no value there (or the input is not JSON).
    pub fn add_nested_column(&mut self, dotted: &str) -> Option<usize> {
        let Inner::Records(r) = &mut self.inner else {
            return None;
        };
        if !r.reader.add_column(dotted) {
            return None;
        }
        r.header.names.push(dotted.to_string());
        r.width += 1;
        Some(r.width - 1)
    }

    /// The header row and its column lookups.
    pub fn header(&self) -> &Header {
        match &self.inner {
            Inner::Csv(c) => c.header(),
            Inner::Records(r) => &r.header,
        }
    }

    /// The header names (empty without headers).
    pub fn headers(&self) -> &[String] {
        self.header().names()
    }

    /// Number of columns: of the header, or without one, of the first record.
    pub fn width(&self) -> usize {
        match &self.inner {
            Inner::Csv(c) => c.width(),
            Inner::Records(r) => r.width,
        }
    }

    /// The CSV delimiter in use (`None` for JSON and workbooks).
    pub fn delimiter(&self) -> Option<u8> {
        match &self.inner {
            Inner::Csv(c) => Some(c.delimiter()),
            Inner::Records(_) => None,
        }
    }

    /// Set when the encoding was guessed (the input is not UTF-8): a warning to show.
    pub fn encoding_note(&self) -> Option<&str> {
        match &self.inner {
            Inner::Csv(c) => c.encoding_note(),
            Inner::Records(r) => r.note.as_deref(),
        }
    }

    /// The 0-based index of a user-chosen column (see [`Header::resolve`]).
    ///
    /// # Errors
    ///
    /// When no header has that name, or the number is beyond the header; the
    /// message lists the columns that exist and names `flag`.
    pub fn resolve(&self, sel: &ColumnSel, flag: &str) -> Result<usize> {
        self.header().resolve(sel, flag)
    }

    /// The first column whose folded header name is in `names` (tried in order).
    pub fn find_column(&self, names: &[&str]) -> Option<usize> {
        self.header().find_column(names)
    }

    /// The header as a readable list, for messages.
    pub fn column_list(&self) -> String {
        self.header().column_list()
    }

    /// Fills `batch` with up to `BATCH_SIZE` records, reusing its allocations.
    ///
    /// Returns `false` once the input is exhausted (the batch may still hold
    /// records). A record that could not be read has [`Record::error`] set.
    ///
    /// # Errors
    ///
    /// When reading fails; the message names the file and line.
    pub fn read_batch(&mut self, batch: &mut Vec<Record>) -> Result<bool> {
        match &mut self.inner {
            Inner::Csv(c) => c.read_batch(batch),
            Inner::Records(_) => self.read_records(batch, false),
        }
    }

    /// A batch of a non-CSV input, its fields deferred when `deferred` and
    /// the reader can (JSON Lines).
    fn read_records(&mut self, batch: &mut Vec<Record>, deferred: bool) -> Result<bool> {
        let Inner::Records(r) = &mut self.inner else {
            return Ok(false);
        };
        let mut n = 0;
        while n < BATCH_SIZE {
            if n == batch.len() {
                batch.push(Record::default());
            }
            let rec = &mut batch[n];
            rec.recycle();
            rec.error = None;
            let more = if deferred {
                r.reader.next_record_deferred(rec)?
            } else {
                r.reader.next_record(rec)?
            };
            if !more {
                batch.truncate(n);
                return Ok(false);
            }
            rec.note_size();
            r.rows += 1;
            rec.row = r.rows;
            n += 1;
        }
        batch.truncate(n);
        Ok(true)
    }

    /// Like [`Source::read_batch`], but CSV records and JSON Lines lines come
    /// with their fields not yet made (split, or parsed): read them inside
    /// [`Record::with_fields`] (or after [`Record::split`]), on the worker
    /// thread that uses them. Other formats come with their fields.
    ///
    /// # Errors
    ///
    /// As [`Source::read_batch`].
    pub fn read_batch_deferred(&mut self, batch: &mut Vec<Record>) -> Result<bool> {
        match &mut self.inner {
            Inner::Csv(c) => c.read_batch_deferred(batch),
            Inner::Records(_) => self.read_records(batch, true),
        }
    }

    /// After a CSV input is read: when its quote characters are unbalanced,
    /// the line of the last record (see `CsvSource::unbalanced_quote_line`).
    pub fn unbalanced_quote_line(&self) -> Option<u64> {
        match &self.inner {
            Inner::Csv(c) => c.unbalanced_quote_line(),
            Inner::Records(_) => None,
        }
    }
}

/// The format of the file at `path` without `--input-format`: a workbook
/// when a regular file's first bytes are one's (an export saved as `.csv`,
/// an old `.xls` that the workbook reader then names), else the format its
/// extension implies.
///
/// # Errors
///
/// When the file cannot be opened or read.
fn format_of_file(path: &str) -> Result<InputFormat> {
    if !is_regular_file(path) {
        // A pipe (`<(cmd)`, a FIFO) or a device is not even opened here: what
        // is read from it would be lost to the reader that opens it next, and
        // closing a FIFO would end its writer.
        return Ok(InputFormat::from_path(path));
    }
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut head = Vec::with_capacity(8);
    file.take(8)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    Ok(if InputFormat::is_workbook_head(&head) {
        InputFormat::Xlsx
    } else {
        InputFormat::from_path(path)
    })
}

/// Whether `path` is a regular file (not a pipe such as `<(cmd)`, nor a device).
fn is_regular_file(path: &str) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Reads the start of `reader` until its format shows ([`InputFormat::from_content`]):
/// the bytes read (to be read again, in front of the rest) and the format.
///
/// # Errors
///
/// When reading fails.
pub fn sniff_format(reader: &mut dyn Read, name: &str) -> Result<(Vec<u8>, InputFormat)> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(name, e)),
        };
        head.extend_from_slice(&chunk[..n]);
        if let Some(format) = InputFormat::from_content(&head, n == 0) {
            return Ok((head, format));
        }
        if n == 0 {
            // All blank: the CSV reader says the input is empty.
            return Ok((head, InputFormat::Csv));
        }
    }
}

fn display_name(path: &str) -> String {
    if path == "-" {
        "<stdin>".to_string()
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: &[u8], format: InputFormat) -> Source {
        Source::from_reader(
            "t",
            Box::new(io::Cursor::new(text.to_vec())),
            format,
            &ReadOptions::default(),
        )
        .unwrap()
    }

    fn all(src: &mut Source) -> Vec<Record> {
        let mut out = Vec::new();
        let mut batch = Vec::new();
        loop {
            let more = src.read_batch(&mut batch).unwrap();
            out.extend(batch.iter().cloned());
            if !more {
                return out;
            }
        }
    }

    #[test]
    fn formats_from_names_and_paths() {
        assert_eq!(InputFormat::from_path("a/b.JSONL"), InputFormat::Jsonl);
        assert_eq!(InputFormat::from_path("x.ndjson"), InputFormat::Jsonl);
        assert_eq!(InputFormat::from_path("x.json"), InputFormat::Json);
        assert_eq!(InputFormat::from_path("x.xlsm"), InputFormat::Xlsx);
        assert_eq!(InputFormat::from_path("x.tsv"), InputFormat::Tsv);
        assert_eq!(InputFormat::from_path("x.txt"), InputFormat::Csv);
        assert_eq!(InputFormat::from_path("noext"), InputFormat::Csv);
        for f in InputFormat::ALL {
            assert_eq!(InputFormat::parse(f.as_str()).unwrap(), f);
        }
        assert_eq!(InputFormat::parse("NDJSON").unwrap(), InputFormat::Jsonl);
        let e = InputFormat::parse("xml").unwrap_err().to_string();
        assert!(e.contains("csv, tsv, jsonl, json, xlsx"), "{e}");
    }

    #[test]
    fn csv_and_jsonl_give_the_same_records() {
        let mut c = open(b"id,description\n1,alpha\n2,beta\n", InputFormat::Csv);
        let mut j = open(
            b"{\"id\":1,\"description\":\"alpha\"}\n{\"id\":2,\"description\":\"beta\"}\n",
            InputFormat::Jsonl,
        );
        assert_eq!(c.headers(), j.headers());
        assert_eq!(j.format(), InputFormat::Jsonl);
        assert_eq!(j.delimiter(), None);
        let (rc, rj) = (all(&mut c), all(&mut j));
        assert_eq!(rc.len(), rj.len());
        for (a, b) in rc.iter().zip(&rj) {
            assert_eq!(a.fields, b.fields);
            assert_eq!(
                (a.row, a.line),
                (b.row, b.line + 1),
                "CSV counts its header line"
            );
        }
        assert_eq!(
            j.find_column(crate::input::record::TEXT_COLUMN_NAMES),
            Some(1)
        );
        assert!(j.unbalanced_quote_line().is_none());
    }

    #[test]
    fn tsv_format_sets_the_delimiter() {
        let s = open(b"id,x\tdescription\n", InputFormat::Tsv);
        assert_eq!(s.delimiter(), Some(b'\t'));
        assert_eq!(s.format(), InputFormat::Tsv);
        assert_eq!(s.headers(), ["id,x", "description"]);
    }

    #[test]
    fn json_keys_can_be_given() {
        let text = b"{\"label\":\"error\"}\n{\"lean\":-1,\"label\":\"x\"}\n";
        let mut s = Source::from_reader_with_keys(
            "k.jsonl",
            Box::new(io::Cursor::new(text.to_vec())),
            InputFormat::Jsonl,
            &ReadOptions::default(),
            &["label", "lean"],
        )
        .unwrap();
        assert_eq!(s.headers(), ["label", "lean"]);
        let recs = all(&mut s);
        assert_eq!(recs[1].fields, csv::ByteRecord::from(vec!["x", "-1"]));
        let csv = Source::from_reader_with_keys(
            "k.csv",
            Box::new(io::Cursor::new(b"a,b\n1,2\n".to_vec())),
            InputFormat::Csv,
            &ReadOptions::default(),
            &["label"],
        )
        .unwrap();
        assert_eq!(csv.headers(), ["a", "b"], "CSV keeps its header");
    }

    #[test]
    fn many_records_come_in_batches() {
        let mut text = String::new();
        for i in 0..(BATCH_SIZE + 3) {
            text.push_str(&format!("{{\"id\":{i},\"description\":\"d\"}}\n"));
        }
        let mut s = open(text.as_bytes(), InputFormat::Jsonl);
        let mut batch = Vec::new();
        assert!(s.read_batch(&mut batch).unwrap());
        assert_eq!(batch.len(), BATCH_SIZE);
        assert!(!s.read_batch(&mut batch).unwrap());
        assert_eq!(batch.len(), 3);
        assert_eq!(batch[2].row, BATCH_SIZE as u64 + 3);
    }
}
