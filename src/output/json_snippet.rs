//! A snippet written straight into a JSON Lines row as a JSON string: the
//! bytes of [`snippet`](crate::text::snippet::snippet) escaped by
//! [`write_str`](super::json_str::write_str), made in one pass over the
//! original text with no string in between (snippets are most of a JSON Lines
//! output).

use super::json_str::{is_escaped, push_escaped};
use crate::text::snippet::bounds;

/// The ellipsis that marks a cut, as UTF-8.
const CUT: &[u8] = "…".as_bytes();

/// Appends the snippet of `start..end` in `text` as a JSON string: the same
/// bytes as `write_str(out, &snippet(text, start, end))`.
pub(crate) fn write_snippet(out: &mut Vec<u8>, text: &str, start: usize, end: usize) {
    let (s, start, end, e) = bounds(text, start, end);
    out.reserve(e - s + 2 * CUT.len() + 2);
    out.push(b'"');
    if s > 0 {
        out.extend_from_slice(CUT);
    }
    let matched = &text[start..end];
    let is_white = |c: Option<char>| c.is_some_and(char::is_whitespace);
    if matched.is_empty() || is_white(matched.chars().next()) || is_white(matched.chars().last()) {
        // Three parts collapsed one by one, as `snippet` does.
        collapse_escaped(out, &text[s..start]);
        collapse_escaped(out, matched);
        collapse_escaped(out, &text[end..e]);
    } else {
        // The same in one pass: a match that starts and ends with other
        // characters ends any run of white space at both its ends.
        collapse_escaped(out, &text[s..e]);
    }
    if e < text.len() {
        out.extend_from_slice(CUT);
    }
    out.push(b'"');
}

/// Appends `s` with runs of white space collapsed to one space (as
/// `collapse_into` in `text::snippet`) and JSON escapes (as `write_str`).
///
/// Spans that need neither are copied whole: sixteen bytes at a time are
/// tested for a byte that needs a look ([`stop_and_space_masks`]) or a space
/// that follows white space.
fn collapse_escaped(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let mut span = 0;
    let mut i = 0;
    let mut last_space = false;
    while i < b.len() {
        let (stop, spaces) = match b.get(i..i + 16) {
            Some(chunk) => stop_and_space_masks(chunk.try_into().unwrap_or(&[0; 16])),
            None => {
                // The tail, padded with a letter that needs nothing.
                let mut chunk = [b'a'; 16];
                chunk[..b.len() - i].copy_from_slice(&b[i..]);
                stop_and_space_masks(&chunk)
            }
        };
        // A space after a space (or after white space before this chunk) is dropped.
        let flagged = stop | (spaces & (spaces << 1 | u32::from(last_space)));
        let rest = b.len() - i;
        if flagged == 0 {
            let step = rest.min(16);
            last_space = b[i + step - 1] == b' ';
            i += step;
            continue;
        }
        let k = flagged.trailing_zeros() as usize;
        if k >= rest {
            // Only padding ahead: nothing left to look at.
            break;
        }
        if k > 0 {
            last_space = b[i + k - 1] == b' ';
            i += k;
        }
        let c = b[i];
        if c == b' ' {
            // A second space of a run: dropped.
            out.extend_from_slice(&b[span..i]);
            i += 1;
            span = i;
            last_space = true;
            continue;
        }
        // A flagged byte is ASCII or the lead byte of a character.
        let ch = s.get(i..).and_then(|t| t.chars().next()).unwrap_or(' ');
        if ch.is_whitespace() {
            out.extend_from_slice(&b[span..i]);
            if !last_space {
                out.push(b' ');
            }
            last_space = true;
            i += ch.len_utf8();
            span = i;
        } else if is_escaped(c) {
            out.extend_from_slice(&b[span..i]);
            push_escaped(out, c);
            last_space = false;
            i += 1;
            span = i;
        } else {
            last_space = false;
            i += ch.len_utf8();
        }
    }
    out.extend_from_slice(&b[span..]);
}

/// Whether a byte needs a look in a snippet: it [`is_escaped`] in JSON or may
/// begin white space other than a space (an ASCII control, or the lead byte of
/// U+0085, U+00A0, U+1680 or U+2000 to U+3000).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn is_stop(c: u8) -> bool {
    is_escaped(c) || matches!(c, 0xc2 | 0xe1 | 0xe2 | 0xe3)
}

/// Bit `k` set in the first mask when byte `k` of `chunk` [`is_stop`], in the
/// second when it is a space.
#[cfg(not(target_arch = "x86_64"))]
fn stop_and_space_masks(chunk: &[u8; 16]) -> (u32, u32) {
    use crate::text::normalize::byte_mask;
    (byte_mask(chunk, is_stop), byte_mask(chunk, |c| c == b' '))
}

/// Bit `k` set in the first mask when byte `k` of `chunk` [`is_stop`], in the
/// second when it is a space; with SSE2 (part of every x86_64 processor).
#[cfg(target_arch = "x86_64")]
#[inline]
fn stop_and_space_masks(chunk: &[u8; 16]) -> (u32, u32) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: SSE2 is enabled on every x86_64 target, and the unaligned load
    // reads exactly the sixteen bytes `chunk` borrows.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast());
        let is = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
        // Below 0x20 (unsigned): max(v, 0x1f) is 0x1f only for those.
        let control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f));
        let json = _mm_or_si128(control, _mm_or_si128(is(b'"'), is(b'\\')));
        let lead = _mm_or_si128(
            _mm_or_si128(is(0xc2), is(0xe1)),
            _mm_or_si128(is(0xe2), is(0xe3)),
        );
        (
            _mm_movemask_epi8(_mm_or_si128(json, lead)) as u32,
            _mm_movemask_epi8(is(b' ')) as u32,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::json_str::write_str;
    use crate::text::snippet::snippet;

    /// `write_str(snippet(..))`, the definition of the bytes.
    fn slowly(text: &str, start: usize, end: usize) -> Vec<u8> {
        let mut out = Vec::new();
        write_str(&mut out, &snippet(text, start, end));
        out
    }

    fn fast(text: &str, start: usize, end: usize) -> Vec<u8> {
        let mut out = Vec::new();
        write_snippet(&mut out, text, start, end);
        out
    }

    /// Pieces of tricky snippets: prose, every kind of white space, controls,
    /// quotes, backslashes, non-ASCII letters and lead bytes of white space.
    const PIECES: &[&str] = &[
        "product",
        "Owner",
        "a",
        "42",
        ",",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\t",
        "\u{b}",
        "\u{c}",
        "\u{0}",
        "\u{8}",
        "\u{1f}",
        "\u{7f}",
        "\"",
        "\\",
        "\u{a0}",
        "\u{85}",
        "\u{a9}",
        "\u{1680}",
        "\u{2003}",
        "\u{2013}",
        "\u{2019}",
        "\u{2028}",
        "\u{3000}",
        "\u{3042}",
        "\u{e9}",
        "😀",
        "x y z w v u t s r q p o n m",
    ];

    proptest::proptest! {
        /// Any text, any match (cut anywhere, even inside a character or past
        /// the end): the bytes of the escaped snippet.
        #[test]
        fn the_bytes_are_the_escaped_snippet(
            picks in proptest::collection::vec(0..PIECES.len(), 0..90),
            at in 0usize..500,
            len in 0usize..40,
        ) {
            let s: String = picks.iter().map(|&k| PIECES[k]).collect();
            proptest::prop_assert_eq!(fast(&s, at, at + len), slowly(&s, at, at + len), "{:?}", s);
        }
    }

    #[test]
    fn every_cut_of_tricky_texts_is_the_escaped_snippet() {
        let texts = [
            String::new(),
            " ".to_string(),
            "ü".repeat(70) + " product  backlog " + &"ö".repeat(70),
            "a \u{a0}\t b".repeat(40),
            "\"quoted\"\\back\\slash\u{1}\u{1f}".repeat(12),
            format!("{}\u{2003}\u{2003} {}", "x".repeat(59), "y".repeat(61)),
            "😀 \u{3000}\r\n".repeat(30),
            "a  \n b\t\t".repeat(30),
        ];
        for t in &texts {
            for start in 0..=t.len() + 2 {
                for len in [0, 1, 3, 15, 16, 17] {
                    assert_eq!(
                        fast(t, start, start + len),
                        slowly(t, start, start + len),
                        "{t:?} {start} {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_byte_at_every_place_of_a_chunk() {
        for c in (0u8..0x80)
            .map(char::from)
            .chain(['é', '\u{a0}', '\u{2009}', '😀'])
        {
            for at in 0..40 {
                let t = format!(
                    "{}{c}{}",
                    "x ".repeat(at / 2) + &"y".repeat(at % 2),
                    "z".repeat(39 - at)
                );
                assert_eq!(
                    fast(&t, 0, t.len()),
                    slowly(&t, 0, t.len()),
                    "{c:?} at {at}"
                );
            }
        }
    }
}
