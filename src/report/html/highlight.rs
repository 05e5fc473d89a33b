//! A text cut into pieces for display: plain runs, matches (with the evidence
//! they belong to and how they counted) and gaps where a long text was cut.
//!
//! The rule for long texts: a text of at most [`FULL_TEXT_MAX`] bytes is kept
//! whole; a longer one keeps [`CONTEXT_BYTES`] on each side of its first
//! [`MAX_SHOWN_MATCHES`] matches (windows that touch are merged) and shows a
//! gap for the rest. So a 50 MB posting costs a report a few hundred KB at
//! most, and the pieces still read as the text around every match shown.

use serde::ser::{Serialize, SerializeSeq, Serializer};

use super::row::MatchMark;

/// Texts up to this many bytes are kept whole.
pub const FULL_TEXT_MAX: usize = 32 * 1024;

/// Bytes of context kept on each side of a match in a longer text.
pub const CONTEXT_BYTES: usize = 240;

/// In a longer text, the matches after this many are listed in the evidence
/// table but not shown in the text.
pub const MAX_SHOWN_MATCHES: usize = 400;

/// One match to highlight: a byte range of the text, the evidence entry it
/// belongs to, and how it counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    /// Start byte in the text.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Index of its phrase in the row's evidence.
    pub evidence: usize,
    /// How it counted.
    pub mark: MatchMark,
}

/// A piece of a displayed text.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Text shown as it is.
    Text(String),
    /// A match: its text, the index of its phrase in the row's evidence, its mark.
    Match {
        /// The matched words.
        text: String,
        /// Index of its phrase in the row's evidence.
        evidence: usize,
        /// How it counted.
        mark: MatchMark,
    },
    /// Text left out here (shown as `…`).
    Gap,
}

impl Piece {
    /// The piece's text (empty for a gap).
    pub fn text(&self) -> &str {
        match self {
            Piece::Text(t) | Piece::Match { text: t, .. } => t,
            Piece::Gap => "",
        }
    }

    /// Bytes of text the piece holds.
    pub fn len(&self) -> usize {
        self.text().len()
    }

    /// Whether the piece holds no text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Serialized compactly for the report's data: a string for text, `[text,
/// evidence, mark code]` for a match, `0` for a gap.
impl Serialize for Piece {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Piece::Text(t) => s.serialize_str(t),
            Piece::Match {
                text,
                evidence,
                mark,
            } => {
                let mut seq = s.serialize_seq(Some(3))?;
                seq.serialize_element(text)?;
                seq.serialize_element(evidence)?;
                seq.serialize_element(mark.code())?;
                seq.end()
            }
            Piece::Gap => s.serialize_u8(0),
        }
    }
}

/// The largest char boundary of `text` at or before `i`.
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `text` at or after `i`.
fn ceil_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Cuts `text` into pieces with `highlights` marked (see the [module docs](self)
/// for what a long text keeps). Highlights are sorted; one that overlaps an
/// earlier one, or is not a range of whole characters inside the text, is left
/// out of the text (its phrase still has its evidence row).
pub fn text_pieces(text: &str, highlights: &mut [Highlight]) -> Vec<Piece> {
    highlights.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let mut kept: Vec<Highlight> = Vec::with_capacity(highlights.len());
    for h in highlights.iter() {
        let valid = h.start < h.end
            && h.end <= text.len()
            && text.is_char_boundary(h.start)
            && text.is_char_boundary(h.end);
        if valid && kept.last().is_none_or(|last| h.start >= last.end) {
            kept.push(*h);
        }
    }
    if text.len() <= FULL_TEXT_MAX {
        return pieces_between(text, 0, text.len(), &kept);
    }
    kept.truncate(MAX_SHOWN_MATCHES);
    // Windows around the matches, merged when they touch.
    let mut windows: Vec<(usize, usize, usize, usize)> = Vec::new(); // (from, to, first, last+1)
    for (i, h) in kept.iter().enumerate() {
        let from = floor_boundary(text, h.start.saturating_sub(CONTEXT_BYTES));
        let to = ceil_boundary(text, h.end + CONTEXT_BYTES);
        match windows.last_mut() {
            Some(w) if from <= w.1 => {
                w.1 = w.1.max(to);
                w.3 = i + 1;
            }
            _ => windows.push((from, to, i, i + 1)),
        }
    }
    if windows.is_empty() {
        let to = floor_boundary(text, 2 * CONTEXT_BYTES);
        return vec![Piece::Text(text[..to].to_string()), Piece::Gap];
    }
    let mut pieces = Vec::new();
    for (from, to, first, last) in windows {
        if from > 0 && pieces.last() != Some(&Piece::Gap) {
            pieces.push(Piece::Gap);
        }
        pieces.extend(pieces_between(text, from, to, &kept[first..last]));
        if to < text.len() {
            pieces.push(Piece::Gap);
        }
    }
    pieces
}

/// The pieces of `text[from..to]` with `highlights` (sorted, not overlapping, inside the range).
fn pieces_between(text: &str, from: usize, to: usize, highlights: &[Highlight]) -> Vec<Piece> {
    let mut pieces = Vec::with_capacity(2 * highlights.len() + 1);
    let mut at = from;
    for h in highlights {
        if h.start > at {
            pieces.push(Piece::Text(text[at..h.start].to_string()));
        }
        pieces.push(Piece::Match {
            text: text[h.start..h.end].to_string(),
            evidence: h.evidence,
            mark: h.mark,
        });
        at = h.end;
    }
    if to > at {
        pieces.push(Piece::Text(text[at..to].to_string()));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(start: usize, end: usize, evidence: usize) -> Highlight {
        Highlight {
            start,
            end,
            evidence,
            mark: MatchMark::Plain,
        }
    }

    fn matched(pieces: &[Piece]) -> Vec<&str> {
        pieces
            .iter()
            .filter(|p| matches!(p, Piece::Match { .. }))
            .map(Piece::text)
            .collect()
    }

    #[test]
    fn short_texts_are_kept_whole_with_their_matches() {
        let text = "Own the product backlog and the roadmap.";
        let mut h = vec![hl(32, 39, 1), hl(8, 23, 0)];
        let pieces = text_pieces(text, &mut h);
        assert_eq!(matched(&pieces), ["product backlog", "roadmap"]);
        assert_eq!(pieces.iter().map(Piece::text).collect::<String>(), text);
        assert!(!pieces.contains(&Piece::Gap));
    }

    #[test]
    fn overlapping_and_broken_ranges_are_left_out() {
        let text = "naïve product backlog";
        // 3..4 splits the two bytes of ï; 14..30 runs past the end; 8..22 overlaps 7..22.
        let mut h = vec![hl(7, 22, 0), hl(8, 22, 1), hl(3, 4, 2), hl(14, 30, 3)];
        let pieces = text_pieces(text, &mut h);
        assert_eq!(matched(&pieces), ["product backlog"]);
        assert_eq!(pieces.iter().map(Piece::text).collect::<String>(), text);
    }

    #[test]
    fn long_texts_keep_windows_around_matches() {
        let filler = "é".repeat(FULL_TEXT_MAX);
        let text = format!("{filler} product backlog {filler} roadmap {filler}");
        let a = text.find("product backlog").unwrap();
        let b = text.find("roadmap").unwrap();
        let mut h = vec![hl(a, a + 15, 0), hl(b, b + 7, 1)];
        let pieces = text_pieces(&text, &mut h);
        assert_eq!(matched(&pieces), ["product backlog", "roadmap"]);
        assert_eq!(pieces.iter().filter(|p| **p == Piece::Gap).count(), 3);
        let kept: usize = pieces.iter().map(Piece::len).sum();
        assert!(kept <= 4 * CONTEXT_BYTES + 40, "{kept}");
    }

    #[test]
    fn a_long_text_without_matches_keeps_its_start() {
        let text = "x".repeat(FULL_TEXT_MAX + 1);
        let pieces = text_pieces(&text, &mut []);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[1], Piece::Gap);
    }

    #[test]
    fn pieces_serialize_compactly() {
        let pieces = vec![
            Piece::Text("a".into()),
            Piece::Match {
                text: "PO".into(),
                evidence: 2,
                mark: MatchMark::Colleague,
            },
            Piece::Gap,
        ];
        assert_eq!(
            serde_json::to_string(&pieces).unwrap(),
            r#"["a",["PO",2,"c"],0]"#
        );
    }
}
