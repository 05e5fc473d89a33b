//! The JSON Lines object of one row, written straight into the output buffer.
//!
//! [`JsonRow`] derives `Serialize`, and that derivation is the definition of
//! the bytes: [`JsonRow::write`] writes the same bytes by hand (checked against
//! `serde_json` by the tests below), because serde_json escapes strings one
//! byte at a time and the snippets of the evidence are most of a JSON Lines
//! output. Strings here are copied eight bytes at a time up to the next byte
//! that needs an escape.

use std::borrow::Cow;

use serde::Serialize;

use crate::classify::Classification;
use crate::output::number::round;
use crate::output::row::EvidenceItem;

/// One JSON Lines object; field order is the output's key order.
#[derive(Serialize)]
pub(crate) struct JsonRow<'a> {
    pub(crate) schema_version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) file: Option<&'a str>,
    pub(crate) row: u64,
    pub(crate) id: &'a str,
    pub(crate) label: &'static str,
    #[serde(flatten)]
    pub(crate) verdict: Option<JsonVerdict>,
    pub(crate) lexicon: &'a str,
    pub(crate) evidence: Vec<EvidenceItem<'a>>,
    pub(crate) error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kept: Option<Kept<'a>>,
    pub(crate) warnings: &'a [String],
}

/// The score fields after `label`, shared by JSON Lines and `check --json`.
#[derive(Serialize)]
pub(crate) struct JsonVerdict {
    pub(crate) confidence: f64,
    pub(crate) lean: f64,
    pub(crate) content_lean: f64,
    pub(crate) self_role: Option<&'static str>,
    pub(crate) mismatch: bool,
    pub(crate) language: &'static str,
    pub(crate) po_score: f64,
    pub(crate) pm_score: f64,
    pub(crate) calibrated: bool,
}

impl JsonVerdict {
    pub(crate) fn new(c: &Classification) -> JsonVerdict {
        JsonVerdict {
            confidence: round(c.verdict.confidence, 3),
            lean: round(c.verdict.lean, 3),
            content_lean: round(c.verdict.content_lean, 3),
            self_role: c.self_role.map(|r| r.as_str()),
            mismatch: c.verdict.mismatch,
            language: c.language,
            po_score: round(c.score.po, 2),
            pm_score: round(c.score.pm, 2),
            calibrated: c.verdict.is_calibrated,
        }
    }
}

/// The kept input columns as a JSON object; a repeated name keeps its first
/// place and its last value.
pub(crate) struct Kept<'a> {
    pub(crate) names: &'a [String],
    pub(crate) values: &'a [Cow<'a, str>],
}

impl Serialize for Kept<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.entries() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl<'a> Kept<'a> {
    /// The kept columns in output order: a repeated name keeps its first
    /// place and its last value.
    fn entries(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        let pairs = || self.names.iter().zip(self.values);
        pairs().enumerate().filter_map(move |(i, (name, _))| {
            if pairs().take(i).any(|(n, _)| n == name) {
                return None;
            }
            let value = pairs().rfind(|(n, _)| *n == name)?.1;
            Some((name.as_str(), value.as_ref()))
        })
    }
}

impl JsonRow<'_> {
    /// Appends the object (no line break) to `out`: the bytes
    /// `serde_json::to_writer` gives for it.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"schema_version\":");
        write_u64(out, u64::from(self.schema_version));
        if let Some(file) = self.file {
            out.extend_from_slice(b",\"file\":");
            write_str(out, file);
        }
        out.extend_from_slice(b",\"row\":");
        write_u64(out, self.row);
        out.extend_from_slice(b",\"id\":");
        write_str(out, self.id);
        out.extend_from_slice(b",\"label\":");
        write_str(out, self.label);
        if let Some(v) = &self.verdict {
            out.extend_from_slice(b",\"confidence\":");
            write_f64(out, v.confidence);
            out.extend_from_slice(b",\"lean\":");
            write_f64(out, v.lean);
            out.extend_from_slice(b",\"content_lean\":");
            write_f64(out, v.content_lean);
            out.extend_from_slice(b",\"self_role\":");
            write_opt_str(out, v.self_role);
            out.extend_from_slice(b",\"mismatch\":");
            write_bool(out, v.mismatch);
            out.extend_from_slice(b",\"language\":");
            write_str(out, v.language);
            out.extend_from_slice(b",\"po_score\":");
            write_f64(out, v.po_score);
            out.extend_from_slice(b",\"pm_score\":");
            write_f64(out, v.pm_score);
            out.extend_from_slice(b",\"calibrated\":");
            write_bool(out, v.calibrated);
        }
        out.extend_from_slice(b",\"lexicon\":");
        write_str(out, self.lexicon);
        out.extend_from_slice(b",\"evidence\":[");
        write_separated(out, &self.evidence, write_evidence_item);
        out.extend_from_slice(b"],\"error\":");
        write_opt_str(out, self.error);
        if let Some(kept) = &self.kept {
            out.extend_from_slice(b",\"kept\":{");
            write_separated(out, kept.entries(), |out, (name, value)| {
                write_str(out, name);
                out.push(b':');
                write_str(out, value);
            });
            out.push(b'}');
        }
        out.extend_from_slice(b",\"warnings\":[");
        write_separated(out, self.warnings, |out, w| write_str(out, w));
        out.extend_from_slice(b"]}");
    }
}

/// One element of the `evidence` array, as its `Serialize` derivation writes it.
fn write_evidence_item(out: &mut Vec<u8>, e: &EvidenceItem<'_>) {
    out.extend_from_slice(b"{\"phrase\":");
    write_str(out, e.phrase);
    out.extend_from_slice(b",\"role\":");
    write_str(out, e.role);
    out.extend_from_slice(b",\"category\":");
    write_str(out, e.category);
    out.extend_from_slice(b",\"weight\":");
    write_f64(out, e.weight);
    out.extend_from_slice(b",\"count\":");
    write_u64(out, e.count as u64);
    out.extend_from_slice(b",\"counted\":");
    write_u64(out, e.counted as u64);
    out.extend_from_slice(b",\"contribution\":");
    write_f64(out, e.contribution);
    out.extend_from_slice(b",\"credit_other\":");
    write_f64(out, e.credit_other);
    out.extend_from_slice(b",\"matches\":[");
    write_separated(out, &e.matches, |out, m| {
        out.extend_from_slice(b"{\"field\":");
        write_str(out, m.field);
        out.extend_from_slice(b",\"text\":");
        write_str(out, m.text);
        out.extend_from_slice(b",\"start\":");
        write_u64(out, m.start as u64);
        out.extend_from_slice(b",\"end\":");
        write_u64(out, m.end as u64);
        out.extend_from_slice(b",\"char_start\":");
        write_u64(out, m.char_start as u64);
        out.extend_from_slice(b",\"char_end\":");
        write_u64(out, m.char_end as u64);
        out.extend_from_slice(b",\"snippet\":");
        write_str(out, &m.snippet);
        out.extend_from_slice(b",\"mark\":");
        write_str(out, m.mark);
        out.push(b'}');
    });
    out.extend_from_slice(b"]}");
}

/// Writes each of `items` with `write`, separated by commas.
fn write_separated<T>(
    out: &mut Vec<u8>,
    items: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut Vec<u8>, T),
) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
}

fn write_u64(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// A number as serde_json writes an `f64` (`null` when not finite).
fn write_f64(out: &mut Vec<u8>, x: f64) {
    if serde_json::to_writer(&mut *out, &x).is_err() {
        out.extend_from_slice(b"null");
    }
}

fn write_bool(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn write_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON string, escaped as serde_json escapes it: `"` and `\\` with a
/// backslash, the controls `\\b \\f \\n \\r \\t` by name and the other bytes
/// below 0x20 as `\\u00xx`; everything else as is.
fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut at = 0;
    while let Some(k) = first_to_escape(&b[at..]) {
        let c = b[at + k];
        out.extend_from_slice(&b[at..at + k]);
        let named = match c {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'\n' => Some(b'n'),
            b'\r' => Some(b'r'),
            b'\t' => Some(b't'),
            0x08 => Some(b'b'),
            0x0c => Some(b'f'),
            _ => None,
        };
        match named {
            Some(n) => out.extend_from_slice(&[b'\\', n]),
            None => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 0xf)],
            ]),
        }
        at += k + 1;
    }
    out.extend_from_slice(&b[at..]);
    out.push(b'"');
}

/// Whether a byte is written escaped in a JSON string.
fn is_escaped(c: u8) -> bool {
    c < 0x20 || c == b'"' || c == b'\\'
}

/// The index of the first byte of `b` that [`is_escaped`], sixteen bytes at a time.
fn first_to_escape(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 16) {
        let mask = escape_mask(chunk.try_into().unwrap_or(&[0; 16]));
        if mask != 0 {
            return Some(i + mask.trailing_zeros() as usize);
        }
        i += 16;
    }
    b[i..].iter().position(|&c| is_escaped(c)).map(|k| i + k)
}

/// Bit `k` set when byte `k` of `chunk` [`is_escaped`].
#[cfg(not(target_arch = "x86_64"))]
fn escape_mask(chunk: &[u8; 16]) -> u32 {
    chunk
        .iter()
        .enumerate()
        .fold(0, |m, (k, &c)| m | u32::from(is_escaped(c)) << k)
}

/// Bit `k` set when byte `k` of `chunk` [`is_escaped`], with SSE2 (part of
/// every x86_64 processor).
#[cfg(target_arch = "x86_64")]
#[inline]
fn escape_mask(chunk: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: SSE2 is enabled on every x86_64 target, and the unaligned load
    // reads exactly the sixteen bytes `chunk` borrows.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast());
        // Below 0x20 (unsigned): max(v, 0x1f) is 0x1f only for those.
        let control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f));
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        _mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item<'a>(text: &'a str, snippet: String) -> EvidenceItem<'a> {
        EvidenceItem {
            phrase: text,
            role: "po",
            category: "backlog",
            weight: 1.5,
            count: 2,
            counted: 1,
            contribution: round(2.0 / 3.0, 3),
            credit_other: 0.0,
            matches: vec![crate::output::row::MatchItem {
                field: "description",
                text,
                start: 3,
                end: 10,
                char_start: 3,
                char_end: 9,
                snippet,
                mark: "plain",
            }],
        }
    }

    fn both(row: &JsonRow<'_>) -> (String, String) {
        let mut fast = Vec::new();
        row.write(&mut fast);
        let reference = serde_json::to_string(row).unwrap_or_default();
        (String::from_utf8_lossy(&fast).into_owned(), reference)
    }

    proptest! {
        /// Any texts, controls, quotes, backslashes and non-ASCII included,
        /// come out as serde_json writes them, with or without a verdict,
        /// kept columns and a file.
        #[test]
        fn the_bytes_are_serde_jsons(
            texts in proptest::collection::vec("[a-z\"\\\\\u{0}-\u{1f}\u{7f}é€\u{2028}😀 ]{0,40}", 4),
            names in proptest::collection::vec("[ab\"]{1,2}", 0..4),
            flags in 0u8..8,
            row in 0u64..u64::MAX,
        ) {
            let values: Vec<Cow<'_, str>> = names.iter().map(|n| Cow::Owned(format!("{n}{}", texts[3]))).collect();
            let warnings = vec![texts[2].clone()];
            let r = JsonRow {
                schema_version: 2,
                file: (flags & 1 == 1).then_some(texts[0].as_str()),
                row,
                id: &texts[1],
                label: "product_owner",
                verdict: (flags & 2 == 2).then_some(JsonVerdict {
                    confidence: 0.987,
                    lean: -0.25,
                    content_lean: f64::NAN,
                    self_role: (flags & 4 == 4).then_some("engineer"),
                    mismatch: true,
                    language: "en",
                    po_score: 12.0,
                    pm_score: 1e-7,
                    calibrated: false,
                }),
                lexicon: "popm-default@1.0.0#0",
                evidence: vec![item(&texts[0], texts[1].clone()), item(&texts[2], String::new())],
                error: (flags & 2 == 0).then_some(texts[3].as_str()),
                kept: (!names.is_empty()).then_some(Kept { names: &names, values: &values }),
                warnings: &warnings,
            };
            let (fast, reference) = both(&r);
            prop_assert_eq!(fast, reference);
        }
    }

    #[test]
    fn every_escape_class_is_written_like_serde_json() {
        for c in (0u8..0x80).map(char::from).chain(['é', '\u{2028}', '😀']) {
            // Every place in and around the sixteen-byte steps.
            for at in 0..40 {
                let s = format!("{}{c}{}", "x".repeat(at), "y".repeat(39 - at));
                let mut fast = Vec::new();
                write_str(&mut fast, &s);
                assert_eq!(
                    fast,
                    serde_json::to_vec(&s).unwrap_or_default(),
                    "{c:?} at {at}"
                );
            }
        }
    }
}
