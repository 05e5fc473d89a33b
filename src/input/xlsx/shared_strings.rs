//! A workbook's shared-strings table, kept in memory while it is small and in
//! a temporary file past that.
//!
//! Excel saves the text of string cells once, in `xl/sharedStrings.xml`, and
//! a cell holds the string's index. The table is as large as the sheet's text
//! (280 MB for a million postings), so it cannot stay in memory. The strings
//! are appended to one buffer with their start offsets beside it; past
//! [`SPILL_BYTES`] both move to unnamed temporary files (deleted when closed,
//! whatever happens). A lookup then reads through a small cache of the
//! files' blocks: Excel numbers strings in the order cells first use them, so
//! a sheet read top to bottom reads each file mostly front to back, and the
//! strings cells repeat (a title, a place) stay in cached blocks.

use std::fs::File;
use std::io::{self, BufRead, BufWriter, Read, Seek, SeekFrom, Write};

use std::sync::atomic::{AtomicBool, Ordering};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::rich_text::read_item;

/// Bytes of strings and offsets kept in memory before both move to files.
#[cfg(not(fuzzing))]
pub const SPILL_BYTES: usize = 16 << 20;

/// Fuzzing spills almost at once, to reach the temporary files.
#[cfg(fuzzing)]
pub const SPILL_BYTES: usize = 64;

/// Bytes read at once from a spilled file: one block of its cache.
const BLOCK_BYTES: usize = 64 << 10;

/// Blocks of a spilled file kept in memory (2 MiB).
const CACHED_BLOCKS: usize = 32;

/// The shared strings of a workbook, by index.
#[derive(Default)]
pub struct SharedStrings {
    /// The table while it is in memory.
    memory: InMemory,
    /// The table once spilled.
    spilled: Option<Spilled>,
    /// Strings in the table.
    len: u64,
}

/// Strings end to end, and where each starts.
#[derive(Default)]
struct InMemory {
    text: Vec<u8>,
    starts: Vec<u64>,
}

/// The table in two temporary files: the strings end to end, and each
/// string's start as 8 little-endian bytes.
struct Spilled {
    text: Window,
    starts: Window,
    /// Bytes of text written so far (the next string's start).
    text_len: u64,
    /// Set once the last string is in: the writers are flushed.
    sealed: bool,
}

impl SharedStrings {
    /// Reads the table from the shared-strings part (`<sst>` of `<si>` items),
    /// giving up once `stop` is set.
    ///
    /// # Errors
    ///
    /// When the XML is broken, a temporary file cannot be made or written,
    /// or `stop` was set.
    pub fn read<R: BufRead>(xml: &mut Reader<R>, stop: &AtomicBool) -> Result<Self, String> {
        let mut table = SharedStrings::new();
        let mut buf = Vec::new();
        let mut item_buf = Vec::new();
        let mut text = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.local_name().as_ref() == b"si" => {
                    if table.len() % 1024 == 0 && stop.load(Ordering::Relaxed) {
                        return Err("stopped: the rows are no longer wanted".to_string());
                    }
                    text.clear();
                    read_item(xml, b"si", &mut item_buf, &mut text)
                        .map_err(|e| format!("shared string {}: {e}", table.len() + 1))?;
                    table.push(&text).map_err(|e| {
                        format!("cannot keep the shared strings in a temporary file: {e}")
                    })?;
                }
                Ok(Event::Eof) => return Ok(table),
                Ok(_) => {}
                Err(e) => return Err(format!("shared strings: {e}")),
            }
        }
    }

    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Strings in the table.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the table has moved to temporary files.
    #[cfg(test)]
    fn is_spilled(&self) -> bool {
        self.spilled.is_some()
    }

    /// Appends the next string.
    ///
    /// # Errors
    ///
    /// When the temporary files cannot be made or written.
    pub fn push(&mut self, s: &[u8]) -> io::Result<()> {
        self.len += 1;
        let m = &self.memory;
        if self.spilled.is_none() && m.text.len() + s.len() + (m.starts.len() + 1) * 8 > SPILL_BYTES
        {
            // Spilled before the string is added, so the buffers never grow past the limit.
            self.spill()?;
        }
        if let Some(sp) = &mut self.spilled {
            sp.starts.writer()?.write_all(&sp.text_len.to_le_bytes())?;
            sp.text.writer()?.write_all(s)?;
            sp.text_len += s.len() as u64;
            return Ok(());
        }
        let m = &mut self.memory;
        m.starts.push(m.text.len() as u64);
        m.text.extend_from_slice(s);
        Ok(())
    }

    /// Moves the table to temporary files.
    fn spill(&mut self) -> io::Result<()> {
        let m = std::mem::take(&mut self.memory);
        let mut text = Window::create()?;
        let mut starts = Window::create()?;
        text.writer()?.write_all(&m.text)?;
        let w = starts.writer()?;
        for s in &m.starts {
            w.write_all(&s.to_le_bytes())?;
        }
        self.spilled = Some(Spilled {
            text,
            starts,
            text_len: m.text.len() as u64,
            sealed: false,
        });
        Ok(())
    }

    /// Puts string `index` into `out` (cleared first); `false` when the table
    /// has no such string.
    ///
    /// # Errors
    ///
    /// When a temporary file cannot be read.
    pub fn get(&mut self, index: u64, out: &mut Vec<u8>) -> io::Result<bool> {
        out.clear();
        if index >= self.len {
            return Ok(false);
        }
        let Some(sp) = &mut self.spilled else {
            let m = &self.memory;
            let i = index as usize;
            let start = m.starts[i] as usize;
            let end = m.starts.get(i + 1).map_or(m.text.len(), |&e| e as usize);
            out.extend_from_slice(&m.text[start..end]);
            return Ok(true);
        };
        if !sp.sealed {
            sp.text.seal()?;
            sp.starts.seal()?;
            sp.sealed = true;
        }
        let mut bounds = [0u8; 16];
        let last = index + 1 == self.len;
        let want = if last { 8 } else { 16 };
        sp.starts.read_at(index * 8, &mut bounds[..want])?;
        let start = u64::from_le_bytes(bounds[..8].try_into().unwrap_or_default());
        let end = if last {
            sp.text_len
        } else {
            u64::from_le_bytes(bounds[8..].try_into().unwrap_or_default())
        };
        let len = end.checked_sub(start).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidData, "shared strings out of order")
        })?;
        out.resize(len as usize, 0);
        sp.text.read_at(start, out)?;
        Ok(true)
    }
}

/// A temporary file written front to back, then read through a cache of
/// its blocks, the least recently used given up first.
struct Window {
    writer: Option<BufWriter<File>>,
    file: Option<File>,
    blocks: Vec<Block>,
    /// Counts reads, to tell which block was used last.
    tick: u64,
}

/// One cached block of a file.
struct Block {
    /// The block's number (its offset over [`BLOCK_BYTES`]).
    number: u64,
    data: Vec<u8>,
    used: u64,
}

impl Window {
    /// A new unnamed temporary file, open for writing.
    fn create() -> io::Result<Self> {
        Ok(Window {
            writer: Some(BufWriter::with_capacity(1 << 16, tempfile::tempfile()?)),
            file: None,
            blocks: Vec::new(),
            tick: 0,
        })
    }

    /// The file's writer.
    fn writer(&mut self) -> io::Result<&mut BufWriter<File>> {
        self.writer
            .as_mut()
            .ok_or_else(|| io::Error::other("shared strings written after reading began"))
    }

    /// Ends writing: what was written can be read.
    fn seal(&mut self) -> io::Result<()> {
        if let Some(w) = self.writer.take() {
            self.file = Some(w.into_inner().map_err(|e| e.into_error())?);
        }
        Ok(())
    }

    /// The file, once sealed.
    fn file(&mut self) -> io::Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("shared strings read before they were written"))
    }

    /// Fills `out` with the bytes at `offset`.
    fn read_at(&mut self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        if out.len() >= BLOCK_BYTES * 4 {
            // A long string: read past the cache, keeping it for short ones.
            let file = self.file()?;
            file.seek(SeekFrom::Start(offset))?;
            return file.read_exact(out);
        }
        let mut done = 0;
        while done < out.len() {
            let at = offset + done as u64;
            let within = (at % BLOCK_BYTES as u64) as usize;
            let block = self.block(at / BLOCK_BYTES as u64)?;
            let n = (out.len() - done).min(block.len().saturating_sub(within));
            if n == 0 {
                return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
            }
            out[done..done + n].copy_from_slice(&block[within..within + n]);
            done += n;
        }
        Ok(())
    }

    /// The bytes of block `number`, from the cache or read into it.
    fn block(&mut self, number: u64) -> io::Result<&[u8]> {
        self.tick += 1;
        let tick = self.tick;
        let slot = match self.blocks.iter().position(|b| b.number == number) {
            Some(i) => i,
            None => {
                let slot = if self.blocks.len() < CACHED_BLOCKS {
                    self.blocks.push(Block {
                        number,
                        data: Vec::with_capacity(BLOCK_BYTES),
                        used: 0,
                    });
                    self.blocks.len() - 1
                } else {
                    (0..self.blocks.len())
                        .min_by_key(|&i| self.blocks[i].used)
                        .unwrap_or(0)
                };
                let mut data = std::mem::take(&mut self.blocks[slot].data);
                let file = self.file()?;
                file.seek(SeekFrom::Start(number * BLOCK_BYTES as u64))?;
                data.clear();
                file.take(BLOCK_BYTES as u64).read_to_end(&mut data)?;
                self.blocks[slot].number = number;
                self.blocks[slot].data = data;
                slot
            }
        };
        let block = &mut self.blocks[slot];
        block.used = tick;
        Ok(&block.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &mut SharedStrings, i: u64) -> Option<String> {
        let mut out = Vec::new();
        t.get(i, &mut out)
            .unwrap()
            .then(|| String::from_utf8(out).unwrap())
    }

    #[test]
    fn reads_the_part() {
        let xml = r#"<?xml version="1.0"?><sst count="3" uniqueCount="3"><si><t>id</t></si><si><r><t>Own </t></r><r><t>it</t></r></si><si/></sst>"#;
        let mut r = Reader::from_reader(xml.as_bytes());
        r.config_mut().expand_empty_elements = true;
        let mut t = SharedStrings::read(&mut r, &AtomicBool::new(false)).unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(text(&mut t, 1).as_deref(), Some("Own it"));
        assert_eq!(text(&mut t, 2).as_deref(), Some(""));
        let mut r = Reader::from_reader(&b"<sst><si><t>a</t></si><si><t>cut"[..]);
        let e = SharedStrings::read(&mut r, &AtomicBool::new(false))
            .err()
            .unwrap_or_default();
        assert!(e.starts_with("shared string 2: "), "{e}");
    }

    #[test]
    fn reading_stops_when_told() {
        let mut r = Reader::from_reader(&b"<sst><si><t>a</t></si></sst>"[..]);
        let e = SharedStrings::read(&mut r, &AtomicBool::new(true))
            .err()
            .unwrap_or_default();
        assert!(e.starts_with("stopped"), "{e}");
    }

    #[test]
    fn small_tables_stay_in_memory() {
        let mut t = SharedStrings::new();
        for s in ["id", "", "Own the backlog"] {
            t.push(s.as_bytes()).unwrap();
        }
        assert!(!t.is_spilled());
        assert_eq!(t.len(), 3);
        assert_eq!(text(&mut t, 0).as_deref(), Some("id"));
        assert_eq!(text(&mut t, 1).as_deref(), Some(""));
        assert_eq!(text(&mut t, 2).as_deref(), Some("Own the backlog"));
        assert_eq!(text(&mut t, 3), None);
    }

    #[test]
    fn large_tables_spill_and_read_back_in_any_order() {
        let mut t = SharedStrings::new();
        let make = |i: u64| format!("posting {i} {}", "x".repeat((i % 5000) as usize));
        let n = 20_000u64;
        for i in 0..n {
            t.push(make(i).as_bytes()).unwrap();
        }
        assert!(t.is_spilled(), "{} strings of ~2.5 KB spill", n);
        // Front to back, then jumping about, then a string longer than a window.
        for i in (0..n).step_by(7).chain([n - 1, 3, n / 2, 0, n - 2]) {
            assert_eq!(text(&mut t, i), Some(make(i)), "string {i}");
        }
        assert_eq!(text(&mut t, n), None);
        let big = "y".repeat(SPILL_BYTES + 3);
        let mut t2 = SharedStrings::new();
        t2.push(big.as_bytes()).unwrap();
        t2.push(b"after").unwrap();
        assert!(t2.is_spilled());
        assert_eq!(text(&mut t2, 0).as_deref(), Some(big.as_str()));
        assert_eq!(text(&mut t2, 1).as_deref(), Some("after"));
    }
}
