//! Reading postings from JSON Lines or a JSON array of objects, as scrapers and APIs emit them.
//!
//! The input is UTF-8 already ([`crate::input::decode`] ran first). The header is the
//! keys of the **first object**, in the order they are written; every later
//! object's values are looked up by those names, so a key the first object
//! lacks is not read, and a missing key gives an empty field. Values become
//! text with [`value_text`]: strings as they are, numbers as JSON writes them,
//! `true`/`false`, `null` as empty, arrays and objects as compact JSON. A
//! column can also be a dotted path into nested objects (`job.description`),
//! added after opening with [`RecordReader::add_column`].
//!
//! Both forms stream: JSON Lines line by line (blank lines are skipped), a
//! JSON array element by element ([`crate::input::json_array`] cuts them), so
//! memory holds one posting at a time whatever the size of the input. A line
//! or element that is not valid JSON, or not an object, becomes a record with
//! [`Record::error`] set (one `error` row in the output, naming the line or
//! element) and the run goes on; a break in the array's own structure stops
//! the run with its line and byte. A `.json` input whose first character is
//! `{` is read as JSON Lines.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::input::json_array::{ArrayElements, ElementPlace};
use crate::input::json_large::{LargeObject, NotObject, LARGE_OBJECT_BYTES};
use crate::input::record::{Deferred, Opened, Record, RecordReader, RECORD_KEEP_BYTES};

/// The line buffer is given back after a line longer than this.
const LINE_KEEP_BYTES: usize = 1 << 20;

/// The text of a JSON value as a field: strings unchanged, numbers as written
/// by JSON, `true`/`false`, `null` empty, arrays and objects as compact JSON.
pub fn value_text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed(""),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        Value::Number(n) => Cow::Owned(n.to_string()),
        Value::Array(_) | Value::Object(_) => Cow::Owned(v.to_string()),
    }
}

/// "a string", "an array" ...: what a non-object value is, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json's message without its " at line L column C" tail.
fn short_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    }
}

/// The value at `path` (keys into nested objects) in `obj`.
fn lookup<'a>(obj: &'a Map<String, Value>, path: &[String]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    rest.iter()
        .try_fold(obj.get(first)?, |v, key| v.as_object()?.get(key))
}

/// Fills `rec` with the values of `obj` at `keys`, in order; a large record's
/// field buffer is sized to its strings first (no doubling past them).
fn fill(rec: &mut Record, obj: &Map<String, Value>, keys: &[Vec<String>]) {
    let strings: usize = keys
        .iter()
        .filter_map(|path| match lookup(obj, path) {
            Some(Value::String(s)) => Some(s.len()),
            _ => None,
        })
        .sum();
    if strings > RECORD_KEEP_BYTES {
        rec.fields = csv::ByteRecord::with_capacity(strings + 64 * keys.len(), keys.len());
    }
    rec.fields.clear();
    for path in keys {
        match lookup(obj, path) {
            Some(v) => rec.fields.push_field(value_text(v).as_bytes()),
            None => rec.fields.push_field(b""),
        }
    }
}

/// Makes `rec` an error record: no fields, and why.
fn fail(rec: &mut Record, reason: String) {
    rec.fields.clear();
    rec.error = Some(reason);
}

/// One line or element, parsed.
enum Parsed {
    Object(Map<String, Value>),
    /// An object over [`LARGE_OBJECT_BYTES`], read without building its values.
    Large(LargeObject),
    Bad(String),
}

impl Parsed {
    /// Fills `rec` with the values at `keys`, or makes it an error record.
    fn fill(self, rec: &mut Record, keys: &[Vec<String>]) {
        match self {
            Parsed::Object(obj) => fill(rec, &obj, keys),
            Parsed::Large(large) => large.fill(rec, keys),
            Parsed::Bad(reason) => fail(rec, reason),
        }
    }

    /// The keys of an object, in the order written.
    fn keys(&self) -> Option<Vec<String>> {
        match self {
            Parsed::Object(obj) => Some(obj.keys().cloned().collect()),
            Parsed::Large(large) => Some(large.keys()),
            Parsed::Bad(_) => None,
        }
    }
}

/// A line's or element's text as an object: a [`LargeObject`] past
/// [`LARGE_OBJECT_BYTES`], else its values.
fn parse_object(text: Cow<'_, str>) -> std::result::Result<Parsed, NotObject> {
    let text = if text.len() > LARGE_OBJECT_BYTES {
        match LargeObject::check(text.into_owned())? {
            Ok(large) => return Ok(Parsed::Large(large)),
            Err(text) => Cow::Owned(text),
        }
    } else {
        text
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => Ok(Parsed::Object(m)),
        Ok(other) => Err(NotObject::Kind(kind(&other))),
        Err(e) => Err(NotObject::Invalid(e)),
    }
}

/// The text of a line or element; invalid UTF-8 becomes U+FFFD.
fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn parse_line(text: Cow<'_, str>, line: u64) -> Parsed {
    match parse_object(text) {
        Ok(parsed) => parsed,
        Err(NotObject::Kind(kind)) => Parsed::Bad(format!(
            "JSON Lines line {line} is {kind}, not an object with the posting's fields; \
             fix or remove the line"
        )),
        Err(NotObject::Invalid(e)) => Parsed::Bad(format!(
            "JSON Lines line {line} is not valid JSON ({}, at column {}); fix or remove the line",
            short_message(&e),
            e.column()
        )),
    }
}

fn parse_element(place: ElementPlace, text: Cow<'_, str>) -> Parsed {
    let index = place.index;
    match parse_object(text) {
        Ok(parsed) => parsed,
        Err(NotObject::Kind(kind)) => Parsed::Bad(format!(
            "element {index} of the JSON array is {kind}, not an object with the posting's fields \
             (line {})",
            place.line
        )),
        Err(NotObject::Invalid(e)) => Parsed::Bad(format!(
            "element {index} of the JSON array (line {}, byte {}) is not valid JSON ({}); \
             fix or remove the element",
            place.line + e.line().saturating_sub(1) as u64,
            place.offset,
            short_message(&e)
        )),
    }
}

/// Reads the next non-blank line into `buf`, counting lines in `line`;
/// `false` at the end of the input.
fn next_line(
    name: &str,
    input: &mut Box<dyn BufRead + Send>,
    line: &mut u64,
    buf: &mut Vec<u8>,
) -> Result<bool> {
    loop {
        if buf.capacity() > LINE_KEEP_BYTES {
            *buf = Vec::new();
        }
        buf.clear();
        let n = input
            .read_until(b'\n', buf)
            .map_err(|e| Error::io(name, e))?;
        if n == 0 {
            return Ok(false);
        }
        *line += 1;
        if !buf.trim_ascii().is_empty() {
            return Ok(true);
        }
    }
}

/// Parses JSON Lines line `line` (its bytes in `buf`, white space around
/// them allowed). A line over [`LARGE_OBJECT_BYTES`] takes `buf` over as the
/// object's text, without a copy.
fn parse_line_bytes(buf: &mut Vec<u8>, line: u64) -> Parsed {
    let bytes = buf.trim_ascii();
    if bytes.len() <= LARGE_OBJECT_BYTES {
        return parse_line(String::from_utf8_lossy(bytes), line);
    }
    let lead = buf.len() - buf.trim_ascii_start().len();
    let keep = buf.trim_ascii_end().len();
    let mut owned = std::mem::take(buf);
    owned.truncate(keep);
    owned.drain(..lead);
    parse_line(Cow::Owned(lossy(owned)), line)
}

/// Makes the fields of a record whose JSON Lines line was read with its
/// fields deferred (in `rec.raw`; its number in `rec.line`): the values at
/// `keys`, or an error record for a line that is not an object.
pub(crate) fn fill_line(rec: &mut Record, keys: &[Vec<String>]) {
    let mut raw = std::mem::take(&mut rec.raw);
    parse_line_bytes(&mut raw, rec.line).fill(rec, keys);
    // A small line's buffer serves the slot's next line.
    if raw.capacity() <= LINE_KEEP_BYTES {
        raw.clear();
        rec.raw = raw;
    }
}

/// Makes the fields of a record whose JSON array element was read with its
/// fields deferred (in `rec.raw`), as [`fill_line`] does for a line.
pub(crate) fn fill_element(rec: &mut Record, keys: &[Vec<String>], place: ElementPlace) {
    let raw = std::mem::take(&mut rec.raw);
    let parsed = if raw.len() > LARGE_OBJECT_BYTES {
        parse_element(place, Cow::Owned(lossy(raw)))
    } else {
        let parsed = parse_element(place, String::from_utf8_lossy(&raw));
        rec.raw = raw;
        rec.raw.clear();
        parsed
    };
    parsed.fill(rec, keys);
}

/// Where the objects come from.
enum Feed {
    /// JSON Lines: the input, the last line number read, the line buffer.
    Lines {
        input: Box<dyn BufRead + Send>,
        line: u64,
        buf: Vec<u8>,
    },
    /// The elements of a JSON array.
    Array(ArrayElements),
}

/// [`RecordReader`] over JSON Lines or a JSON array.
struct JsonReader {
    name: String,
    feed: Feed,
    /// The columns: a path of keys each.
    keys: Vec<Vec<String>>,
    /// Records parsed ahead while looking for the first object (the header).
    pending: VecDeque<(u64, Parsed)>,
    /// `keys`, shared with the workers that parse deferred lines.
    shared_keys: Option<Arc<[Vec<String>]>>,
}

impl JsonReader {
    /// The next line or element parsed, with its line (JSON Lines) or element number.
    fn next_parsed(&mut self) -> Result<Option<(u64, Parsed)>> {
        match self.pending.pop_front() {
            Some(p) => Ok(Some(p)),
            None => self.read_feed(),
        }
    }

    /// The next line or element from the input itself.
    fn read_feed(&mut self) -> Result<Option<(u64, Parsed)>> {
        match &mut self.feed {
            Feed::Lines { input, line, buf } => {
                if !next_line(&self.name, input, line, buf)? {
                    return Ok(None);
                }
                let parsed = parse_line_bytes(buf, *line);
                if buf.capacity() > LINE_KEEP_BYTES {
                    *buf = Vec::new();
                }
                Ok(Some((*line, parsed)))
            }
            Feed::Array(elements) => {
                let parsed = elements.next_element()?.map(|(place, bytes)| {
                    let parsed = parse_element(place, String::from_utf8_lossy(bytes));
                    (place.index, parsed)
                });
                // Parsed: the text of a huge element need not stay beside its values.
                elements.release_large_buffer();
                Ok(parsed)
            }
        }
    }

    /// Reads ahead to the first object; its keys become the columns (unless
    /// `keys` are given). Whether anything at all was found.
    fn find_header(&mut self, keys: Option<&[String]>) -> Result<bool> {
        while let Some((at, parsed)) = self.read_feed()? {
            let first_keys = parsed
                .keys()
                .map(|keys| keys.into_iter().map(|k| vec![k]).collect());
            self.pending.push_back((at, parsed));
            if let Some(first_keys) = first_keys {
                self.keys = first_keys;
                break;
            }
        }
        if let Some(keys) = keys {
            self.keys = keys.iter().map(|k| vec![k.clone()]).collect();
        }
        Ok(!self.pending.is_empty())
    }

    /// The first object read, if any.
    fn first_object(&self) -> Option<&Parsed> {
        self.pending
            .iter()
            .map(|(_, p)| p)
            .find(|p| !matches!(p, Parsed::Bad(_)))
    }

    /// Dotted paths one level down in the first object (`job.description`).
    fn nested_paths(&self) -> Vec<String> {
        match self.first_object() {
            Some(Parsed::Object(obj)) => obj
                .iter()
                .filter_map(|(k, v)| Some((k, v.as_object()?)))
                .flat_map(|(k, inner)| inner.keys().map(move |c| format!("{k}.{c}")))
                .collect(),
            Some(Parsed::Large(large)) => large.nested_paths(),
            _ => Vec::new(),
        }
    }

    fn opened(self) -> Opened {
        let header: Vec<String> = self.keys.iter().map(|p| p.join(".")).collect();
        Opened {
            width: header.len(),
            nested: self.nested_paths(),
            header,
            reader: Box::new(self),
        }
    }
}

impl RecordReader for JsonReader {
    fn next_record(&mut self, rec: &mut Record) -> Result<bool> {
        let Some((at, parsed)) = self.next_parsed()? else {
            return Ok(false);
        };
        rec.line = at;
        parsed.fill(rec, &self.keys);
        Ok(true)
    }

    fn next_record_deferred(&mut self, rec: &mut Record) -> Result<bool> {
        if !self.pending.is_empty() {
            return self.next_record(rec);
        }
        let keys = Arc::clone(
            self.shared_keys
                .get_or_insert_with(|| self.keys.clone().into()),
        );
        rec.fields.clear();
        match &mut self.feed {
            Feed::Lines { input, line, buf } => {
                if !next_line(&self.name, input, line, buf)? {
                    return Ok(false);
                }
                // The line's bytes go to the record, and the record's old
                // buffer becomes the line buffer: no copy.
                std::mem::swap(&mut rec.raw, buf);
                rec.line = *line;
                rec.unsplit = Some(Deferred::JsonLine(keys));
            }
            Feed::Array(elements) => {
                let Some((place, bytes)) = elements.next_element()? else {
                    return Ok(false);
                };
                rec.raw.clear();
                rec.raw.extend_from_slice(bytes);
                elements.release_large_buffer();
                rec.line = place.index;
                rec.unsplit = Some(Deferred::JsonElement(keys, place));
            }
        }
        Ok(true)
    }

    fn add_column(&mut self, dotted: &str) -> bool {
        let path: Vec<String> = dotted.split('.').map(str::to_string).collect();
        let is_there = path.len() > 1
            && path.iter().all(|k| !k.is_empty())
            && match self.first_object() {
                Some(Parsed::Object(obj)) => lookup(obj, &path).is_some(),
                Some(Parsed::Large(large)) => large.has(&path),
                _ => false,
            };
        if is_there {
            self.keys.push(path);
            self.shared_keys = None;
        }
        is_there
    }
}

/// Opens JSON Lines read from `input` (UTF-8).
///
/// # Errors
///
/// When reading fails, or the input has no non-blank line.
pub(crate) fn open_lines(name: &str, input: Box<dyn Read + Send>) -> Result<Opened> {
    let input = Box::new(BufReader::with_capacity(1 << 16, input));
    open_lines_at(name, input, 0, None)
}

/// Like [`open_lines`], but `keys` are the header (every object is read by
/// them) instead of the keys of the first object.
///
/// # Errors
///
/// As [`open_lines`].
pub(crate) fn open_lines_with_keys(
    name: &str,
    input: Box<dyn Read + Send>,
    keys: &[String],
) -> Result<Opened> {
    let input = Box::new(BufReader::with_capacity(1 << 16, input));
    open_lines_at(name, input, 0, Some(keys))
}

/// Like [`open_lines`] (with `keys`, [`open_lines_with_keys`]), with `skipped`
/// lines already consumed before `input`.
fn open_lines_at(
    name: &str,
    input: Box<dyn BufRead + Send>,
    skipped: u64,
    keys: Option<&[String]>,
) -> Result<Opened> {
    let mut reader = JsonReader {
        name: name.to_string(),
        feed: Feed::Lines {
            input,
            line: skipped,
            buf: Vec::new(),
        },
        keys: Vec::new(),
        pending: VecDeque::new(),
        shared_keys: None,
    };
    if !reader.find_header(keys)? {
        return Err(Error::input(
            "JSON",
            name,
            None,
            "the input is empty: expected JSON Lines, one object per posting and line",
        ));
    }
    Ok(reader.opened())
}

/// Opens a JSON array of objects read from `input` (UTF-8); a first `{` means JSON Lines.
///
/// # Errors
///
/// When reading fails, the input is empty, or is neither an array nor JSON
/// Lines; a break in the array's structure before its first object (the
/// message names the line and byte).
pub(crate) fn open_json(name: &str, input: Box<dyn Read + Send>) -> Result<Opened> {
    open_json_keyed(name, input, None)
}

/// Like [`open_json`], but `keys` are the header (every object is read by
/// them) instead of the keys of the first object.
///
/// # Errors
///
/// As [`open_json`].
pub(crate) fn open_json_with_keys(
    name: &str,
    input: Box<dyn Read + Send>,
    keys: &[String],
) -> Result<Opened> {
    open_json_keyed(name, input, Some(keys))
}

fn open_json_keyed(
    name: &str,
    input: Box<dyn Read + Send>,
    keys: Option<&[String]>,
) -> Result<Opened> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let mut skipped_lines = 0u64;
    let mut skipped_bytes = 0u64;
    let first = loop {
        let buf = input.fill_buf().map_err(|e| Error::io(name, e))?;
        if buf.is_empty() {
            break None;
        }
        let blanks = buf.iter().position(|b| !b.is_ascii_whitespace());
        let n = blanks.unwrap_or(buf.len());
        let first = blanks.map(|i| buf[i]);
        skipped_lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        skipped_bytes += n as u64;
        input.consume(n);
        if first.is_some() {
            break first;
        }
    };
    match first {
        None => Err(Error::input(
            "JSON",
            name,
            None,
            "the input is empty: expected a JSON array of objects, one per posting",
        )),
        Some(b'{') => open_lines_at(name, Box::new(input), skipped_lines, keys),
        Some(b'[') => {
            input.consume(1);
            let elements =
                ArrayElements::new(Box::new(input), name, skipped_bytes + 1, skipped_lines + 1);
            let mut reader = JsonReader {
                name: name.to_string(),
                feed: Feed::Array(elements),
                keys: Vec::new(),
                pending: VecDeque::new(),
                shared_keys: None,
            };
            reader.find_header(keys)?;
            Ok(reader.opened())
        }
        Some(other) => Err(Error::input(
            "JSON",
            name,
            Some(skipped_lines + 1),
            format!(
                "expected a JSON array of objects ([{{...}}, ...]) or JSON Lines, found {:?}; \
                 for CSV use --input-format csv",
                char::from(other)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn records(opened: Opened) -> Vec<Record> {
        let mut reader = opened.reader;
        let mut out = Vec::new();
        loop {
            let mut rec = Record::default();
            if !reader.next_record(&mut rec).unwrap() {
                return out;
            }
            out.push(rec);
        }
    }

    fn fields(rec: &Record) -> Vec<String> {
        rec.fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect()
    }

    fn lines(text: &str) -> Opened {
        open_lines("t.jsonl", Box::new(Cursor::new(text.as_bytes().to_vec()))).unwrap()
    }

    fn array(text: &str) -> Result<Opened> {
        open_json("t.json", Box::new(Cursor::new(text.as_bytes().to_vec())))
    }

    #[test]
    fn renders_values_as_text() {
        let v: Value = serde_json::from_str(
            r#"{"s":"x","i":42,"f":1.5,"t":true,"n":null,"a":[1,"b"],"o":{"k":2}}"#,
        )
        .unwrap();
        let text: Vec<String> = v
            .as_object()
            .unwrap()
            .values()
            .map(|v| value_text(v).into_owned())
            .collect();
        assert_eq!(
            text,
            ["x", "42", "1.5", "true", "", r#"[1,"b"]"#, r#"{"k":2}"#]
        );
    }

    #[test]
    fn header_is_the_first_objects_keys() {
        let o = lines(
            "{\"id\":1,\"description\":\"a\",\"title\":\"t\"}\n\
             \n\
             {\"title\":\"u\",\"id\":2,\"extra\":9}\n",
        );
        assert_eq!(o.header, ["id", "description", "title"]);
        let recs = records(o);
        assert_eq!(recs.len(), 2, "blank lines are skipped");
        assert_eq!(fields(&recs[0]), ["1", "a", "t"]);
        assert_eq!(fields(&recs[1]), ["2", "", "u"], "missing → empty, by name");
        assert_eq!((recs[0].line, recs[1].line), (1, 3));
    }

    #[test]
    fn bad_lines_become_error_records() {
        let o = lines("not json\n{\"id\":1,\"description\":\"a\"}\n[1,2]\n{\"id\":\n");
        assert_eq!(
            o.header,
            ["id", "description"],
            "found after a bad first line"
        );
        let recs = records(o);
        assert_eq!(recs.len(), 4);
        let e0 = recs[0].error.as_deref().unwrap();
        assert!(e0.contains("line 1 is not valid JSON"), "{e0}");
        assert!(recs[0].fields.is_empty());
        assert!(recs[1].error.is_none());
        let e2 = recs[2].error.as_deref().unwrap();
        assert!(e2.contains("line 3 is an array"), "{e2}");
        let e3 = recs[3].error.as_deref().unwrap();
        assert!(e3.contains("line 4") && e3.contains("column"), "{e3}");
    }

    #[test]
    fn empty_jsonl_is_an_error() {
        let e = open_lines("e.jsonl", Box::new(Cursor::new(b"\n  \n".to_vec())));
        let e = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("e.jsonl: the input is empty"), "{e}");
    }

    #[test]
    fn reads_an_array_of_objects() {
        let o = array(
            "[\n {\"id\": \"a1\", \"description\": \"x\", \"salary\": 50000},\n 7,\n {\"id\": \"a2\"}\n]",
        )
        .unwrap();
        assert_eq!(o.header, ["id", "description", "salary"]);
        let recs = records(o);
        assert_eq!(recs.len(), 3);
        assert_eq!(fields(&recs[0]), ["a1", "x", "50000"]);
        let e = recs[1].error.as_deref().unwrap();
        assert!(e.contains("element 2") && e.contains("a number"), "{e}");
        assert_eq!(fields(&recs[2]), ["a2", "", ""]);
    }

    #[test]
    fn invalid_json_names_the_line() {
        // A bad element is one error record; the elements around it are read.
        let recs = records(array("\n\n[{\"id\": 1},\n {\"id\": },\n{\"id\": 3}]").unwrap());
        assert_eq!(recs.len(), 3);
        let e = recs[1].error.as_deref().unwrap();
        assert!(
            e.starts_with("element 2 of the JSON array (line 4, byte 15) is not valid JSON"),
            "{e}"
        );
        assert_eq!(fields(&recs[2]), ["3"]);
        // A broken array stops with its line and byte.
        let mut reader = array("\n\n[{\"id\": 1}\n {\"id\": 2}]").unwrap().reader;
        let mut rec = Record::default();
        assert!(reader.next_record(&mut rec).unwrap());
        let e = reader.next_record(&mut rec).unwrap_err().to_string();
        assert!(
            e.starts_with("t.json:4: expected , or ] after element 1") && e.contains("(byte 14)"),
            "{e}"
        );
        let e = array("id,description\n").err().unwrap().to_string();
        assert!(e.contains("--input-format csv"), "{e}");
        let e = array(" \n ").err().unwrap().to_string();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn object_first_json_is_read_as_lines() {
        let o = array("\n{\"id\":1}\n{\"id\":2}\n").unwrap();
        assert_eq!(o.header, ["id"]);
        let recs = records(o);
        assert_eq!((recs[0].line, recs[1].line), (2, 3));
    }

    #[test]
    fn given_keys_are_the_header() {
        let keys = ["label".to_string(), "confidence".to_string()];
        let text = "{\"label\":\"error\"}\n{\"confidence\":0.5,\"label\":\"x\",\"z\":1}\n";
        for o in [
            open_lines_with_keys(
                "k.jsonl",
                Box::new(Cursor::new(text.as_bytes().to_vec())),
                &keys,
            )
            .unwrap(),
            open_json_with_keys(
                "k.json",
                Box::new(Cursor::new(text.as_bytes().to_vec())),
                &keys,
            )
            .unwrap(),
            open_json_with_keys(
                "k.json",
                Box::new(Cursor::new(
                    b"[{\"label\":\"error\"},{\"confidence\":0.5,\"label\":\"x\"}]".to_vec(),
                )),
                &keys,
            )
            .unwrap(),
        ] {
            assert_eq!(o.header, keys);
            assert_eq!(o.width, 2);
            let recs = records(o);
            assert_eq!(fields(&recs[0]), ["error", ""]);
            assert_eq!(fields(&recs[1]), ["x", "0.5"]);
        }
    }

    #[test]
    fn empty_array_has_no_records() {
        let o = array("[]").unwrap();
        assert!(o.header.is_empty());
        assert!(records(o).is_empty());
    }
}

#[cfg(test)]
mod deferred_tests {
    use crate::input::format::InputFormat;
    use crate::input::record::{ReadOptions, Record};
    use crate::input::source::Source;

    /// One record as read: line (or element number), row, fields, error.
    type Read = (u64, u64, Vec<String>, Option<String>);

    /// Every record of `text`, read with the fields deferred (made as a
    /// worker makes them) or not.
    fn read(text: &str, format: InputFormat, deferred: bool, nested: Option<&str>) -> Vec<Read> {
        let mut src = Source::from_reader(
            "t.json",
            Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
            format,
            &ReadOptions::default(),
        )
        .unwrap();
        if let Some(path) = nested {
            assert!(src.add_nested_column(path).is_some());
        }
        let mut out = Vec::new();
        let mut batch: Vec<Record> = Vec::new();
        loop {
            let more = if deferred {
                src.read_batch_deferred(&mut batch).unwrap()
            } else {
                src.read_batch(&mut batch).unwrap()
            };
            for rec in &mut batch {
                out.push(rec.with_fields(|r| {
                    let fields = r
                        .fields
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect();
                    (r.line, r.row, fields, r.error.clone())
                }));
            }
            if !more {
                return out;
            }
        }
    }

    #[test]
    fn deferred_lines_and_elements_give_the_records_parsed_ones_give() {
        let big = "x\\n".repeat(600_000);
        let objects = [
            r#"{"id": 1, "job": {"d": "a\tb"}, "t": "PO"}"#.to_string(),
            "[1]".to_string(),
            "{\"t\": ]".to_string(),
            format!(r#"{{"t": "big", "job": {{"d": "{big}"}}, "id": 3}}"#),
            r#"{"id": null}"#.to_string(),
            r#"  {"id": 5}  "#.to_string(),
        ];
        let lines = format!("\n{}\n  \n{}\n", objects[0], objects[1..].join("\n"));
        let array = format!("[\n{}\n]", objects.join(",\n"));
        for (text, format) in [(&lines, InputFormat::Jsonl), (&array, InputFormat::Json)] {
            for nested in [None, Some("job.d")] {
                let want = read(text, format, false, nested);
                assert_eq!(want.len(), 6);
                assert!(want[1]
                    .3
                    .as_deref()
                    .is_some_and(|e| e.contains("is an array")));
                assert!(want[2]
                    .3
                    .as_deref()
                    .is_some_and(|e| e.contains("not valid JSON")));
                assert!(want[3].2.iter().any(|f| f.len() > 1 << 20) || nested.is_none());
                assert_eq!(
                    read(text, format, true, nested),
                    want,
                    "{format:?} {nested:?}"
                );
            }
        }
    }
}
