//! Character offsets of byte offsets in a posting's fields, for the evidence
//! of JSON Lines: each field is counted once, up to the last offset asked for,
//! into a running count every [`BLOCK`] bytes; an offset then counts at most
//! one block.

use std::cell::OnceCell;

use crate::text::snippet::CharIndex;

/// Bytes between two running counts.
const BLOCK: usize = 64;

/// Character offsets in some fields, for byte offsets up to the last one given.
pub(crate) struct CharOffsets<'t> {
    fields: Vec<FieldCount<'t>>,
}

/// One field's running counts.
struct FieldCount<'t> {
    text: &'t str,
    /// Characters before each multiple of [`BLOCK`] bytes; empty when the
    /// counted part is ASCII (bytes are characters).
    before_block: Vec<usize>,
    /// How far `before_block` reaches, in bytes.
    counted: usize,
    /// For an offset that is not a character boundary (never a match's end).
    index: OnceCell<CharIndex>,
}

impl<'t> CharOffsets<'t> {
    /// Prepares `fields` for the `(field, byte)` offsets of `positions`
    /// (a field counts up to its last one; [`CharOffsets::get`] may be asked
    /// for those or any before them).
    pub(crate) fn new(fields: &[&'t str], positions: impl Iterator<Item = (usize, usize)>) -> Self {
        let mut last = vec![0; fields.len()];
        for (f, byte) in positions {
            if let Some(l) = last.get_mut(f) {
                *l = byte.max(*l);
            }
        }
        let fields = fields
            .iter()
            .zip(last)
            .map(|(&text, last)| FieldCount::new(text, last))
            .collect();
        CharOffsets { fields }
    }

    /// Characters before `byte` in field `field`, as [`CharIndex::chars_before`]
    /// gives them (0 for a field that is not there).
    pub(crate) fn get(&self, field: usize, byte: usize) -> usize {
        let Some(f) = self.fields.get(field) else {
            return 0;
        };
        if byte > f.counted || !f.text.is_char_boundary(byte) {
            return f
                .index
                .get_or_init(|| CharIndex::new(f.text))
                .chars_before(f.text, byte);
        }
        if f.before_block.is_empty() {
            return byte;
        }
        let k = byte / BLOCK;
        let from = k * BLOCK;
        f.before_block[k] + non_continuation(&f.text.as_bytes()[from..byte])
    }
}

impl<'t> FieldCount<'t> {
    /// Counts `text` up to byte `last` (or its end).
    fn new(text: &'t str, last: usize) -> Self {
        let counted = last.min(text.len());
        let b = &text.as_bytes()[..counted];
        let mut before_block = Vec::new();
        if !b.is_ascii() {
            before_block.reserve(counted / BLOCK + 1);
            let mut chars = 0;
            before_block.push(0);
            for block in b.chunks_exact(BLOCK) {
                chars += non_continuation(block);
                before_block.push(chars);
            }
        }
        FieldCount {
            text,
            before_block,
            counted,
            index: OnceCell::new(),
        }
    }
}

/// Bytes of `b` that begin a character (not UTF-8 continuation bytes
/// `0x80..=0xbf`): the characters of `b` when it starts and ends on boundaries.
///
/// Eight bytes at a time: a continuation byte has its top bit set and the
/// next one clear, and each word adds one to the lanes of those.
fn non_continuation(b: &[u8]) -> usize {
    const TOP: u64 = 0x8080_8080_8080_8080;
    // The sum of the eight lanes, in the top byte (each lane at most 31).
    let sum = |lanes: u64| (lanes.wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize;
    let mut continuation = 0;
    let mut words = b.chunks_exact(8);
    let (mut lanes, mut n) = (0u64, 0);
    for w in words.by_ref() {
        let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        lanes += ((w & !(w << 1)) & TOP) >> 7;
        n += 1;
        if n == 31 {
            continuation += sum(lanes);
            (lanes, n) = (0, 0);
        }
    }
    continuation += sum(lanes);
    continuation += words
        .remainder()
        .iter()
        .filter(|&&c| c & 0xc0 == 0x80)
        .count();
    b.len() - continuation
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_char_index_offsets() {
        let ascii = "Product Owner ".repeat(100);
        let mixed = "Über die Straße — Produkt 🚀 owner ".repeat(60);
        let fields = [mixed.as_str(), ascii.as_str(), "", "ä"];
        for last in [0, 1, 63, 64, 65, 700, 5000] {
            let positions = (0..fields.len()).map(|f| (f, last));
            let offsets = CharOffsets::new(&fields, positions);
            for (f, text) in fields.iter().enumerate() {
                // Every byte, boundary or not, and past the end and the last one asked for.
                for b in (0..text.len() + 3).rev() {
                    let want = CharIndex::new(text).chars_before(text, b);
                    assert_eq!(offsets.get(f, b), want, "field {f} byte {b} last {last}");
                }
            }
            assert_eq!(offsets.get(9, 4), 0);
        }
    }

    #[test]
    fn non_continuation_counts_characters() {
        let text = "aé€😀 ".repeat(200);
        for (s, e) in [(0, 0), (0, text.len()), (1, 700), (0, 248 * 8), (3, 2000)] {
            let b = &text.as_bytes()[s..e];
            let want = b.iter().filter(|&&c| c & 0xc0 != 0x80).count();
            assert_eq!(non_continuation(b), want, "{s}..{e}");
        }
    }
}
