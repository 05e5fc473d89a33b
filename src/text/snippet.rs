//! Snippets: a match with some of the text around it, on one line, cut on
//! character boundaries; and byte offsets turned into character offsets.

use crate::text::normalize::plain_prefix_len;

/// Bytes of original text shown on each side of a match in a snippet.
pub const SNIPPET_CONTEXT: usize = 60;

/// Converts byte offsets to character offsets with a sparse index (every 512 bytes).
pub(crate) struct CharIndex {
    /// Character count at each multiple of `STEP` bytes (rounded down to a
    /// boundary); empty for an ASCII text, where bytes are characters.
    marks: Vec<(usize, usize)>,
}

impl CharIndex {
    const STEP: usize = 512;

    pub(crate) fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex { marks: Vec::new() };
        }
        let mut marks = vec![(0, 0)];
        let (mut at, mut chars) = (0, 0);
        while at + Self::STEP < text.len() {
            let mut next = at + Self::STEP;
            while !text.is_char_boundary(next) {
                next -= 1;
            }
            chars += text[at..next].chars().count();
            marks.push((next, chars));
            at = next;
        }
        CharIndex { marks }
    }

    pub(crate) fn chars_before(&self, text: &str, byte: usize) -> usize {
        if self.marks.is_empty() {
            return text.get(..byte).map_or(0, str::len);
        }
        let k = self
            .marks
            .partition_point(|m| m.0 <= byte)
            .saturating_sub(1);
        let (b, c) = self.marks[k];
        c + text.get(b..byte).map_or(0, |s| s.chars().count())
    }
}

/// The original text around `start..end`, whitespace collapsed, `…` where cut.
pub fn snippet(text: &str, start: usize, end: usize) -> String {
    let (s, start, end, e) = bounds(text, start, end);
    // One allocation: the snippet is never longer than its text and the two `…`.
    let mut out = String::with_capacity(e - s + 2 * '…'.len_utf8());
    if s > 0 {
        out.push('…');
    }
    // The parts are collapsed one by one, as `snippet_parts` does (a match
    // never starts or ends with white space, so no run spans two parts).
    collapse_into(&mut out, &text[s..start]);
    collapse_into(&mut out, &text[start..end]);
    collapse_into(&mut out, &text[end..e]);
    if e < text.len() {
        out.push('…');
    }
    out
}

/// The snippet in three parts: before the match, the match, after it.
pub fn snippet_parts(text: &str, start: usize, end: usize) -> (String, String, String) {
    let (s, start, end, e) = bounds(text, start, end);
    let mut before = String::new();
    if s > 0 {
        before.push('…');
    }
    collapse_into(&mut before, &text[s..start]);
    let mut matched = String::new();
    collapse_into(&mut matched, &text[start..end]);
    let mut after = String::new();
    collapse_into(&mut after, &text[end..e]);
    if e < text.len() {
        after.push('…');
    }
    (before, matched, after)
}

/// The snippet's start, the match's start and end, and the snippet's end:
/// [`SNIPPET_CONTEXT`] bytes each side of the match, widened to character
/// boundaries (the match's own ends too, and all within the text).
pub(crate) fn bounds(text: &str, start: usize, end: usize) -> (usize, usize, usize, usize) {
    let floor = |mut at: usize| {
        while at > 0 && !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let ceil = |mut at: usize| {
        while at < text.len() && !text.is_char_boundary(at) {
            at += 1;
        }
        at
    };
    let start = floor(start.min(text.len()));
    let end = ceil(end.clamp(start, text.len()));
    let s = floor(start.saturating_sub(SNIPPET_CONTEXT));
    let e = ceil((end + SNIPPET_CONTEXT).min(text.len()));
    (s, start, end, e)
}

/// Appends `s` to `out` with runs of white space (line breaks included) collapsed to one space.
fn collapse_into(out: &mut String, s: &str) {
    let b = s.as_bytes();
    // Spans of prose with single spaces are copied whole; only a flagged
    // byte (always the start of a character) is decoded and tested.
    let mut span = 0;
    let mut i = 0;
    let mut last_space = false;
    while let Some(&c) = b.get(i) {
        // Sixteen bytes at a time over plain prose (none of it white space
        // but single spaces between words), unless a space just went before.
        if !last_space {
            if let Some(Ok(chunk)) = b.get(i..i + 16).map(<&[u8; 16]>::try_from) {
                let plain = plain_prefix_len(chunk);
                if plain > 0 {
                    i += plain;
                    continue;
                }
            }
        }
        if c == b' ' && !last_space {
            last_space = true;
            i += 1;
            continue;
        }
        if c != b' ' && !MAYBE_WHITE_SPACE[usize::from(c)] {
            last_space = false;
            i += 1;
            continue;
        }
        out.push_str(&s[span..i]);
        let ch = s[i..].chars().next().unwrap_or(' ');
        if ch.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(ch);
            last_space = false;
        }
        i += ch.len_utf8();
        span = i;
    }
    out.push_str(&s[span..]);
}

/// [`collapse_into`] a new string.
#[cfg(test)]
fn collapse(s: &str) -> String {
    let mut out = String::new();
    collapse_into(&mut out, s);
    out
}

/// Bytes that are, or may begin, white space other than a space: ASCII
/// controls, and the lead bytes of U+0085, U+00A0, U+1680 and U+2000 to U+3000.
static MAYBE_WHITE_SPACE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[0x7f] = true;
    t[0xc2] = true;
    t[0xe1] = true;
    t[0xe2] = true;
    t[0xe3] = true;
    t
};

#[cfg(test)]
mod tests {
    use super::*;
    /// [`collapse`] by its definition, one character at a time.
    fn collapse_slowly(s: &str) -> String {
        let mut out = String::new();
        let mut last_space = false;
        for ch in s.chars() {
            if !(ch.is_whitespace() && last_space) {
                out.push(if ch.is_whitespace() { ' ' } else { ch });
            }
            last_space = ch.is_whitespace();
        }
        out
    }

    /// Pieces of snippets: prose, every kind of white space, non-ASCII letters.
    const SNIPPET_PIECES: &[&str] = &[
        "product",
        "Owner",
        "a",
        "42",
        ",",
        ".",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\t",
        "\u{a0}",
        "\u{2003}",
        "\u{3000}",
        "\u{e9}",
        "\u{2013}",
        "\u{85}",
        "\u{7f}",
        "x y z w v u t s r q p",
    ];

    proptest::proptest! {
        #[test]
        fn collapse_is_its_definition_on_random_snippets(
            picks in proptest::collection::vec(0..SNIPPET_PIECES.len(), 0..60),
        ) {
            let s: String = picks.iter().map(|&k| SNIPPET_PIECES[k]).collect();
            proptest::prop_assert_eq!(collapse(&s), collapse_slowly(&s), "{:?}", s);
        }
    }

    #[test]
    fn collapse_folds_every_white_space_run() {
        let slow = collapse_slowly;
        for s in [
            "",
            " ",
            "a b c",
            "a  b",
            "a\nb",
            " a\r\n b ",
            "x\u{a0}y",
            "x \u{2003} y",
            "\u{3000}",
            "caf\u{e9} \u{2013} ok",
            "\u{85}",
            "tab\there",
            "a\u{1680}b",
            "\u{205f}\u{feff}",
        ] {
            assert_eq!(collapse(s), slow(s), "{s:?}");
        }
        // The quick test must send every white-space character of Unicode to the slow path.
        for ch in (0..=0x10ffffu32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
        {
            let s = format!("a{ch}b");
            assert_eq!(collapse(&s), "a b", "U+{:04X}", u32::from(ch));
        }
    }

    #[test]
    fn char_index_counts_characters_before_every_boundary() {
        let ascii = "Product Owner ".repeat(100);
        let mixed = "Über die Straße — Produkt 🚀 owner ".repeat(60);
        for text in [ascii.as_str(), mixed.as_str(), "", "ä"] {
            let index = CharIndex::new(text);
            for b in (0..=text.len()).filter(|&b| text.is_char_boundary(b)) {
                assert_eq!(
                    index.chars_before(text, b),
                    text[..b].chars().count(),
                    "{b}"
                );
            }
        }
    }

    proptest::proptest! {
        /// A snippet is its three parts joined, for any match in any text.
        #[test]
        fn a_snippet_is_its_parts_joined(
            picks in proptest::collection::vec(0..SNIPPET_PIECES.len(), 0..80),
            at in 0usize..400,
            len in 0usize..40,
        ) {
            let s: String = picks.iter().map(|&k| SNIPPET_PIECES[k]).collect();
            let (before, matched, after) = snippet_parts(&s, at, at + len);
            proptest::prop_assert_eq!(snippet(&s, at, at + len), before + &matched + &after);
        }
    }

    #[test]
    fn snippets_are_cut_on_char_boundaries() {
        let t = "ü".repeat(100) + " product backlog " + &"ö".repeat(100);
        let s = t.find("product").unwrap();
        let sn = snippet(&t, s, s + 15);
        assert!(sn.starts_with('…') && sn.ends_with('…') && sn.contains("product backlog"));
    }
}
