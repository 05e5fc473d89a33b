//! JSON strings as serde_json writes them, appended to an output buffer: the
//! escaping shared by the JSON Lines object ([`super::json_line`]) and its
//! snippets ([`super::json_snippet`]). Text is copied sixteen bytes at a time
//! up to the next byte that needs an escape.

/// A JSON string, escaped as serde_json escapes it: `"` and `\\` with a
/// backslash, the controls `\\b \\f \\n \\r \\t` by name and the other bytes
/// below 0x20 as `\\u00xx`; everything else as is.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if write_short(out, b) {
        return;
    }
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut at = 0;
    while let Some(k) = first_to_escape(&b[at..]) {
        out.extend_from_slice(&b[at..at + k]);
        push_escaped(out, b[at + k]);
        at += k + 1;
    }
    out.extend_from_slice(&b[at..]);
    out.push(b'"');
}

/// Writes `b` as a JSON string when it is 4 to 16 bytes long and needs no
/// escape, and says whether it did (most strings of a row are short: field
/// names, marks, roles, phrases).
///
/// Two words that overlap cover the bytes: one test for all of them, and the
/// copy is of fixed size, where a copy of the string's own length would call
/// `memcpy`.
fn write_short(out: &mut Vec<u8>, b: &[u8]) -> bool {
    let n = b.len();
    if !(4..=16).contains(&n) {
        return false;
    }
    let mut quoted = [b'"'; 18];
    let words = if n >= 8 {
        let (lo, hi) = (word::<8>(b, 0), word::<8>(b, n - 8));
        quoted[1..9].copy_from_slice(&lo);
        quoted[n - 7..n + 1].copy_from_slice(&hi);
        [u64::from_le_bytes(lo), u64::from_le_bytes(hi)]
    } else {
        let (lo, hi) = (word::<4>(b, 0), word::<4>(b, n - 4));
        quoted[1..5].copy_from_slice(&lo);
        quoted[n - 3..n + 1].copy_from_slice(&hi);
        let lo = u64::from(u32::from_le_bytes(lo));
        [lo | u64::from(u32::from_le_bytes(hi)) << 32; 2]
    };
    if words.iter().any(|&w| has_escaped_byte(w)) {
        return false;
    }
    quoted[n + 1] = b'"';
    let at = out.len();
    out.extend_from_slice(&quoted);
    out.truncate(at + n + 2);
    true
}

/// The `N` bytes of `b` from `at` (zeros where `b` is shorter).
fn word<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    b.get(at..at + N)
        .and_then(|w| w.try_into().ok())
        .unwrap_or([0; N])
}

/// Whether a byte of `w` [`is_escaped`]: below 0x20, `"` or `\\`.
fn has_escaped_byte(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOP: u64 = 0x8080_8080_8080_8080;
    // A byte below `k` (at most 0x80) borrows when `k` is taken from it: the
    // test is exact for the word as a whole, which is all that is asked.
    let below = |w: u64, k: u64| w.wrapping_sub(k * ONES) & !w & TOP != 0;
    below(w, 0x20)
        || below(w ^ (u64::from(b'"') * ONES), 1)
        || below(w ^ (u64::from(b'\\') * ONES), 1)
}

/// Appends the escape of one byte that [`is_escaped`] (any other byte as is).
pub(crate) fn push_escaped(out: &mut Vec<u8>, c: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let named = match c {
        b'"' => b'"',
        b'\\' => b'\\',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        0x08 => b'b',
        0x0c => b'f',
        c if c < 0x20 => {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 0xf)],
            ]);
            return;
        }
        c => {
            out.push(c);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', named]);
}

/// Whether a byte is written escaped in a JSON string.
pub(crate) fn is_escaped(c: u8) -> bool {
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

    #[test]
    fn short_strings_are_written_like_serde_json() {
        for c in (0u8..0x80).map(char::from).chain(['é', '😀']) {
            for len in 0..20 {
                for at in 0..len {
                    let s = format!("{}{c}{}", "x".repeat(at), "y".repeat(len - at - 1));
                    let mut fast = b"_".to_vec();
                    write_str(&mut fast, &s);
                    let want = [b"_".to_vec(), serde_json::to_vec(&s).unwrap_or_default()].concat();
                    assert_eq!(fast, want, "{c:?} at {at} of {len}");
                }
            }
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
