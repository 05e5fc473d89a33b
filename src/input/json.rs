//! Reading postings from JSON Lines or a JSON array of objects, as scrapers emit them.
//!
//! The input is UTF-8 already ([`crate::input::decode`] ran first). The header is the
//! keys of the **first object**, in the order they are written; every later
//! object's values are looked up by those names, so a key the first object
//! lacks is not read, and a missing key gives an empty field. Values become
//! text with [`value_text`]: strings as they are, numbers as JSON writes them,
//! `true`/`false`, `null` as empty, arrays and objects as compact JSON.
//!
//! JSON Lines is streamed; blank lines are skipped. A line that is not valid
//! JSON, or not an object, becomes a record with [`Record::error`] set (one
//! `error` row in the output, naming the line) and the run goes on. A JSON
//! array is parsed whole into one `Vec` of values (never kept as text as
//! well) and each element is dropped once it has become a record; an element
//! that is not an object is an error record naming its index. A `.json` file
//! whose first character is `{` is read as JSON Lines.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::input::record::{Opened, Record, RecordReader};

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

/// Fills `rec` with the values of `obj` under `keys`, in order.
fn fill(rec: &mut Record, obj: &Map<String, Value>, keys: &[String]) {
    rec.fields.clear();
    for k in keys {
        match obj.get(k) {
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

/// One non-blank JSON Lines line, parsed.
enum Line {
    Object(Map<String, Value>),
    Bad(String),
}

struct JsonLines {
    input: Box<dyn BufRead + Send>,
    line: u64,
    keys: Vec<String>,
    /// Lines read ahead while looking for the first object (the header).
    pending: VecDeque<(u64, Line)>,
    buf: Vec<u8>,
}

impl JsonLines {
    /// The next non-blank line and its 1-based number, or `None` at the end.
    fn next_line(&mut self, name: &str) -> Result<Option<(u64, Line)>> {
        loop {
            self.buf.clear();
            let n = self
                .input
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| Error::io(name, e))?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            let bytes = self.buf.trim_ascii();
            if bytes.is_empty() {
                continue;
            }
            return Ok(Some((self.line, parse_line(bytes, self.line))));
        }
    }
}

fn parse_line(bytes: &[u8], line: u64) -> Line {
    let text = String::from_utf8_lossy(bytes);
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => Line::Object(m),
        Ok(other) => Line::Bad(format!(
            "JSON Lines line {line} is {}, not an object with the posting's fields; \
             fix or remove the line",
            kind(&other)
        )),
        Err(e) => Line::Bad(format!(
            "JSON Lines line {line} is not valid JSON ({}, at column {}); fix or remove the line",
            short_message(&e),
            e.column()
        )),
    }
}

/// [`RecordReader`] over JSON Lines; `name` is kept for I/O error messages.
struct NamedLines {
    name: String,
    lines: JsonLines,
}

impl RecordReader for NamedLines {
    fn next_record(&mut self, rec: &mut Record) -> Result<bool> {
        let next = match self.lines.pending.pop_front() {
            Some(p) => Some(p),
            None => self.lines.next_line(&self.name)?,
        };
        let Some((line, parsed)) = next else {
            return Ok(false);
        };
        rec.line = line;
        match parsed {
            Line::Object(obj) => fill(rec, &obj, &self.lines.keys),
            Line::Bad(reason) => fail(rec, reason),
        }
        Ok(true)
    }
}

/// Opens JSON Lines read from `input` (UTF-8).
///
/// # Errors
///
/// When reading fails, or the input has no non-blank line.
pub(crate) fn open_lines(name: &str, input: Box<dyn Read + Send>) -> Result<Opened> {
    open_lines_at(
        name,
        Box::new(BufReader::with_capacity(1 << 16, input)),
        0,
        None,
    )
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
    let mut lines = JsonLines {
        input,
        line: skipped,
        keys: Vec::new(),
        pending: VecDeque::new(),
        buf: Vec::new(),
    };
    while let Some((line, parsed)) = lines.next_line(name)? {
        let keys = match &parsed {
            Line::Object(obj) => Some(obj.keys().cloned().collect()),
            Line::Bad(_) => None,
        };
        lines.pending.push_back((line, parsed));
        if let Some(keys) = keys {
            lines.keys = keys;
            break;
        }
    }
    if lines.pending.is_empty() {
        return Err(Error::input(
            "JSON",
            name,
            None,
            "the input is empty: expected JSON Lines, one object per posting and line",
        ));
    }
    if let Some(keys) = keys {
        lines.keys = keys.to_vec();
    }
    Ok(Opened {
        header: lines.keys.clone(),
        width: lines.keys.len(),
        reader: Box::new(NamedLines {
            name: name.to_string(),
            lines,
        }),
    })
}

/// [`RecordReader`] over the elements of a parsed JSON array.
struct JsonArray {
    items: std::vec::IntoIter<Value>,
    index: u64,
    keys: Vec<String>,
}

impl RecordReader for JsonArray {
    fn next_record(&mut self, rec: &mut Record) -> Result<bool> {
        // Each element is dropped once it is a record: memory shrinks as we go.
        let Some(item) = self.items.next() else {
            return Ok(false);
        };
        self.index += 1;
        rec.line = self.index;
        match &item {
            Value::Object(obj) => fill(rec, obj, &self.keys),
            other => fail(
                rec,
                format!(
                    "element {} of the JSON array is {}, not an object with the posting's fields",
                    self.index,
                    kind(other)
                ),
            ),
        }
        Ok(true)
    }
}

/// Opens a JSON array of objects read from `input` (UTF-8); a first `{` means JSON Lines.
///
/// # Errors
///
/// When reading fails, the input is empty, is not valid JSON (the message
/// names the line), or is neither an array nor JSON Lines.
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
    let first = loop {
        let buf = input.fill_buf().map_err(|e| Error::io(name, e))?;
        if buf.is_empty() {
            break None;
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let b = buf[i];
                skipped_lines += buf[..i].iter().filter(|&&c| c == b'\n').count() as u64;
                input.consume(i);
                break Some(b);
            }
            None => {
                let n = buf.len();
                skipped_lines += buf.iter().filter(|&&c| c == b'\n').count() as u64;
                input.consume(n);
            }
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
            let items: Vec<Value> = serde_json::from_reader(input).map_err(|e| {
                Error::input(
                    "JSON",
                    name,
                    Some(skipped_lines + e.line() as u64),
                    format!(
                        "not valid JSON ({}, at column {}); a JSON input must be one array of \
                         objects, or one object per line (--input-format jsonl)",
                        short_message(&e),
                        e.column()
                    ),
                )
            })?;
            let keys: Vec<String> = match keys {
                Some(keys) => keys.to_vec(),
                None => items
                    .iter()
                    .find_map(Value::as_object)
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default(),
            };
            Ok(Opened {
                header: keys.clone(),
                width: keys.len(),
                reader: Box::new(JsonArray {
                    items: items.into_iter(),
                    index: 0,
                    keys,
                }),
            })
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
        let e = array("\n\n[{\"id\": 1},\n {\"id\": }]")
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with("t.json:4: not valid JSON"), "{e}");
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
