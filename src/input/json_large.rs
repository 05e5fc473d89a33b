//! A JSON object too large to parse into values, read without extra copies.
//!
//! Parsing a line or element into a `serde_json::Value` holds its text, the
//! parser's scratch copy of every string with an escape (real descriptions
//! all have `\n` or `\"`) and the parsed string, before the field is copied
//! into the record: about 3× a huge description. An object over
//! [`LARGE_OBJECT_BYTES`] is instead checked for validity without building
//! values ([`serde::de::IgnoredAny`]), kept as its text, and its fields are
//! found as raw slices of that text and unescaped in place, so it costs its
//! text and its fields (2×). The fields are the same as the small path gives.

use std::ops::Range;

use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::input::record::{Record, RECORD_KEEP_BYTES};

/// Objects whose text is longer than this are read as a [`LargeObject`]
/// (in fuzzing builds, a few bytes: so that fuzz inputs reach this path).
pub(crate) const LARGE_OBJECT_BYTES: usize = if cfg!(fuzzing) { 24 } else { 1 << 20 };

/// Why a text is not a JSON object.
pub(crate) enum NotObject {
    /// It is not valid JSON.
    Invalid(serde_json::Error),
    /// It is valid JSON of another kind: "an array", "a string", ...
    Kind(&'static str),
}

/// A valid JSON object kept as its text.
pub(crate) struct LargeObject {
    text: String,
}

/// Where a field's value is: a string's raw text (quotes included), or the
/// field's text already made (numbers, booleans, null, arrays, objects).
enum Place {
    Str(Range<usize>),
    Text(String),
}

impl LargeObject {
    /// Checks that `text` is one JSON object. A text whose escapes include a
    /// lone UTF-16 surrogate (which a `String` cannot hold) is given back,
    /// `Ok(Err(text))`: parse it as a `Value`, which rejects it with
    /// serde_json's message.
    pub(crate) fn check(text: String) -> Result<Result<LargeObject, String>, NotObject> {
        serde_json::from_str::<IgnoredAny>(&text).map_err(NotObject::Invalid)?;
        match text.trim_start().as_bytes().first() {
            Some(b'{') if has_lone_surrogate(text.as_bytes()) => Ok(Err(text)),
            Some(b'{') => Ok(Ok(LargeObject { text })),
            Some(b'[') => Err(NotObject::Kind("an array")),
            Some(b'"') => Err(NotObject::Kind("a string")),
            Some(b't' | b'f') => Err(NotObject::Kind("a boolean")),
            Some(b'n') => Err(NotObject::Kind("null")),
            _ => Err(NotObject::Kind("a number")),
        }
    }

    /// The object's keys, in the order written.
    pub(crate) fn keys(&self) -> Vec<String> {
        entries(&self.text).into_iter().map(|(k, _)| k).collect()
    }

    /// Dotted paths one level down (`job.description`), in the order written.
    pub(crate) fn nested_paths(&self) -> Vec<String> {
        entries(&self.text)
            .into_iter()
            .filter(|(_, v)| v.get().starts_with('{'))
            .flat_map(|(k, v)| {
                entries(v.get())
                    .into_iter()
                    .map(move |(c, _)| format!("{k}.{c}"))
            })
            .collect()
    }

    /// Whether the object has a value at `path`.
    pub(crate) fn has(&self, path: &[String]) -> bool {
        Objects::default().lookup(&self.text, path).is_some()
    }

    /// Fills `rec` with the values at `keys`, in order, as
    /// [`crate::input::json::value_text`] would make them; the strings are
    /// unescaped where they lie in the object's text.
    pub(crate) fn fill(self, rec: &mut Record, keys: &[Vec<String>]) {
        let mut objects = Objects::default();
        let places: Vec<Option<Place>> = keys
            .iter()
            .map(|path| {
                let raw = objects.lookup(&self.text, path)?;
                let text = raw.get();
                if text.starts_with('"') {
                    let start = text.as_ptr() as usize - self.text.as_ptr() as usize;
                    return Some(Place::Str(start..start + text.len()));
                }
                let value: Value = serde_json::from_str(text).ok()?;
                Some(Place::Text(
                    crate::input::json::value_text(&value).into_owned(),
                ))
            })
            .collect();
        let mut bytes = self.text.into_bytes();
        // Each string unescaped once (two columns may name the same value).
        let mut done: Vec<(usize, Range<usize>)> = Vec::new();
        let mut fields: Vec<Option<Range<usize>>> = Vec::with_capacity(places.len());
        for place in &places {
            fields.push(match place {
                Some(Place::Str(raw)) => {
                    Some(match done.iter().find(|(start, _)| *start == raw.start) {
                        Some((_, unescaped)) => unescaped.clone(),
                        None => {
                            let unescaped = unescape_in_place(&mut bytes, raw.clone());
                            done.push((raw.start, unescaped.clone()));
                            unescaped
                        }
                    })
                }
                _ => None,
            });
        }
        let total: usize = places
            .iter()
            .zip(&fields)
            .map(|(p, f)| match (p, f) {
                (_, Some(r)) => r.len(),
                (Some(Place::Text(t)), None) => t.len(),
                _ => 0,
            })
            .sum();
        if total > RECORD_KEEP_BYTES {
            rec.fields = csv::ByteRecord::with_capacity(total + 64 * keys.len(), keys.len());
        }
        rec.fields.clear();
        for (place, field) in places.iter().zip(&fields) {
            match (place, field) {
                (_, Some(r)) => rec.fields.push_field(&bytes[r.clone()]),
                (Some(Place::Text(t)), None) => rec.fields.push_field(t.as_bytes()),
                _ => rec.fields.push_field(b""),
            }
        }
    }
}

/// The top-level entries of the object `text`, in the order written; a
/// repeated key keeps its first place and its last value (as
/// `serde_json::Map` does). Empty when `text` is not an object.
fn entries(text: &str) -> Entries<'_> {
    struct Entries;
    impl<'de> Visitor<'de> for Entries {
        type Value = Vec<(String, &'de RawValue)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out: Self::Value = Vec::new();
            while let Some((key, value)) = map.next_entry::<String, &'de RawValue>()? {
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some(entry) => entry.1 = value,
                    None => out.push((key, value)),
                }
            }
            Ok(out)
        }
    }
    serde_json::Deserializer::from_str(text)
        .deserialize_map(Entries)
        .unwrap_or_default()
}

/// An object's entries, in the order written, their values raw.
type Entries<'t> = Vec<(String, &'t RawValue)>;

/// The objects of one text met while looking values up, each parsed once: a
/// huge object is scanned once however many columns are read from it.
#[derive(Default)]
struct Objects<'t> {
    /// Each object's text (where it starts, its length) and its entries.
    parsed: Vec<((usize, usize), Entries<'t>)>,
}

impl<'t> Objects<'t> {
    /// The raw value at `path` (keys into nested objects) in the object `text`.
    fn lookup(&mut self, text: &'t str, path: &[String]) -> Option<&'t RawValue> {
        let (first, rest) = path.split_first()?;
        let mut value = self.value(text, first)?;
        for key in rest {
            value = self.value(value.get(), key)?;
        }
        Some(value)
    }

    /// The value of `key` in the object `text`.
    fn value(&mut self, text: &'t str, key: &str) -> Option<&'t RawValue> {
        let id = (text.as_ptr() as usize, text.len());
        let at = match self.parsed.iter().position(|(p, _)| *p == id) {
            Some(at) => at,
            None => {
                self.parsed.push((id, entries(text)));
                self.parsed.len() - 1
            }
        };
        self.parsed[at]
            .1
            .iter()
            .find(|(k, _)| k == key)
            .map(|e| e.1)
    }
}

/// The four hex digits of a `\u` escape at `b[at..]`, if they are there.
fn hex4(b: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
    u16::from_str_radix(digits, 16).ok()
}

/// Whether a `\u` escape of valid JSON `b` is a UTF-16 surrogate without its pair.
fn has_lone_surrogate(b: &[u8]) -> bool {
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'\\', &b[i..]) {
        let at = i + k;
        if b.get(at + 1) != Some(&b'u') {
            i = at + 2;
            continue;
        }
        let unit = hex4(b, at + 2).unwrap_or(0);
        i = at + 6;
        match unit {
            0xD800..=0xDBFF => {
                let low = (b.get(at + 6..at + 8) == Some(b"\\u"))
                    .then(|| hex4(b, at + 8))
                    .flatten();
                if !matches!(low, Some(0xDC00..=0xDFFF)) {
                    return true;
                }
                i = at + 12;
            }
            0xDC00..=0xDFFF => return true,
            _ => {}
        }
    }
    false
}

/// Unescapes the JSON string `b[raw]` (quotes included, valid JSON, no lone
/// surrogates) into the start of the same range; returns where it now lies.
/// Unescaped text is never longer than its escapes, so it never overtakes
/// what is still to be read.
fn unescape_in_place(b: &mut [u8], raw: Range<usize>) -> Range<usize> {
    let (mut read, end) = (raw.start + 1, raw.end - 1);
    let mut write = raw.start;
    while read < end {
        let Some(k) = memchr::memchr(b'\\', &b[read..end]) else {
            b.copy_within(read..end, write);
            write += end - read;
            break;
        };
        b.copy_within(read..read + k, write);
        write += k;
        read += k;
        let escaped = b[read + 1];
        read += 2;
        let byte = match escaped {
            b'b' => 0x08,
            b'f' => 0x0C,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let unit = hex4(b, read).unwrap_or(0xFFFD);
                read += 4;
                let c = if (0xD800..=0xDBFF).contains(&unit) {
                    let low = hex4(b, read + 2).unwrap_or(0);
                    read += 6;
                    char::from_u32(
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00),
                    )
                } else {
                    char::from_u32(u32::from(unit))
                };
                let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
                write += c.encode_utf8(&mut b[write..write + 4]).len();
                continue;
            }
            other => other, // `"`, `\`, `/`
        };
        b[write] = byte;
        write += 1;
    }
    raw.start..write
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields the `Value` path gives for `text` at `keys`.
    fn by_value(text: &str, keys: &[Vec<String>]) -> Vec<String> {
        let Value::Object(obj) = serde_json::from_str::<Value>(text).unwrap() else {
            panic!("not an object");
        };
        keys.iter()
            .map(|path| {
                let (first, rest) = path.split_first().unwrap();
                rest.iter()
                    .try_fold(obj.get(first), |v, k| Some(v?.as_object()?.get(k)))
                    .flatten()
                    .map_or(String::new(), |v| {
                        crate::input::json::value_text(v).into_owned()
                    })
            })
            .collect()
    }

    fn by_large(text: &str, keys: &[Vec<String>]) -> Vec<String> {
        let large = match LargeObject::check(text.to_string()) {
            Ok(Ok(large)) => large,
            _ => panic!("not a large object"),
        };
        let mut rec = Record::default();
        large.fill(&mut rec, keys);
        rec.fields
            .iter()
            .map(|f| String::from_utf8(f.to_vec()).unwrap())
            .collect()
    }

    fn path(p: &str) -> Vec<String> {
        p.split('.').map(str::to_string).collect()
    }

    #[test]
    fn fields_equal_the_value_path() {
        let text = r#" {"id": 17, "title": "Product \"Owner\"", "description": "Own the backlog.\nWrite stories \u00e9\u00E9 \ud83d\ude00 \/ \\ \t end", "tags": ["a", 1], "job": {"text": "Ro\u0061dmap", "n": null}, "ok": true, "title": "Product Owner (m/w/d)", "empty": ""} "#;
        let keys: Vec<Vec<String>> = [
            "id",
            "title",
            "description",
            "tags",
            "job",
            "job.text",
            "job.n",
            "ok",
            "missing",
            "job.missing",
            "description",
            "empty",
        ]
        .iter()
        .map(|p| path(p))
        .collect();
        assert_eq!(by_large(text, &keys), by_value(text, &keys));
    }

    #[test]
    fn keys_and_nested_paths_are_in_written_order() {
        let large = LargeObject::check(
            r#"{"b": 1, "a": {"y": 1, "x": 2}, "b": 3, "c": {"z": "\n"}}"#.to_string(),
        )
        .ok()
        .and_then(Result::ok)
        .unwrap();
        assert_eq!(large.keys(), ["b", "a", "c"]);
        assert_eq!(large.nested_paths(), ["a.y", "a.x", "c.z"]);
        assert!(large.has(&path("a.x")) && !large.has(&path("a.w")));
    }

    #[test]
    fn non_objects_and_invalid_json_are_told_apart() {
        assert!(matches!(
            LargeObject::check("[1, 2]".into()),
            Err(NotObject::Kind("an array"))
        ));
        assert!(matches!(
            LargeObject::check(" \"x\"".into()),
            Err(NotObject::Kind("a string"))
        ));
        assert!(matches!(
            LargeObject::check("{\"a\": }".into()),
            Err(NotObject::Invalid(_))
        ));
        // A lone surrogate: left to the Value path, which names it.
        assert!(matches!(
            LargeObject::check(r#"{"a": "\ud83d x"}"#.into()),
            Ok(Err(_))
        ));
        assert!(matches!(
            LargeObject::check(r#"{"a": "\\ud83d \ude00"}"#.into()),
            Ok(Err(_))
        ));
        assert!(matches!(
            LargeObject::check(r#"{"a": "\\ud83d"}"#.into()),
            Ok(Ok(_))
        ));
    }

    /// JSON text for `s` with every character outside ASCII written as a
    /// `\u` escape (astral ones as surrogate pairs), as ASCII-only writers do.
    fn ascii_json(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '/' => out.push_str("\\/"),
                c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
                c => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{u:04x}"));
                    }
                }
            }
        }
        out.push('"');
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Any strings, escaped by serde_json or written ASCII-only, nested or
        /// not, under repeated or missing keys: the fields equal the Value path's.
        #[test]
        fn any_object_gives_the_value_paths_fields(
            values in proptest::collection::vec("(?s).{0,40}", 1..6),
            ascii in proptest::bool::ANY,
            nest in proptest::bool::ANY,
        ) {
            let mut text = String::from("{");
            for (i, v) in values.iter().enumerate() {
                let json = if ascii { ascii_json(v) } else { serde_json::to_string(v).unwrap() };
                let entry = if nest && i % 2 == 1 { format!("{{\"x\": {json}, \"n\": [1, {json}]}}") } else { json };
                // Key `k0` is written twice: its last value counts.
                text.push_str(&format!("{}\"k{}\": {entry}", if i > 0 { ", " } else { "" }, i % 4));
            }
            text.push('}');
            let keys: Vec<Vec<String>> = ["k0", "k1", "k1.x", "k1.n", "k2", "k3", "k5", "k0"]
                .iter()
                .map(|p| path(p))
                .collect();
            proptest::prop_assert_eq!(by_large(&text, &keys), by_value(&text, &keys));
        }
    }
}
