//! CSV and TSV input from a file or stdin.
//!
//! The input is first turned into UTF-8 by [`crate::input::decode`] (byte order
//! marks, UTF-16, Windows-1252 ...). Records are then cut from the byte stream
//! by [`crate::input::csv_split`] and split into raw fields (`csv::ByteRecord`), so
//! invalid UTF-8 never stops a run: [`crate::input::decode_field`] replaces bad bytes with
//! U+FFFD and says so. [`CsvSource::read_batch_deferred`] leaves the field
//! splitting to whoever classifies the record ([`Record::with_fields`]), so
//! that it runs on the worker threads. Rows may be ragged (fewer or
//! more fields than the header); the caller decides what a short row means.
//! The delimiter is detected from the (decoded) header line unless given.

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;

use crate::error::{Error, Result};
use rayon::prelude::*;

use crate::input::csv_split::{split_fields, BlockRecords, RecordSplitter};
use crate::input::decode::{decode, read_head, SAMPLE_SIZE};
use crate::input::record::{
    ColumnSel, Deferred, Header, ReadOptions, Record, DELIMITER_CANDIDATES,
};

/// Bytes of input cut at a time by one worker: a batch is one such block per
/// worker thread (at least two), each ended at the last record that ends in it.
const BLOCK_BYTES: usize = 128 * 1024;

/// A record's buffer at most this large is reused for a record of the next
/// batch; a larger one (a long record's) is given back.
const SPARE_RAW_BYTES: usize = 64 * 1024;

/// An open CSV input.
pub struct CsvSource {
    name: String,
    splitter: RecordSplitter<Box<dyn Read + Send>>,
    /// Without headers: the first record and its line, read ahead to learn the width.
    pending: Option<(Vec<u8>, u64)>,
    width: usize,
    header: Header,
    delimiter: u8,
    rows: u64,
    encoding_note: Option<String>,
}

impl std::fmt::Debug for CsvSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvSource")
            .field("name", &self.name)
            .field("headers", &self.header.names)
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

    /// Reads CSV from any reader, in `opts.encoding`; `name` is used in messages.
    ///
    /// # Errors
    ///
    /// When the reader fails, or the input is empty.
    pub fn from_reader(
        name: &str,
        inner: Box<dyn Read + Send>,
        opts: &ReadOptions,
    ) -> Result<CsvSource> {
        let decoded = decode(name, inner, opts.encoding)?;
        let mut utf8 = decoded.reader;
        let head = read_head(&mut utf8, SAMPLE_SIZE).map_err(|e| Error::io(name, e))?;
        if head.is_empty() {
            return Err(Error::csv(
                name,
                None,
                "the input is empty: expected a CSV with a header row and one posting per row",
            ));
        }
        let delimiter = opts.delimiter.unwrap_or_else(|| sniff_delimiter(&head));
        if matches!(delimiter, b'"' | b'\r' | b'\n') {
            return Err(Error::usage(format!(
                "{name}: {:?} cannot be the field delimiter (it quotes or ends records); \
                 use , ; | or tab",
                char::from(delimiter)
            )));
        }
        let reader: Box<dyn Read + Send> = Box::new(Cursor::new(head).chain(utf8));
        let mut splitter = RecordSplitter::new(reader, delimiter);
        let mut first = Vec::new();
        let first_line = splitter
            .next_record(&mut first)
            .map_err(|e| Error::io(name, e))?;
        let mut headers: Vec<String> = Vec::new();
        let mut pending = None;
        let mut width = 0;
        let mut fields = csv::ByteRecord::new();
        split_fields(&first, delimiter, &mut fields);
        match first_line {
            None if opts.has_headers => {
                return Err(Error::csv(name, Some(1), "the input has no header row"));
            }
            None => {}
            Some(_) if opts.has_headers => {
                headers = fields
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).trim().to_string())
                    .collect();
            }
            Some(line) => {
                width = fields.len();
                pending = Some((first, line));
            }
        }
        let width = width.max(headers.len());
        Ok(CsvSource {
            name: name.to_string(),
            splitter,
            header: Header::new(name, headers),
            delimiter,
            encoding_note: decoded.note,
            rows: 0,
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
        self.header.names()
    }

    /// The header row and its column lookups.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Number of columns: of the header, or without one, of the first record.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The delimiter in use.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Set when the encoding was guessed (not UTF-8): a warning to show the user.
    pub fn encoding_note(&self) -> Option<&str> {
        self.encoding_note.as_deref()
    }

    /// The 0-based index of a user-chosen column (see [`Header::resolve`]).
    ///
    /// # Errors
    ///
    /// When no header has that name, or the number is beyond the header.
    pub fn resolve(&self, sel: &ColumnSel, flag: &str) -> Result<usize> {
        self.header.resolve(sel, flag)
    }

    /// The first column whose folded header name is in `names` (tried in order).
    pub fn find_column(&self, names: &[&str]) -> Option<usize> {
        self.header.find_column(names)
    }

    /// The header as a readable list, for messages.
    pub fn column_list(&self) -> String {
        self.header.column_list()
    }

    /// Replaces `batch` with the next records: those of one block of about
    /// [`BLOCK_BYTES`] per worker thread, cut into records on the workers.
    ///
    /// Returns `false` once the input is exhausted (the batch may still hold records).
    ///
    /// # Errors
    ///
    /// When reading fails; the message names the file.
    pub fn read_batch(&mut self, batch: &mut Vec<Record>) -> Result<bool> {
        let more = self.read_batch_deferred(batch)?;
        for rec in batch.iter_mut() {
            rec.split();
            rec.note_size();
        }
        Ok(more)
    }

    /// Like [`CsvSource::read_batch`], but leaves each record's fields to be
    /// split inside [`Record::with_fields`] (or by [`Record::split`]), on the
    /// thread that goes on to use them.
    ///
    /// # Errors
    ///
    /// When reading fails; the message names the file.
    pub fn read_batch_deferred(&mut self, batch: &mut Vec<Record>) -> Result<bool> {
        // The raw bytes of the batch's records are done with: their buffers
        // take the new records' bytes, so that the workers cutting records
        // do not allocate a buffer for each (spread over every thread's
        // allocator arena, freed ones pile up there as threads are added).
        let mut spares: Vec<Vec<u8>> = batch
            .iter_mut()
            .map(|rec| std::mem::take(&mut rec.raw))
            .filter(|raw| raw.capacity() > 0 && raw.capacity() <= SPARE_RAW_BYTES)
            .collect();
        // Records of the last batch are reused (their field buffers): `used` counts the filled ones.
        let mut used = 0;
        if let Some((raw, line)) = self.pending.take() {
            self.put(batch, &mut used, raw, line);
        }
        let count = rayon::current_num_threads().max(2);
        let blocks = self
            .splitter
            .next_blocks(count, BLOCK_BYTES)
            .map_err(|e| Error::io(&self.name, e))?;
        let more = blocks.len() == count;
        let delimiter = self.delimiter;
        let per_block = spares.len().div_ceil(blocks.len().max(1));
        let cut: Vec<BlockRecords> = blocks
            .into_iter()
            .map(|block| {
                let from = spares.len().saturating_sub(per_block);
                (block, spares.split_off(from))
            })
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(block, spares)| BlockRecords::cut(block, delimiter, spares))
            .collect();
        for mut block in cut {
            self.splitter.account(&mut block);
            let buffer = std::mem::take(&mut block.buffer);
            self.splitter.recycle(buffer, BLOCK_BYTES, count);
            for (raw, line) in block.records {
                self.put(batch, &mut used, raw, line);
            }
        }
        batch.truncate(used);
        Ok(more)
    }

    /// Makes `raw` the next record of `batch` (the `used`-th), its fields
    /// still to split, numbered as the next row and starting on `line`.
    fn put(&mut self, batch: &mut Vec<Record>, used: &mut usize, raw: Vec<u8>, line: u64) {
        if *used == batch.len() {
            batch.push(Record::default());
        }
        let rec = &mut batch[*used];
        *used += 1;
        rec.recycle();
        rec.raw = raw;
        rec.fields.clear();
        rec.error = None;
        self.rows += 1;
        rec.unsplit = Some(Deferred::Csv(self.delimiter));
        rec.note_size();
        rec.row = self.rows;
        rec.line = line;
    }

    /// After the input is read: when its quote characters are unbalanced, the
    /// line where their count last turned odd (an unclosed quote, whose record
    /// may have swallowed the rows after it, or a stray quote).
    pub fn unbalanced_quote_line(&self) -> Option<u64> {
        self.splitter.unbalanced_quote_line()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::record::{
        decode_field, ID_COLUMN_NAMES, TEXT_COLUMN_NAMES, TITLE_COLUMN_NAMES,
    };

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
    fn record_lines_count_every_kind_of_break_across_reads() {
        /// Hands out one byte per read, so CR LF pairs straddle reads.
        struct Trickle(Vec<u8>, usize);
        impl Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match (self.0.get(self.1), buf.first_mut()) {
                    (Some(&b), Some(slot)) => {
                        *slot = b;
                        self.1 += 1;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let text = b"h\r\na\nb\rc\"q\r\nd\r\n";
        let mut s = CsvSource::from_reader(
            "t.csv",
            Box::new(Trickle(text.to_vec(), 0)),
            &ReadOptions::default(),
        )
        .unwrap();
        let mut batch = Vec::new();
        s.read_batch(&mut batch).unwrap();
        let lines: Vec<u64> = batch.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 4, 5]);
        assert_eq!(&batch[2].fields[0], b"c\"q".as_slice());
        assert_eq!(s.unbalanced_quote_line(), Some(4));
    }

    #[test]
    fn deferred_records_are_split_in_the_thread_buffer() {
        let mut s = src("id,text\n1,\"a, b\"\n2,c\n");
        let mut batch = Vec::new();
        s.read_batch_deferred(&mut batch).unwrap();
        assert!(batch[0].fields.is_empty(), "not split yet");
        let got: Vec<Vec<u8>> = batch
            .iter_mut()
            .map(|r| r.with_fields(|r| r.fields[1].to_vec()))
            .collect();
        assert_eq!(got, [b"a, b".to_vec(), b"c".to_vec()]);
        assert!(
            batch[0].fields.is_empty(),
            "the buffer went back to the thread"
        );
        // A record that came split keeps its fields.
        let mut s = src("id,text\n1,x\n");
        s.read_batch(&mut batch).unwrap();
        assert_eq!(batch[0].with_fields(|r| r.fields.len()), 2);
        assert_eq!(batch[0].fields.len(), 2);
    }

    #[test]
    fn quote_and_line_breaks_cannot_delimit() {
        let opts = ReadOptions {
            delimiter: Some(b'"'),
            ..ReadOptions::default()
        };
        let e = CsvSource::from_reader("q.csv", Box::new(io::Cursor::new(b"a\n".to_vec())), &opts)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot be the field delimiter"), "{e}");
    }

    #[test]
    fn empty_input_is_an_error() {
        let e = CsvSource::from_reader("e.csv", Box::new(io::empty()), &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("e.csv: the input is empty"), "{e}");
    }

    #[test]
    fn decodes_before_sniffing_and_notes_a_guess() {
        // Excel "Unicode text": UTF-16 LE with a byte order mark, tab-separated.
        let text = "id\tdescription\n1\tcafé – “x”\n";
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut s = CsvSource::from_reader(
            "u.txt",
            Box::new(io::Cursor::new(bytes)),
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(s.delimiter(), b'\t');
        assert_eq!(s.headers(), ["id", "description"]);
        assert!(s.encoding_note().is_none());
        let mut batch = Vec::new();
        s.read_batch(&mut batch).unwrap();
        assert_eq!(&batch[0].fields[1], "café – “x”".as_bytes());

        let cp1252 = b"id;description\n1;caf\xe9 \x80\n".to_vec();
        let mut s = CsvSource::from_reader(
            "w.csv",
            Box::new(io::Cursor::new(cp1252)),
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(s.delimiter(), b';');
        assert!(s
            .encoding_note()
            .is_some_and(|n| n.contains("windows-1252")));
        s.read_batch(&mut batch).unwrap();
        assert_eq!(&batch[0].fields[1], "café €".as_bytes());
        assert!(batch[0].error.is_none());
    }

    #[test]
    fn header_lookups() {
        let h = Header::new("h.csv", vec!["Job Title".into(), "Body".into()]);
        assert_eq!(h.find_column(TITLE_COLUMN_NAMES), Some(0));
        assert_eq!(h.column_list(), "1=\"Job Title\", 2=\"Body\"");
        let e = h
            .resolve(&ColumnSel::Index(3), "--id-col")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("h.csv: --id-col 3 is beyond the 2 columns"),
            "{e}"
        );
        assert_eq!(Header::default().column_list(), "(no header row)");
        assert_eq!(
            Header::default()
                .resolve(&ColumnSel::Index(4), "--x")
                .unwrap(),
            3
        );
    }

    #[test]
    fn only_a_bom_is_empty() {
        let e = CsvSource::from_reader(
            "b.csv",
            Box::new(io::Cursor::new(b"\xef\xbb\xbf".to_vec())),
            &ReadOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("the input is empty"), "{e}");
    }

    #[test]
    fn decodes_invalid_utf8() {
        let (s, bad) = decode_field(b"ab\xffc");
        assert_eq!((s.as_ref(), bad), ("ab\u{fffd}c", true));
    }
}
