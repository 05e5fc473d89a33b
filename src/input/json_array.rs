//! Cutting a JSON array into its top-level elements as the bytes stream in.
//!
//! [`ArrayElements`] reads the text after the opening `[` and hands out one
//! element's bytes at a time, with its number, byte offset and line, so that
//! an array of any size is read in the memory of its largest element. The cut
//! is a scan that knows strings and escapes and counts bracket depth; it does
//! not check the element (serde_json parses each one afterwards, and an
//! element that is not valid JSON becomes one error record). Only a break in
//! the array's own structure (no `,` between elements, no closing `]`, text
//! after it) stops the reading, with its place in the input.

use std::io::BufRead;

use crate::error::{Error, Result};

/// The element buffer is given back after an element larger than this, so
/// that one huge element does not stay in memory for the rest of the array.
const BUF_KEEP_BYTES: usize = 1 << 20;

/// Where an element of the array starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ElementPlace {
    /// 1-based element number.
    pub index: u64,
    /// 0-based byte offset of its first byte in the input.
    pub offset: u64,
    /// 1-based line of its first byte.
    pub line: u64,
}

/// The top-level elements of a JSON array whose `[` has been read.
pub struct ArrayElements {
    input: Box<dyn BufRead + Send>,
    name: String,
    /// Bytes consumed so far.
    offset: u64,
    /// The 1-based line at `offset`.
    line: u64,
    /// Elements handed out so far.
    count: u64,
    is_done: bool,
    /// The current element's bytes (reused).
    buf: Vec<u8>,
}

/// What ended a run of bytes the scanner skipped.
enum Stop {
    Byte(u8),
    End,
}

impl ArrayElements {
    /// Starts after the `[` of an array in `input` (named `name` in messages),
    /// `offset` bytes and `line - 1` line breaks into the input.
    pub fn new(input: Box<dyn BufRead + Send>, name: &str, offset: u64, line: u64) -> Self {
        ArrayElements {
            input,
            name: name.to_string(),
            offset,
            line,
            count: 0,
            is_done: false,
            buf: Vec::new(),
        }
    }

    /// The next element's bytes (white space around it trimmed) and place, or
    /// `None` after the closing `]`.
    ///
    /// # Errors
    ///
    /// When reading fails, or the array's structure is broken: a missing `,`
    /// or `]`, an input that ends inside the array, text after the `]`. The
    /// message names the element, the line and the byte offset.
    pub fn next_element(&mut self) -> Result<Option<(ElementPlace, &[u8])>> {
        if self.is_done {
            return Ok(None);
        }
        match self.skip_blanks()? {
            Stop::Byte(b']') => {
                self.consume(1)?;
                self.finish()?;
                return Ok(None);
            }
            Stop::Byte(b',') if self.count > 0 => {
                self.consume(1)?;
            }
            Stop::Byte(b) if self.count > 0 => {
                return Err(self.broken(format!(
                    "expected , or ] after element {}, found {:?}",
                    self.count,
                    char::from(b)
                )))
            }
            Stop::Byte(_) => {}
            Stop::End => return Err(self.cut_off()),
        }
        if let Stop::End = self.skip_blanks()? {
            return Err(self.cut_off());
        }
        self.count += 1;
        if self.buf.capacity() > BUF_KEEP_BYTES {
            self.buf = Vec::new();
        }
        let place = ElementPlace {
            index: self.count,
            offset: self.offset,
            line: self.line,
        };
        self.buf.clear();
        self.scan_element()?;
        let end = self.buf.trim_ascii_end().len();
        Ok(Some((place, &self.buf[..end])))
    }

    /// Gives back the element buffer if the last element made it large.
    pub fn release_large_buffer(&mut self) {
        if self.buf.capacity() > BUF_KEEP_BYTES {
            self.buf = Vec::new();
        }
    }

    /// Copies one element into `buf`: a string or an array or object up to
    /// its closing `"`, `]` or `}`, anything else up to the white space, `,`
    /// or `]` after it (not included).
    fn scan_element(&mut self) -> Result<()> {
        let mut depth = 0u64;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let chunk = self
                .input
                .fill_buf()
                .map_err(|e| Error::io(&self.name, e))?;
            if chunk.is_empty() {
                return Err(self.cut_off());
            }
            let mut i = 0;
            let mut is_end = false;
            while i < chunk.len() {
                if in_string {
                    if escaped {
                        escaped = false;
                        i += 1;
                        continue;
                    }
                    // Inside a string only `"` and `\` matter: jump to the next one.
                    match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
                        Some(k) => {
                            i += k + 1;
                            if chunk[i - 1] == b'"' {
                                in_string = false;
                                if depth == 0 {
                                    is_end = true;
                                    break;
                                }
                            } else {
                                escaped = true;
                            }
                        }
                        None => i = chunk.len(),
                    }
                    continue;
                }
                match chunk[i] {
                    b'"' => in_string = true,
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' if depth > 0 => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            is_end = true;
                            break;
                        }
                    }
                    b',' | b']' if depth == 0 => {
                        is_end = true;
                        break;
                    }
                    b if depth == 0 && b.is_ascii_whitespace() => {
                        is_end = true;
                        break;
                    }
                    _ => {}
                }
                i += 1;
            }
            self.buf.extend_from_slice(&chunk[..i]);
            self.consume(i)?;
            if is_end {
                return Ok(());
            }
        }
    }

    /// Skips white space; the byte after it (not consumed), or the end.
    fn skip_blanks(&mut self) -> Result<Stop> {
        loop {
            let chunk = self
                .input
                .fill_buf()
                .map_err(|e| Error::io(&self.name, e))?;
            if chunk.is_empty() {
                return Ok(Stop::End);
            }
            match chunk.iter().position(|b| !b.is_ascii_whitespace()) {
                Some(i) => {
                    let b = chunk[i];
                    self.consume(i)?;
                    return Ok(Stop::Byte(b));
                }
                None => {
                    let n = chunk.len();
                    self.consume(n)?;
                }
            }
        }
    }

    /// Consumes `n` bytes of the buffered input, counting lines.
    fn consume(&mut self, n: usize) -> Result<()> {
        let chunk = self
            .input
            .fill_buf()
            .map_err(|e| Error::io(&self.name, e))?;
        self.line += memchr::memchr_iter(b'\n', &chunk[..n]).count() as u64;
        self.offset += n as u64;
        self.input.consume(n);
        Ok(())
    }

    /// After the closing `]`: only white space may follow.
    fn finish(&mut self) -> Result<()> {
        self.is_done = true;
        match self.skip_blanks()? {
            Stop::End => Ok(()),
            Stop::Byte(b) => Err(self.broken(format!(
                "text after the closing ] of the JSON array (found {:?}); \
                 a JSON input must be one array of objects, or one object per line \
                 (--input-format jsonl)",
                char::from(b)
            ))),
        }
    }

    fn cut_off(&self) -> Error {
        let inside = if self.count == 0 {
            "before its first element".to_string()
        } else {
            format!("after element {}", self.count)
        };
        self.broken(format!(
            "the input ends inside the JSON array, {inside}: the file is cut off or \
             lacks its closing ]"
        ))
    }

    fn broken(&self, message: String) -> Error {
        Error::input(
            "JSON",
            &self.name,
            Some(self.line),
            format!("{message} (byte {})", self.offset),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor};

    /// The elements of `text` (after its `[`), read through a tiny buffer so
    /// that every element crosses buffer boundaries.
    fn elements(text: &str) -> Result<Vec<(ElementPlace, String)>> {
        let body = text.strip_prefix('[').expect("starts with [");
        let input = BufReader::with_capacity(3, Cursor::new(body.as_bytes().to_vec()));
        let mut arr = ArrayElements::new(Box::new(input), "a.json", 1, 1);
        let mut out = Vec::new();
        while let Some((place, bytes)) = arr.next_element()? {
            out.push((place, String::from_utf8_lossy(bytes).into_owned()));
        }
        Ok(out)
    }

    fn texts(text: &str) -> Vec<String> {
        elements(text)
            .unwrap()
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn cuts_top_level_elements() {
        assert_eq!(
            texts(r#"[{"a": [1, {"b": "],}"}]}, "x,\"]", 7 , null,[[]]]"#),
            [
                r#"{"a": [1, {"b": "],}"}]}"#,
                r#""x,\"]""#,
                "7",
                "null",
                "[[]]"
            ]
        );
        assert!(texts("[]").is_empty());
        assert!(texts("[ \n ] \n").is_empty());
        assert_eq!(texts(r#"["a\\", "b"]"#), [r#""a\\""#, r#""b""#]);
    }

    #[test]
    fn places_name_element_offset_and_line() {
        let e = elements("[\n {\"id\": 1},\n\n {\"id\": 2}\n]").unwrap();
        let places: Vec<_> = e.iter().map(|(p, _)| (p.index, p.offset, p.line)).collect();
        assert_eq!(places, [(1, 3, 2), (2, 16, 4)]);
    }

    #[test]
    fn bad_elements_are_handed_out_for_the_parser_to_refuse() {
        // Balanced but invalid: cut as an element; serde_json says what is wrong.
        assert_eq!(texts(r#"[{"id": }, 2]"#), [r#"{"id": }"#, "2"]);
        assert_eq!(texts("[1,,2]"), ["1", "", "2"]);
        assert_eq!(texts("[1x, }]"), ["1x", "}"]);
    }

    #[test]
    fn broken_structure_stops_with_its_place() {
        for (text, want) in [
            ("[1 2]", "expected , or ] after element 1, found '2'"),
            (
                r#"[{"a": 1} {"a": 2}]"#,
                "expected , or ] after element 1, found '{'",
            ),
            (
                r#"["a" "b"]"#,
                "expected , or ] after element 1, found '\"'",
            ),
            (
                r#"[{"a": "b"}"#,
                "ends inside the JSON array, after element 1",
            ),
            (
                r#"[{"a": "b"#,
                "ends inside the JSON array, after element 1",
            ),
            ("[", "before its first element"),
            ("[1] x", "text after the closing ]"),
        ] {
            let e = elements(text).unwrap_err().to_string();
            assert!(e.starts_with("a.json:1: "), "{text}: {e}");
            assert!(e.contains(want) && e.contains("(byte "), "{text}: {e}");
        }
    }
}
