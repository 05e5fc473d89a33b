//! The JSON Lines object of one row, written straight into the output buffer.
//!
//! [`JsonRow`] derives `Serialize`, and that derivation is the definition of
//! the bytes: [`JsonRow::write`] writes the same bytes by hand (checked against
//! `serde_json` by the tests below), because serde_json escapes strings one
//! byte at a time and the snippets of the evidence are most of a JSON Lines
//! output. A classified row's evidence is written straight from its
//! [`Classification`] ([`JsonEvidence::Of`]): no items, no snippet strings.

use std::borrow::Cow;

use serde::Serialize;

use super::json_snippet::write_snippet;
use super::json_str::write_str;
use crate::classify::Classification;
use crate::lexicon::Lexicon;
use crate::output::number::round;
use crate::output::row::{
    evidence_head, evidence_items, match_item, match_positions, EvidenceItem, MatchItem,
};
use crate::text::char_offsets::CharOffsets;

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
    pub(crate) evidence: JsonEvidence<'a>,
    pub(crate) error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kept: Option<Kept<'a>>,
    pub(crate) warnings: &'a [String],
}

/// The `evidence` array of a row: its elements are [`EvidenceItem`]s.
pub(crate) enum JsonEvidence<'a> {
    /// Items made beforehand.
    Items(Vec<EvidenceItem<'a>>),
    /// The evidence of a classification, written without making items.
    Of(EvidenceOf<'a>),
}

/// A classification's evidence with the posting fields its matches point into.
pub(crate) struct EvidenceOf<'a> {
    /// The classification.
    pub(crate) c: &'a Classification,
    /// The lexicon it was made with.
    pub(crate) lexicon: &'a Lexicon,
    /// The posting's fields in the order evidence numbers them.
    pub(crate) fields: Vec<&'a str>,
    /// Their names.
    pub(crate) field_names: &'a [String],
}

impl Serialize for JsonEvidence<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            JsonEvidence::Items(items) => items.serialize(serializer),
            JsonEvidence::Of(e) => {
                evidence_items(e.c, e.lexicon, &e.fields, e.field_names).serialize(serializer)
            }
        }
    }
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
        self.write_flushing(out, usize::MAX, &mut |_| {});
    }

    /// [`JsonRow::write`], with `flush` called on `out` whenever it holds
    /// `flush_at` bytes or more between two matches of the evidence (`flush`
    /// takes the bytes away): a row of a million matches need not be held
    /// whole. The bytes are the same, wherever they are cut.
    pub(crate) fn write_flushing(
        &self,
        out: &mut Vec<u8>,
        flush_at: usize,
        flush: &mut dyn FnMut(&mut Vec<u8>),
    ) {
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
        match &self.evidence {
            JsonEvidence::Items(items) => write_separated(out, items, |out, e| {
                write_evidence_item(out, e, |out| {
                    write_separated(out, &e.matches, |out, m| {
                        write_match(out, m, |out| write_str(out, &m.snippet))
                    })
                })
            }),
            JsonEvidence::Of(e) => write_evidence_of(out, e, flush_at, flush),
        }
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

/// The elements of the `evidence` array of a classification: the bytes of
/// its [`evidence_items`], with each snippet written from the text.
fn write_evidence_of(
    out: &mut Vec<u8>,
    e: &EvidenceOf<'_>,
    flush_at: usize,
    flush: &mut dyn FnMut(&mut Vec<u8>),
) {
    let chars = CharOffsets::new(&e.fields, match_positions(e.c));
    write_separated(out, &e.c.score.evidence, |out, ev| {
        write_evidence_item(out, &evidence_head(ev, e.lexicon), |out| {
            write_separated(out, &ev.occurrences, |out, o| {
                let m = match_item(o, &e.fields, e.field_names, &chars, String::new());
                let text = e.fields.get(o.field).copied().unwrap_or("");
                write_match(out, &m, |out| write_snippet(out, text, o.start, o.end));
                if out.len() >= flush_at {
                    flush(out);
                }
            })
        })
    });
}

/// One element of the `evidence` array, as its `Serialize` derivation writes
/// it, with `matches` writing the elements of its `matches` array.
fn write_evidence_item(
    out: &mut Vec<u8>,
    e: &EvidenceItem<'_>,
    matches: impl FnOnce(&mut Vec<u8>),
) {
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
    matches(out);
    out.extend_from_slice(b"]}");
}

/// One match, as its `Serialize` derivation writes it, with `snippet`
/// writing its snippet (`m.snippet` is not read).
fn write_match(out: &mut Vec<u8>, m: &MatchItem<'_>, snippet: impl FnOnce(&mut Vec<u8>)) {
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
    snippet(out);
    out.extend_from_slice(b",\"mark\":");
    write_str(out, m.mark);
    out.push(b'}');
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

/// A number in decimal. All twenty places are copied and the buffer cut back
/// to the digits: a copy of fixed size, where one of the digits' length would
/// call `memcpy`.
fn write_u64(out: &mut Vec<u8>, n: u64) {
    let len = n.checked_ilog10().unwrap_or(0) as usize + 1;
    let mut digits = [0u8; 20];
    let mut n = n;
    for d in digits[..len].iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let at = out.len();
    out.extend_from_slice(&digits);
    out.truncate(at + len);
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
                evidence: JsonEvidence::Items(vec![item(&texts[0], texts[1].clone()), item(&texts[2], String::new())]),
                error: (flags & 2 == 0).then_some(texts[3].as_str()),
                kept: (!names.is_empty()).then_some(Kept { names: &names, values: &values }),
                warnings: &warnings,
            };
            let (fast, reference) = both(&r);
            prop_assert_eq!(fast, reference);
        }
    }

    #[test]
    fn numbers_are_written_like_serde_json() {
        let powers = (0..64).map(|k| 1u64 << k);
        let nines = (0..20).map(|k| 10u64.pow(k) - 1);
        for n in [0, 1, 9, 10, 99, 100, 12345, u64::MAX - 1, u64::MAX]
            .into_iter()
            .chain(powers)
            .chain(nines)
        {
            let mut fast = b"x".to_vec();
            write_u64(&mut fast, n);
            let want = [b"x".to_vec(), serde_json::to_vec(&n).unwrap_or_default()].concat();
            assert_eq!(fast, want, "{n}");
        }
    }
}
