//! Cutting CSV into blocks on the reading thread, blocks into records and
//! records into fields on the workers.
//!
//! Reading CSV is three jobs of very different cost. Finding a place where a
//! record surely ends, somewhere near the end of a large block, only needs the
//! quotes: [`RecordSplitter::next_blocks`] jumps from quote to quote with
//! `memchr` (the quote state is exact, malformed quoting included) and looks
//! back from the block's end for the last line break outside quotes. Cutting
//! the block into records needs every line break as well: [`BlockRecords::cut`]
//! does that on a worker, and [`RecordSplitter::account`] then numbers the
//! records' lines and rows in input order, which costs nothing per byte.
//! Splitting a record into its fields and undoing the quote escapes is the
//! per-byte part: [`split_fields_in_place`] runs it on the worker thread that
//! classifies the record. [`RecordSplitter::next_record`] still cuts one
//! record at a time (a header, or a caller that wants records one by one).
//!
//! Both follow the csv crate's reader (csv-core with its defaults: `"` quotes,
//! doubled quotes, CR / LF / CR LF record ends, no comments) byte for byte, for
//! malformed input too:
//!
//! - a quote opens a quoted field only at the start of a field; anywhere else
//!   it is an ordinary byte;
//! - in a quoted field `""` is one quote; a quote followed by anything else
//!   ends the quoting, and what follows it up to the next delimiter still
//!   belongs to the field (with any quotes in it as ordinary bytes);
//! - a record ends at CR, LF or CR LF outside quotes; empty lines are skipped;
//! - at the end of the input an unfinished record (an unclosed quote) is a record.
//!
//! A record's line is where the csv crate puts it too: the line after the
//! previous record's end (so blank lines before a record count as its start).
//! The property test below compares records, fields and lines with the csv
//! crate on random inputs cut into random reads.

use std::io::{self, Read};

use csv::ByteRecord;
use memchr::{memchr, memchr3};

/// The reading buffer's first size; it doubles for a record that does not fit.
const INITIAL_CAPACITY: usize = 256 * 1024;

/// A record at least this long is handed out in the reading buffer itself
/// (a fresh buffer takes its place), not copied: a huge field is then held
/// once, not twice, and the doubled buffer it needed is given back at once.
const HANDOVER_BYTES: usize = 1 << 20;

/// Cuts a CSV byte stream into raw records (fields still joined and quoted).
///
/// Also keeps what the CSV reader alone would lose: the line each record
/// starts on (LF, CR LF and a lone CR each end one line) and whether the
/// input's quote characters are balanced.
#[derive(Debug)]
pub struct RecordSplitter<R> {
    reader: R,
    delimiter: u8,
    buf: Vec<u8>,
    /// Input offset of `buf[0]`.
    base: u64,
    /// End of the bytes read into `buf`.
    end: usize,
    /// First byte of the record being cut.
    start: usize,
    /// Where the search for the record's end resumes.
    scan: usize,
    /// Whether `scan` is inside a quoted field.
    quoted: bool,
    eof: bool,
    /// Line breaks before `scan`.
    breaks: u64,
    /// Input offset of the last CR, to tell CR LF (one break) from CR then LF.
    last_cr: Option<u64>,
    quotes: u64,
    /// 1-based line where the quote count last turned odd.
    odd_quote_line: u64,
    /// 1-based line where the quote count last turned even (for combining blocks).
    even_quote_line: u64,
    /// The line of the next record.
    next_line: u64,
    /// Records at least this long are handed over, not copied ([`HANDOVER_BYTES`]).
    handover_bytes: usize,
    /// Buffers of blocks already cut, to take the next blocks' bytes
    /// ([`RecordSplitter::recycle`]).
    spare: Vec<Vec<u8>>,
}

impl<R: Read> RecordSplitter<R> {
    /// A splitter over `reader` for fields separated by `delimiter`.
    ///
    /// The delimiter must not be a quote, CR or LF (the caller checks).
    pub fn new(reader: R, delimiter: u8) -> RecordSplitter<R> {
        RecordSplitter {
            reader,
            delimiter,
            buf: Vec::new(),
            base: 0,
            end: 0,
            start: 0,
            scan: 0,
            quoted: false,
            eof: false,
            breaks: 0,
            last_cr: None,
            quotes: 0,
            odd_quote_line: 0,
            even_quote_line: 0,
            next_line: 1,
            handover_bytes: HANDOVER_BYTES,
            spare: Vec::new(),
        }
    }

    /// The same splitter handing over records from `n` bytes on (tests of both paths).
    #[cfg(test)]
    fn with_handover_bytes(mut self, n: usize) -> Self {
        self.handover_bytes = n;
        self
    }

    /// Copies the next record's bytes (without its line break) into `out` and
    /// returns the 1-based line it starts on; `None` at the end of the input.
    ///
    /// # Errors
    ///
    /// When reading fails.
    pub fn next_record(&mut self, out: &mut Vec<u8>) -> io::Result<Option<u64>> {
        loop {
            let record_end = match self.find_record_end() {
                Some(at) => Some(at),
                None if self.eof => (self.start < self.end).then_some(self.end),
                None => None,
            };
            if let Some(at) = record_end {
                let line = self.next_line;
                self.next_line = self.breaks + 1;
                if at - self.start >= self.handover_bytes {
                    self.hand_over(at, out);
                    return Ok(Some(line));
                }
                out.clear();
                out.extend_from_slice(&self.buf[self.start..at]);
                self.start = (at + 1).min(self.end);
                self.scan = self.start;
                return Ok(Some(line));
            }
            if self.eof {
                return Ok(None);
            }
            self.fill()?;
        }
    }

    /// Makes `out` the record `start..at` by giving it the reading buffer,
    /// and carries the bytes after the record over into a fresh buffer.
    fn hand_over(&mut self, at: usize, out: &mut Vec<u8>) {
        let rest = (at + 1).min(self.end);
        let mut fresh = vec![0u8; INITIAL_CAPACITY.max(self.end - rest)];
        fresh[..self.end - rest].copy_from_slice(&self.buf[rest..self.end]);
        let mut record = std::mem::replace(&mut self.buf, fresh);
        record.truncate(at);
        record.drain(..self.start);
        record.shrink_to_fit();
        *out = record;
        self.base += rest as u64;
        self.end -= rest;
        self.start = 0;
        self.scan = 0;
    }

    /// When the input's quote characters are unbalanced (read to the end), the
    /// line where their count last turned odd.
    pub fn unbalanced_quote_line(&self) -> Option<u64> {
        (self.quotes % 2 == 1).then_some(self.odd_quote_line)
    }

    /// Advances `scan` to the line break that ends the current record and
    /// returns its index, or stops at the end of the bytes read (`None`).
    fn find_record_end(&mut self) -> Option<usize> {
        let mut i = self.scan;
        loop {
            let found = if self.quoted {
                // Inside a quoted field only a quote can end it: the line
                // breaks before it are counted in bulk, not stopped at.
                let quote = memchr(b'"', &self.buf[i..self.end]).map(|k| i + k);
                self.count_breaks(i, quote.unwrap_or(self.end));
                quote
            } else {
                memchr3(b'"', b'\n', b'\r', &self.buf[i..self.end]).map(|k| i + k)
            };
            let Some(at) = found else {
                break;
            };
            i = at + 1;
            if self.buf[at] == b'"' {
                if self.quoted {
                    if at + 1 == self.end && !self.eof {
                        // Is it `""`? The next read will tell.
                        self.scan = at;
                        return None;
                    }
                    self.count_quote();
                    if at + 1 < self.end && self.buf[at + 1] == b'"' {
                        self.count_quote();
                        i = at + 2;
                    } else {
                        self.quoted = false;
                    }
                } else {
                    self.count_quote();
                    // Only a quote at the start of a field opens a quoted field.
                    self.quoted = at == self.start || self.buf[at - 1] == self.delimiter;
                }
                continue;
            }
            // Outside quotes: a line break ends the record.
            self.count_break(at);
            if at == self.start {
                // An empty line, or the LF of a CR LF: not a record.
                self.start = at + 1;
                continue;
            }
            self.scan = at + 1;
            return Some(at);
        }
        self.scan = self.end;
        None
    }

    /// Counts the line break at `at` (CR, LF, or the LF of a CR LF, which adds nothing).
    fn count_break(&mut self, at: usize) {
        let offset = self.base + at as u64;
        if self.buf[at] == b'\r' {
            self.last_cr = Some(offset);
            self.breaks += 1;
        } else if self.last_cr.is_none_or(|cr| cr + 1 != offset) {
            self.breaks += 1;
        }
    }

    /// Counts the line breaks of `buf[from..to]` as [`RecordSplitter::count_break`]
    /// would one by one: by counting its LFs, when it holds no CR (the common case).
    fn count_breaks(&mut self, from: usize, to: usize) {
        let bytes = &self.buf[from..to];
        if memchr(b'\r', bytes).is_some() {
            let mut k = from;
            while let Some(p) = memchr::memchr2(b'\n', b'\r', &self.buf[k..to]) {
                self.count_break(k + p);
                k += p + 1;
            }
            return;
        }
        let mut lfs = memchr::memchr_iter(b'\n', bytes).count() as u64;
        // An LF first may end a CR LF whose CR was counted before `from`.
        let offset = self.base + from as u64;
        if bytes.first() == Some(&b'\n') && self.last_cr.is_some_and(|cr| cr + 1 == offset) {
            lfs -= 1;
        }
        self.breaks += lfs;
    }

    fn count_quote(&mut self) {
        self.quotes += 1;
        if self.quotes % 2 == 1 {
            self.odd_quote_line = self.breaks + 1;
        } else {
            self.even_quote_line = self.breaks + 1;
        }
    }

    /// Takes up to `count` blocks of whole records, each of about
    /// `block_bytes` (more when one record is longer), from where the last
    /// record or block ended; fewer, or none, at the end of the input.
    ///
    /// Only the quotes are looked at here (see the module docs): the blocks'
    /// records are cut by [`BlockRecords::cut`], and each block must then be
    /// handed, in order, to [`RecordSplitter::account`] for the line numbers
    /// and the quote balance to stay right.
    ///
    /// # Errors
    ///
    /// When reading fails.
    pub fn next_blocks(&mut self, count: usize, block_bytes: usize) -> io::Result<Vec<Block>> {
        let mut blocks = Vec::with_capacity(count);
        let block_bytes = block_bytes.max(1);
        while blocks.len() < count {
            // A block reaches `block_bytes`, plus one byte to know what follows
            // a line break. Reading stops a little past it, so that little
            // follows the block's last record in the buffer handed over.
            while self.end - self.start <= block_bytes && !self.eof {
                self.fill_upto(self.start + block_bytes + READ_PAST_BLOCK)?;
            }
            if self.start == self.end {
                break;
            }
            if self.buf[self.start] == b'\n'
                && self
                    .last_cr
                    .is_some_and(|cr| cr + 1 == self.base + self.start as u64)
            {
                // The LF of a CR LF that ended the last record read one at a time.
                self.start += 1;
                self.scan = self.start;
                continue;
            }
            let mut limit = (self.start + block_bytes).min(self.end);
            let cut = loop {
                if self.eof && limit == self.end {
                    break self.end;
                }
                if let Some(cut) = last_record_end(
                    &self.buf,
                    self.start,
                    limit,
                    self.end,
                    self.eof,
                    self.delimiter,
                ) {
                    break cut;
                }
                // No record ends in the block so far: look further, reading more when needed.
                if limit < self.end {
                    limit = (self.start + 2 * (limit - self.start)).min(self.end);
                } else {
                    self.fill()?;
                    limit = self.end;
                }
            };
            if cut - self.start > LARGE_BLOCK_FACTOR * block_bytes {
                // A long record: its bytes go with the buffer, not in a copy,
                // and what was read after it starts a new buffer.
                let mut rest = vec![0; (self.end - cut).max(INITIAL_CAPACITY)];
                rest[..self.end - cut].copy_from_slice(&self.buf[cut..self.end]);
                let bytes = std::mem::replace(&mut self.buf, rest);
                blocks.push(Block {
                    bytes,
                    range: self.start..cut,
                });
                self.base += cut as u64;
                self.end -= cut;
                self.start = 0;
                self.scan = 0;
            } else {
                // The reading buffer is the block: what was read after the
                // block's last record (a part of a record, a few KiB) is
                // copied into a recycled buffer, which reading goes on in.
                let tail = self.end - cut;
                let mut fresh = self.spare.pop().unwrap_or_default();
                // Room for the next block and what is read past it: a
                // buffer no larger, as blocks in flight hold theirs whole.
                let room = (block_bytes + 2 * READ_PAST_BLOCK).max(tail + READ_PAST_BLOCK);
                if fresh.len() < room {
                    // Bytes past `end` are never read: a recycled buffer keeps its old ones.
                    fresh.resize(room, 0);
                }
                fresh[..tail].copy_from_slice(&self.buf[cut..self.end]);
                let bytes = std::mem::replace(&mut self.buf, fresh);
                blocks.push(Block {
                    bytes,
                    range: self.start..cut,
                });
                self.base += cut as u64;
                self.end = tail;
                self.start = 0;
                self.scan = 0;
            }
        }
        Ok(blocks)
    }

    /// Keeps the buffer of a block already cut ([`BlockRecords::buffer`]) for
    /// the bytes of a later block, unless it is far larger than a block needs
    /// (one that held a long record) or enough are kept already.
    ///
    /// Taking every block's bytes into a fresh allocation left each worker
    /// thread's allocator arena holding its own pool of freed blocks: peak
    /// memory grew with the thread count.
    pub fn recycle(&mut self, buffer: Vec<u8>, block_bytes: usize, keep: usize) {
        if buffer.capacity() <= 2 * block_bytes && self.spare.len() < keep {
            self.spare.push(buffer);
        }
    }

    /// Counts in what [`BlockRecords::cut`] found in the next block taken by
    /// [`RecordSplitter::next_blocks`], and turns its records' lines, counted
    /// from the block's start, into lines of the input.
    pub fn account(&mut self, block: &mut BlockRecords) {
        let lines_before = self.breaks;
        // The block's quotes continue the count: with an odd count before it,
        // the count turns odd at the block's even quotes.
        let turned_odd = if self.quotes % 2 == 0 {
            (block.quotes >= 1).then_some(block.odd_quote_line)
        } else {
            (block.quotes >= 2).then_some(block.even_quote_line)
        };
        if let Some(line) = turned_odd {
            self.odd_quote_line = lines_before + line;
        }
        let turned_even = if self.quotes % 2 == 1 {
            (block.quotes >= 1).then_some(block.odd_quote_line)
        } else {
            (block.quotes >= 2).then_some(block.even_quote_line)
        };
        if let Some(line) = turned_even {
            self.even_quote_line = lines_before + line;
        }
        self.quotes += block.quotes;
        self.breaks += block.breaks;
        // A record's line is the one after the previous record's end, blank
        // lines before it included: for the block's first record, that end
        // lies before the block.
        for (k, (_, line)) in block.records.iter_mut().enumerate() {
            *line = if k == 0 {
                self.next_line
            } else {
                lines_before + *line
            };
        }
        if !block.records.is_empty() {
            self.next_line = lines_before + block.next_line;
        }
    }

    /// Drops the bytes before the current record and reads more after it,
    /// growing the buffer when the record fills it.
    fn fill(&mut self) -> io::Result<()> {
        self.fill_upto(usize::MAX)
    }

    /// [`RecordSplitter::fill`], reading no further than `limit` in the
    /// buffer as it is now (but at least one byte, room allowing).
    fn fill_upto(&mut self, limit: usize) -> io::Result<()> {
        // Where `limit` is once the bytes before the current record are dropped.
        let limit = limit.saturating_sub(self.start);
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.scan -= self.start;
            self.start = 0;
        }
        if self.buf.len() > 4 * INITIAL_CAPACITY && self.end < INITIAL_CAPACITY {
            // A long record is behind us: give its room back.
            self.buf.truncate(INITIAL_CAPACITY);
            self.buf.shrink_to_fit();
        }
        if self.end == self.buf.len() {
            let grow = self.buf.len().max(INITIAL_CAPACITY);
            self.buf.resize(self.buf.len() + grow, 0);
        }
        let stop = limit.clamp(self.end + 1, self.buf.len());
        loop {
            match self.reader.read(&mut self.buf[self.end..stop]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// A block is handed over in its reading buffer, not copied, past this many
/// times the block size asked for (a record that long).
const LARGE_BLOCK_FACTOR: usize = 4;

/// How far past a block's size [`RecordSplitter::next_blocks`] reads: what it
/// copies into the next buffer, with the part of a record cut off at the
/// block's end.
const READ_PAST_BLOCK: usize = 4 * 1024;

/// Whole records taken from the input by [`RecordSplitter::next_blocks`].
#[derive(Debug)]
pub struct Block {
    bytes: Vec<u8>,
    /// Where the records are in `bytes`.
    range: std::ops::Range<usize>,
}

impl Block {
    /// The block's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.range.clone()]
    }

    /// The buffer the block's bytes are in, for [`RecordSplitter::recycle`]
    /// when they are done with.
    pub fn into_buffer(self) -> Vec<u8> {
        self.bytes
    }
}

/// The records of one block from [`RecordSplitter::next_blocks`], cut on a worker.
#[derive(Debug, Default)]
pub struct BlockRecords {
    /// Each record's bytes (without its line break) and its line: counted from
    /// 1 at the block's start, then, after [`RecordSplitter::account`], the input's.
    pub records: Vec<(Vec<u8>, u64)>,
    /// The block's bytes, no longer needed once its records are cut: to be
    /// [recycled](RecordSplitter::recycle).
    pub buffer: Vec<u8>,
    /// Line breaks in the block.
    breaks: u64,
    /// The line (from 1 at the block's start) after its last record.
    next_line: u64,
    /// Quote characters in the block.
    quotes: u64,
    /// Lines (from 1 at the block's start) of the block's last odd and last even quote.
    odd_quote_line: u64,
    even_quote_line: u64,
}

impl BlockRecords {
    /// Cuts `block` into records as [`RecordSplitter::next_record`] would,
    /// taking their bytes into the `spares` buffers first, then new ones.
    pub fn cut(block: Block, delimiter: u8, mut spares: Vec<Vec<u8>>) -> BlockRecords {
        let mut s = RecordSplitter {
            buf: block.bytes,
            start: block.range.start,
            scan: block.range.start,
            end: block.range.end,
            eof: true,
            ..RecordSplitter::new(io::empty(), delimiter)
        };
        let mut records = Vec::new();
        loop {
            let mut raw = spares.pop().unwrap_or_default();
            // Reading an in-memory block cannot fail.
            match s.next_record(&mut raw) {
                Ok(Some(line)) => records.push((raw, line)),
                Ok(None) | Err(_) => break,
            }
        }
        BlockRecords {
            records,
            buffer: std::mem::take(&mut s.buf),
            breaks: s.breaks,
            next_line: s.next_line,
            quotes: s.quotes,
            odd_quote_line: s.odd_quote_line,
            even_quote_line: s.even_quote_line,
        }
    }
}

/// Where the last record that ends inside `buf[from..limit]` ends, just after
/// its line break (CR LF taken whole), or `None` when no record ends there;
/// `from` is the start of a record. Only quotes are visited: each stretch
/// outside quotes is searched backwards for a line break. `end` is how far
/// `buf` holds input, `eof` whether the input ends there (what follows a quote
/// or a CR at the limit decides how it reads).
fn last_record_end(
    buf: &[u8],
    from: usize,
    limit: usize,
    end: usize,
    eof: bool,
    delimiter: u8,
) -> Option<usize> {
    // Without the input's end, a break is only taken where the byte after it is known.
    let limit = if eof {
        limit
    } else {
        limit.min(end.saturating_sub(1))
    };
    let mut best: Option<usize> = None;
    let mut last_break_in = |a: usize, b: usize| {
        if a < b {
            if let Some(k) = memchr::memrchr2(b'\n', b'\r', &buf[a..b]) {
                best = Some(a + k);
            }
        }
    };
    let mut quoted = false;
    // Start of the stretch outside quotes being crossed.
    let mut outside = from;
    let mut i = from;
    while i < limit {
        let Some(k) = memchr(b'"', &buf[i..limit]) else {
            break;
        };
        let at = i + k;
        if quoted {
            if at + 1 >= end && !eof {
                // `""` or a closing quote? Undecided: what went before stands.
                break;
            }
            if buf.get(at + 1) == Some(&b'"') {
                i = at + 2;
            } else {
                quoted = false;
                outside = at + 1;
                i = at + 1;
            }
        } else {
            // A quote opens a quoted field only at the start of a field.
            if at == from || matches!(buf[at - 1], b'\n' | b'\r') || buf[at - 1] == delimiter {
                last_break_in(outside, at);
                quoted = true;
            }
            i = at + 1;
        }
    }
    if !quoted {
        last_break_in(outside, limit);
    }
    best.map(|b| {
        if buf[b] == b'\r' && buf.get(b + 1) == Some(&b'\n') && b + 1 < end {
            b + 2
        } else {
            b + 1
        }
    })
}

/// Splits one raw record from [`RecordSplitter`] into `out`'s fields, undoing
/// the quoting exactly as the csv crate does ([`split_fields_in_place`] on a copy).
pub fn split_fields(raw: &[u8], delimiter: u8, out: &mut ByteRecord) {
    split_fields_in_place(&mut raw.to_vec(), delimiter, out);
}

/// Splits one raw record from [`RecordSplitter`] into `out`'s fields, undoing
/// the quoting exactly as the csv crate does. A quoted field with `""` in it
/// is unescaped in place in `raw` (it only ever gets shorter) instead of in a
/// buffer of its own, so a huge field is never held twice while it is split.
pub fn split_fields_in_place(raw: &mut [u8], delimiter: u8, out: &mut ByteRecord) {
    out.clear();
    let mut i = 0;
    loop {
        if raw.get(i) == Some(&b'"') {
            i += 1;
            let start = i;
            // Unescaped bytes so far are `raw[start..w]`; `raw[piece..i]` is still to move there.
            let mut w = i;
            let mut piece = i;
            loop {
                match memchr(b'"', &raw[i..]) {
                    // Unclosed: the field runs to the end of the input.
                    None => {
                        let len = raw.len();
                        raw.copy_within(piece..len, w);
                        w += len - piece;
                        i = len;
                        break;
                    }
                    Some(k) if raw.get(i + k + 1) == Some(&b'"') => {
                        raw.copy_within(piece..=i + k, w);
                        w += i + k + 1 - piece;
                        i += k + 2;
                        piece = i;
                    }
                    Some(k) => {
                        // The closing quote; bytes after it up to the delimiter belong to the field.
                        let close = i + k;
                        let rest = close + 1;
                        let next = memchr(delimiter, &raw[rest..]).map_or(raw.len(), |d| rest + d);
                        raw.copy_within(piece..close, w);
                        w += close - piece;
                        raw.copy_within(rest..next, w);
                        w += next - rest;
                        i = next;
                        break;
                    }
                }
            }
            out.push_field(&raw[start..w]);
        } else {
            let next = memchr(delimiter, &raw[i..]).map_or(raw.len(), |d| i + d);
            out.push_field(&raw[i..next]);
            i = next;
        }
        if i >= raw.len() {
            return;
        }
        // At a delimiter: another field follows (an empty one at the very end).
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A reader that hands out its bytes in the given read sizes.
    struct Chunked {
        data: Vec<u8>,
        at: usize,
        sizes: Vec<usize>,
        call: usize,
    }

    impl Read for Chunked {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let size = self.sizes[self.call % self.sizes.len()].max(1);
            self.call += 1;
            let n = size.min(buf.len()).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    /// Records as (line, fields).
    type Records = Vec<(u64, Vec<Vec<u8>>)>;

    /// Records, fields and lines as popm's splitter sees them, and the odd-quote line (0: none).
    /// Records from `handover` bytes on are handed over; fields are split by
    /// both functions, which must agree.
    fn ours(data: &[u8], delimiter: u8, sizes: Vec<usize>, handover: usize) -> (Records, u64) {
        let reader = Chunked {
            data: data.to_vec(),
            at: 0,
            sizes,
            call: 0,
        };
        let mut s = RecordSplitter::new(reader, delimiter).with_handover_bytes(handover);
        let mut raw = Vec::new();
        let mut rec = ByteRecord::new();
        let mut in_place = ByteRecord::new();
        let mut out = Vec::new();
        while let Some(line) = s.next_record(&mut raw).unwrap() {
            split_fields(&raw, delimiter, &mut rec);
            split_fields_in_place(&mut raw, delimiter, &mut in_place);
            assert_eq!(rec, in_place, "in place and copied agree");
            out.push((line, rec.iter().map(<[u8]>::to_vec).collect()));
        }
        (out, s.unbalanced_quote_line().unwrap_or(0))
    }

    /// The same from the csv crate; lines counted the way popm counts them.
    fn theirs(data: &[u8], delimiter: u8) -> Records {
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        let mut rec = ByteRecord::new();
        let mut out = Vec::new();
        while r.read_byte_record(&mut rec).unwrap() {
            let at = rec.position().unwrap().byte() as usize;
            out.push((line_at(data, at), rec.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    /// 1 + the line breaks (LF, CR LF, lone CR) before byte `at`.
    fn line_at(data: &[u8], at: usize) -> u64 {
        let mut breaks = 0;
        for (i, &b) in data[..at].iter().enumerate() {
            if b == b'\r' || (b == b'\n' && (i == 0 || data[i - 1] != b'\r')) {
                breaks += 1;
            }
        }
        breaks + 1
    }

    fn fields(data: &str) -> Vec<Vec<String>> {
        ours(data.as_bytes(), b',', vec![usize::MAX], usize::MAX)
            .0
            .into_iter()
            .map(|(_, f)| {
                f.into_iter()
                    .map(|x| String::from_utf8(x).unwrap())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn splits_plain_and_quoted_fields() {
        assert_eq!(
            fields("a,b\n\"x, \"\"y\"\"\nz\",2\r\n\r\n,\n"),
            vec![vec!["a", "b"], vec!["x, \"y\"\nz", "2"], vec!["", ""],]
        );
    }

    #[test]
    fn malformed_quotes_are_read_like_the_csv_crate() {
        for text in [
            "a,5\" screen,b\n",
            "\"ab\"x\"cd,e\"\n",
            "\"unclosed,\nstill\n",
            "\"ab\"\"",
            "x\r\ry\r\n\n\"q\"\r",
        ] {
            assert_eq!(
                ours(text.as_bytes(), b',', vec![3], 4).0,
                theirs(text.as_bytes(), b','),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_record_larger_than_the_buffer_is_read_whole() {
        let long = "w".repeat(3 * INITIAL_CAPACITY);
        let text = format!("id,text\n1,\"{long}\"\n2,x\n");
        let (recs, _) = ours(text.as_bytes(), b',', vec![100_000], 1);
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[1].1[1].len(), long.len());
        assert_eq!(recs[2].0, 3);
    }

    #[test]
    fn a_record_larger_than_a_block_comes_whole_in_its_own_buffer() {
        // Longer than a reading buffer, and than a record handed over whole.
        let lines = HANDOVER_BYTES.max(3 * INITIAL_CAPACITY);
        let long = "w\n".repeat(lines);
        let text = format!("id,text\n1,\"{long}\"\n2,x\n3,y\n");
        let (recs, _) = by_blocks(text.as_bytes(), vec![100_000], 1024, 2, true);
        assert_eq!(
            recs,
            ours(text.as_bytes(), b',', vec![usize::MAX], usize::MAX).0
        );
        assert_eq!(recs[1].1[1].len(), long.len());
        assert_eq!(recs[2].0, 3 + lines as u64);
    }

    #[test]
    fn reports_the_line_of_an_unbalanced_quote() {
        let (_, line) = ours(b"a,b\n1,\"ok\"\n2,\"open\n3,x\n", b',', vec![7], usize::MAX);
        assert_eq!(line, 3);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Any mix of CSV's special bytes and text, read in any pieces, gives
        /// the csv crate's records, fields and lines.
        #[test]
        fn agrees_with_the_csv_crate(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("\""), Just("\"\""), Just(","), Just(";"), Just("\n"), Just("\r"),
                    Just("\r\n"), Just("a"), Just("bc d"), Just("é"),
                ],
                0..40,
            ),
            semicolon in any::<bool>(),
            sizes in proptest::collection::vec(1usize..9, 1..4),
            handover in prop_oneof![Just(usize::MAX), 1usize..12],
        ) {
            let data = pieces.concat().into_bytes();
            let delimiter = if semicolon { b';' } else { b',' };
            let (got, odd_line) = ours(&data, delimiter, sizes, handover);
            prop_assert_eq!(got, theirs(&data, delimiter));
            let quotes = data.iter().filter(|&&b| b == b'"').count();
            prop_assert_eq!(odd_line != 0, quotes % 2 == 1);
        }

        /// Records taken a block at a time (after a first record taken alone,
        /// as a header is), cut and counted in, are the records, lines and
        /// odd-quote line of the splitter read one record at a time, for any
        /// block size and reads.
        #[test]
        fn blocks_give_the_same_records_as_one_at_a_time(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("\""), Just("\"\""), Just(","), Just("\n"), Just("\r"), Just("\r\n"),
                    Just("\n\n"), Just("a"), Just("bc d"), Just("é"), Just("x\"y"),
                ],
                0..60,
            ),
            sizes in proptest::collection::vec(1usize..12, 1..4),
            block_bytes in 1usize..24,
            count in 1usize..4,
            header in any::<bool>(),
        ) {
            let data = pieces.concat().into_bytes();
            let want = ours(&data, b',', vec![usize::MAX], usize::MAX);
            prop_assert_eq!(by_blocks(&data, sizes, block_bytes, count, header), want);
        }
    }

    /// [`ours`], but with the records after the first taken by blocks.
    fn by_blocks(
        data: &[u8],
        sizes: Vec<usize>,
        block_bytes: usize,
        count: usize,
        header: bool,
    ) -> (Records, u64) {
        let reader = Chunked {
            data: data.to_vec(),
            at: 0,
            sizes,
            call: 0,
        };
        let mut s = RecordSplitter::new(reader, b',');
        let mut rec = ByteRecord::new();
        let mut out = Vec::new();
        if header {
            let mut raw = Vec::new();
            if let Some(line) = s.next_record(&mut raw).unwrap() {
                split_fields(&raw, b',', &mut rec);
                out.push((line, rec.iter().map(<[u8]>::to_vec).collect()));
            }
        }
        loop {
            let blocks = s.next_blocks(count, block_bytes).unwrap();
            let taken = blocks.len();
            for block in blocks {
                assert!(!block.as_bytes().is_empty());
                // Spare buffers, some holding bytes already, change nothing.
                let spares = vec![b"stale".to_vec(), Vec::with_capacity(3)];
                let mut records = BlockRecords::cut(block, b',', spares);
                s.account(&mut records);
                // Reading goes on in buffers of blocks already cut, their old bytes still in them.
                let buffer = std::mem::take(&mut records.buffer);
                s.recycle(buffer, INITIAL_CAPACITY, count);
                for (raw, line) in records.records {
                    split_fields(&raw, b',', &mut rec);
                    out.push((line, rec.iter().map(<[u8]>::to_vec).collect()));
                }
            }
            if taken < count {
                break;
            }
        }
        (out, s.unbalanced_quote_line().unwrap_or(0))
    }
}
