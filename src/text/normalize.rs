//! Text normalization: from a description as given to the folded text the scanner reads.
//!
//! [`normalize`] removes HTML tags (block tags become line breaks, `<script>`
//! and `<style>` content is dropped), decodes entities, drops Markdown marks,
//! link targets and bare URLs, folds case (also for non-ASCII letters) and
//! Unicode punctuation, and turns hyphens, slashes and runs of spaces into one
//! space. It keeps a map from every byte of the folded text back to the
//! original, so evidence always points into the text as the user gave it.
//!
//! The folded text uses a small alphabet the scanner relies on: lower-case
//! letters and digits (any byte >= 0x80 belongs to a letter), a single space
//! between the words of a phrase, `\n` where a phrase must not continue (line
//! breaks, block tags, bullets, symbols), and ASCII punctuation kept as is.

use std::ops::Range;

/// The longest HTML tag (from `<` to `>`) recognised as a tag, in bytes.
pub const MAX_TAG_BYTES: usize = 4096;

/// The longest Markdown link target (`](...)`) dropped as one, in bytes.
///
/// A `](` whose `)` does not follow on the same line within this many bytes is
/// not a link: its text is kept. The bound also keeps normalization linear in
/// the length of a text full of `](`.
pub const MAX_LINK_TARGET_BYTES: usize = 2048;

/// Text folded for matching, with the map back to the original.
#[derive(Clone, Debug, Default)]
pub struct Normalized {
    text: String,
    segs: Vec<Seg>,
    /// Where the text's line breaks (`\n`) are, in order.
    breaks: Vec<u32>,
}

/// A run of folded bytes `[norm, next.norm)` coming from original bytes `[orig, orig_end)`.
///
/// When both lengths are equal the run is linear (byte k maps to `orig + k`);
/// otherwise it is atomic (every byte maps to the whole original range).
#[derive(Clone, Copy, Debug)]
struct Seg {
    norm: u32,
    orig: u32,
    orig_end: u32,
}

impl Normalized {
    /// Bytes held on the heap (the text's and the offset map's capacity).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.segs.capacity() * std::mem::size_of::<Seg>()
            + self.breaks.capacity() * std::mem::size_of::<u32>()
    }

    /// The folded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The positions of the folded text's line breaks (`\n`), in order:
    /// noted as they are written, so that readers of lines need not search.
    pub fn line_breaks(&self) -> &[u32] {
        &self.breaks
    }

    /// The original byte range that produced folded bytes `start..end`.
    ///
    /// Both ends fall on character boundaries of the original text.
    pub fn orig_span(&self, start: usize, end: usize) -> Range<usize> {
        // A cursor past the runs: the start is searched for among all of them.
        let mut cursor = usize::MAX;
        self.orig_span_from(&mut cursor, start, end)
    }

    /// [`Normalized::orig_span`] for spans taken in ascending order:
    /// `cursor` (0 at first) is where the last lookup started, and this one
    /// looks forward from there instead of searching every run. Spans in any
    /// order give the same ranges, those behind the cursor a search slower.
    pub fn orig_span_from(&self, cursor: &mut usize, start: usize, end: usize) -> Range<usize> {
        if self.segs.is_empty() || start >= end {
            return 0..0;
        }
        let s = self.locate_from(*cursor, start);
        *cursor = s;
        let seg = self.segs[s];
        let orig_start = if self.is_linear(s) {
            seg.orig as usize + (start - seg.norm as usize)
        } else {
            seg.orig as usize
        };
        let e = self.locate_from(s, end - 1);
        let seg = self.segs[e];
        let orig_end = if self.is_linear(e) {
            seg.orig as usize + (end - seg.norm as usize)
        } else {
            seg.orig_end as usize
        };
        orig_start..orig_end
    }

    fn locate(&self, n: usize) -> usize {
        self.segs
            .partition_point(|s| s.norm as usize <= n)
            .saturating_sub(1)
    }

    /// [`Normalized::locate`], looking forward from run `from` in steps that
    /// double (a lookup near the last costs a few loads, not a whole search).
    fn locate_from(&self, from: usize, n: usize) -> usize {
        let segs = &self.segs;
        if from >= segs.len() || segs[from].norm as usize > n {
            return self.locate(n);
        }
        // `segs[lo].norm <= n` holds throughout; the answer is below `lo + step`.
        let mut lo = from;
        let mut step = 1;
        while lo + step < segs.len() && segs[lo + step].norm as usize <= n {
            lo += step;
            step *= 2;
        }
        let hi = (lo + step).min(segs.len());
        lo + segs[lo + 1..hi].partition_point(|s| s.norm as usize <= n)
    }

    fn seg_norm_end(&self, i: usize) -> usize {
        self.segs
            .get(i + 1)
            .map_or(self.text.len(), |s| s.norm as usize)
    }

    fn is_linear(&self, i: usize) -> bool {
        let s = self.segs[i];
        self.seg_norm_end(i) - s.norm as usize == (s.orig_end - s.orig) as usize
    }
}

/// Whether a byte of folded text belongs to a word (letters, digits, any non-ASCII byte).
#[inline]
pub fn is_word_byte(b: u8) -> bool {
    WORD_BYTES[usize::from(b)]
}

/// [`is_word_byte`] as a table: one load instead of three range tests, on
/// paths that look at every byte of a window.
static WORD_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b >= 0x80;
        c += 1;
    }
    t
};

/// Whether a byte of folded text ends a phrase and a context window (`\n` and sentence marks).
#[inline]
pub fn is_break_byte(b: u8) -> bool {
    BREAK_BYTES[usize::from(b)]
}

/// [`is_break_byte`] as a table, like [`WORD_BYTES`].
static BREAK_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = matches!(c as u8, b'\n' | b'.' | b';' | b':' | b'!' | b'?' | b'|');
        c += 1;
    }
    t
};

/// Folds `src` for matching; see the module documentation for the rules.
pub fn normalize(src: &str) -> Normalized {
    let mut norm = Normalized::default();
    normalize_into(src, &mut norm);
    norm
}

/// [`normalize`] into `norm`, reusing its buffers (a worker thread keeps one for all its texts).
pub fn normalize_into(src: &str, norm: &mut Normalized) {
    normalize_with(src, true, norm);
}

/// [`normalize_into`], with the plain-word fast path on or off (off only to test that it changes nothing).
fn normalize_with(src: &str, use_fast_path: bool, norm: &mut Normalized) {
    let mut b = Builder {
        out: std::mem::take(&mut norm.text),
        segs: std::mem::take(&mut norm.segs),
        breaks: std::mem::take(&mut norm.breaks),
    };
    b.out.clear();
    b.segs.clear();
    b.breaks.clear();
    b.out.reserve(src.len() + 16);
    let bytes = src.as_bytes();
    let len = bytes.len();
    let mut i = 0;
    while i < len {
        let c = bytes[i];
        if c.is_ascii_alphanumeric() {
            // Fast path: plain prose (words, single spaces, punctuation kept as
            // is) folds byte for byte, so the whole run is copied at once.
            let run_end = if use_fast_path {
                plain_run_end(bytes, i)
            } else {
                i
            };
            if run_end > i {
                b.copy_lower(bytes, i, run_end);
                i = run_end;
                continue;
            }
            let mut j = i + 1;
            while j < len && bytes[j].is_ascii_alphanumeric() {
                j += 1;
            }
            if let Some(end) = url_or_email_end(bytes, i, j) {
                b.space(i, end);
                i = end;
                continue;
            }
            b.copy_lower(bytes, i, j);
            i = j;
            continue;
        }
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c => {
                let mut j = i + 1;
                let mut has_newline = c == b'\n';
                while j < len && matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c) {
                    has_newline |= bytes[j] == b'\n';
                    j += 1;
                }
                if has_newline {
                    b.brk(i, j);
                } else {
                    b.space(i, j);
                }
                i = j;
            }
            b'<' => i = b.tag(src, i),
            b'&' => i = b.entity(src, i),
            b']' if bytes.get(i + 1) == Some(&b'(') => {
                // Markdown link target: `[text](url)` keeps only the text. An
                // unclosed `](` is no link, so the text after it still counts.
                let window = &bytes[i + 2..len.min(i + 2 + MAX_LINK_TARGET_BYTES)];
                match window.iter().position(|&x| x == b')' || x == b'\n') {
                    Some(p) if window[p] == b')' => {
                        let end = i + 2 + p + 1;
                        b.space(i, end);
                        i = end;
                    }
                    _ => {
                        b.space(i, i + 1);
                        i += 1;
                    }
                }
            }
            0x80..=0xff => {
                let ch = src[i..].chars().next().unwrap_or('\u{fffd}');
                let end = i + ch.len_utf8();
                b.emit_char(ch, i, end);
                i = end;
            }
            _ => {
                b.emit_char(c as char, i, i + 1);
                i += 1;
            }
        }
    }
    norm.text = b.out;
    norm.segs = b.segs;
    norm.breaks = b.breaks;
}

/// How the fast path treats a byte; see [`plain_run_end`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plain {
    /// Not plain: the run stops before it.
    Stop,
    /// Folds to itself (in lower case): ASCII letters, digits and the
    /// punctuation the folded text keeps as is.
    Copy,
    /// A space: plain when one word-or-punctuation byte follows.
    Space,
    /// `.` or `:`: plain unless it could continue a URL or an e-mail address.
    Dot,
    /// `@`: the word before it may be an e-mail address.
    At,
}

/// The class of every byte for the fast path.
static PLAIN: [Plain; 256] = {
    let mut t = [Plain::Stop; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => Plain::Copy,
            b'!' | b'"' | b'$' | b'%' | b'\'' | b'(' | b')' | b'+' | b',' | b';' | b'=' | b'?'
            | b'{' | b'}' => Plain::Copy,
            b' ' => Plain::Space,
            b'.' | b':' => Plain::Dot,
            b'@' => Plain::At,
            _ => Plain::Stop,
        };
        c += 1;
    }
    t
};

/// The bytes of class [`Plain::Copy`], as a flag table for the tight loop.
static COPY: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = matches!(PLAIN[c], Plain::Copy);
        c += 1;
    }
    t
};

/// The bytes of a sixteen-byte chunk at which [`plain_run_end`]'s vector step stops.
///
/// Bit `k` is set when byte `k` is neither an ASCII letter, a digit, a comma
/// nor a space, or is a space followed by none of the first three (another
/// space, other punctuation, or the end of the chunk): the byte-by-byte rules
/// decide those. Every byte before the lowest set bit is plain.
#[inline]
fn stop_mask(chunk: &[u8; 16]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    let (copies, spaces) = copy_and_space_masks_sse2(chunk);
    #[cfg(not(target_arch = "x86_64"))]
    let (copies, spaces) = copy_and_space_masks(chunk);
    let stops = !(copies | spaces) & 0xffff;
    stops | (spaces & ((stops | spaces) >> 1)) | (spaces & 0x8000)
}

/// How many bytes `chunk` starts with that are ASCII letters, digits, commas
/// or single spaces each followed by one of those: prose that folds, and
/// collapses, to itself.
pub(crate) fn plain_prefix_len(chunk: &[u8; 16]) -> usize {
    (stop_mask(chunk) | 1 << 16).trailing_zeros() as usize
}

/// The ASCII letters, digits and commas of `chunk` (bit `k` for byte `k`), and its spaces.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn copy_and_space_masks(chunk: &[u8; 16]) -> (u32, u32) {
    (
        byte_mask(chunk, |c| c.is_ascii_alphanumeric() || c == b','),
        byte_mask(chunk, |c| c == b' '),
    )
}

/// The bytes of `chunk` for which `is` holds (bit `k` for byte `k`), one at a
/// time: the portable form of the SSE2 masks.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) fn byte_mask(chunk: &[u8; 16], is: impl Fn(u8) -> bool) -> u32 {
    chunk
        .iter()
        .enumerate()
        .fold(0, |mask, (k, &c)| mask | u32::from(is(c)) << k)
}

/// [`copy_and_space_masks`] with SSE2 (part of every x86_64 processor): a few
/// instructions for all sixteen bytes instead of sixteen table lookups.
#[cfg(target_arch = "x86_64")]
#[inline]
fn copy_and_space_masks_sse2(chunk: &[u8; 16]) -> (u32, u32) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let (v, alphanumeric) = alphanumeric_sse2(chunk);
    // SAFETY: SSE2 is enabled on every x86_64 target.
    unsafe {
        let comma = _mm_cmpeq_epi8(v, _mm_set1_epi8(b',' as i8));
        let space = _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8));
        (
            _mm_movemask_epi8(_mm_or_si128(alphanumeric, comma)) as u32,
            _mm_movemask_epi8(space) as u32,
        )
    }
}

/// The bytes of `x` from `first` to `first + count - 1` (bytes of all ones).
#[cfg(target_arch = "x86_64")]
#[inline]
fn in_range_sse2(
    x: std::arch::x86_64::__m128i,
    first: u8,
    count: u8,
) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::{_mm_add_epi8, _mm_cmplt_epi8, _mm_set1_epi8};
    // SAFETY: SSE2 is enabled on every x86_64 target.
    // Signed compares find a range: shift it to start at -128, then test
    // "less than -128 + its length".
    unsafe {
        let shifted = _mm_add_epi8(x, _mm_set1_epi8(0x80u8.wrapping_sub(first) as i8));
        _mm_cmplt_epi8(shifted, _mm_set1_epi8(0x80u8.wrapping_add(count) as i8))
    }
}

/// `chunk` loaded into a vector, and its ASCII letters and digits (bytes of all ones).
#[cfg(target_arch = "x86_64")]
#[inline]
fn alphanumeric_sse2(chunk: &[u8; 16]) -> (std::arch::x86_64::__m128i, std::arch::x86_64::__m128i) {
    use std::arch::x86_64::{_mm_loadu_si128, _mm_or_si128, _mm_set1_epi8};
    // SAFETY: SSE2 is enabled on every x86_64 target, and the unaligned load
    // reads exactly the sixteen bytes `chunk` borrows.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast());
        let letter = in_range_sse2(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 26);
        let digit = in_range_sse2(v, b'0', 10);
        (v, _mm_or_si128(letter, digit))
    }
}

/// [`is_word_byte`] of sixteen bytes at once: bit `k` is set for a word byte at `k`.
pub(crate) fn word_mask(chunk: &[u8; 16]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    return word_mask_sse2(chunk);
    #[cfg(not(target_arch = "x86_64"))]
    return byte_mask(chunk, is_word_byte);
}

/// [`is_break_byte`] of sixteen bytes at once, and their apostrophes: bit `k`
/// of each is set for such a byte at `k` (a context window counts an
/// apostrophe as part of a word, and stops at a break).
pub(crate) fn break_and_apostrophe_masks(chunk: &[u8; 16]) -> (u32, u32) {
    #[cfg(target_arch = "x86_64")]
    return break_and_apostrophe_masks_sse2(chunk);
    #[cfg(not(target_arch = "x86_64"))]
    return (
        byte_mask(chunk, is_break_byte),
        byte_mask(chunk, |b| b == b'\''),
    );
}

/// [`break_and_apostrophe_masks`] with SSE2: one compare per break byte.
#[cfg(target_arch = "x86_64")]
fn break_and_apostrophe_masks_sse2(chunk: &[u8; 16]) -> (u32, u32) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is enabled on every x86_64 target, and the unaligned load
    // reads exactly the sixteen bytes `chunk` borrows.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
        let is = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
        let breaks = [b'.', b';', b':', b'!', b'?', b'|']
            .into_iter()
            .fold(is(b'\n'), |m, b| _mm_or_si128(m, is(b)));
        (
            _mm_movemask_epi8(breaks) as u32,
            _mm_movemask_epi8(is(b'\'')) as u32,
        )
    }
}

/// Appends the ASCII bytes `src[from..to]` to `out` in lower case, sixteen at a time.
///
/// A plain run is short (tens of bytes): one pass of vector loads and stores,
/// with no call to copy it and no second pass to lower-case it. The last
/// store may go past the run's end into `out`'s spare capacity, which the
/// next bytes appended overwrite.
#[cfg(target_arch = "x86_64")]
fn push_lower_sse2(out: &mut String, src: &[u8], from: usize, to: usize) {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_and_si128, _mm_loadu_si128, _mm_set1_epi8, _mm_storeu_si128,
    };
    let n = to - from;
    // Room for the run and for the store that may overrun it by up to 15 bytes.
    out.reserve(n + 16);
    let base = out.len();
    // SAFETY: the bytes written up to the new length are `src[from..to]`
    // lower-cased, ASCII (the caller's runs hold ASCII only, checked in
    // debug builds), so `out` stays UTF-8; the bytes past it are spare
    // capacity, never read as content. Every store lands within
    // `base + n + 16 <= capacity` (the `reserve` above). Every load reads
    // sixteen bytes inside `src` (`from + k + 16 <= src.len()`). SSE2 is
    // enabled on every x86_64 target.
    unsafe {
        let v = out.as_mut_vec();
        let dst = v.as_mut_ptr().add(base);
        let mut k = 0;
        while k < n && from + k + 16 <= src.len() {
            let x = _mm_loadu_si128(src.as_ptr().add(from + k).cast::<__m128i>());
            let upper = in_range_sse2(x, b'A', 26);
            let lower = _mm_add_epi8(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
            _mm_storeu_si128(dst.add(k).cast::<__m128i>(), lower);
            k += 16;
        }
        // The last bytes of the text, where sixteen cannot be loaded.
        while k < n {
            *dst.add(k) = src[from + k].to_ascii_lowercase();
            k += 1;
        }
        v.set_len(base + n);
    }
}

/// [`word_mask`] with SSE2.
#[cfg(target_arch = "x86_64")]
fn word_mask_sse2(chunk: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{_mm_movemask_epi8, _mm_or_si128};
    let (v, alphanumeric) = alphanumeric_sse2(chunk);
    // SAFETY: SSE2 is enabled on every x86_64 target. A byte >= 0x80 has its
    // top bit set, which is what movemask reads.
    unsafe { _mm_movemask_epi8(_mm_or_si128(alphanumeric, v)) as u32 }
}

/// Where a run of plain prose starting at the word byte `start` ends.
///
/// Every byte of such a run folds to itself in lower case (letters, digits,
/// single spaces, punctuation kept as is), so the run is copied at once. The
/// run stops before any byte the slow path treats otherwise (markup, entities,
/// hyphens, line breaks, runs of spaces, non-ASCII), and before a word that
/// may begin a URL or an e-mail address (one followed by `@`, by `:/`, or by
/// `.` and another address character, and `www.`), which the slow path must see whole.
///
/// Kept out of line so that its loop has the registers to itself.
#[inline(never)]
fn plain_run_end(bytes: &[u8], start: usize) -> usize {
    let len = bytes.len();
    let mut i = start;
    loop {
        // Most text is words and single spaces: take sixteen bytes at a time
        // up to the first byte the rules below must look at.
        while let Some(chunk) = bytes.get(i..i + 16) {
            let Ok(chunk) = <&[u8; 16]>::try_from(chunk) else {
                break;
            };
            let stops = stop_mask(chunk);
            if stops != 0 {
                i += stops.trailing_zeros() as usize;
                break;
            }
            i += 16;
        }
        while i < len && COPY[usize::from(bytes[i])] {
            i += 1;
        }
        if i == len {
            return len;
        }
        match PLAIN[usize::from(bytes[i])] {
            Plain::Copy => i += 1,
            Plain::Space => {
                let next = bytes.get(i + 1).map(|&n| PLAIN[usize::from(n)]);
                if !matches!(next, Some(Plain::Copy | Plain::Dot)) {
                    return i;
                }
                i += 1;
            }
            Plain::Dot => {
                let after_word = bytes[i - 1].is_ascii_alphanumeric();
                let next = bytes.get(i + 1).copied();
                let risky = if bytes[i] == b'.' {
                    next.is_some_and(|n| {
                        n.is_ascii_alphanumeric() || matches!(n, b'.' | b'_' | b'+' | b'@')
                    })
                } else {
                    next == Some(b'/')
                };
                if after_word {
                    let may_be_www = bytes[i] == b'.'
                        && i >= start + 3
                        && bytes[i - 3..i].eq_ignore_ascii_case(b"www");
                    if risky || may_be_www {
                        let ws = word_start(bytes, start, i);
                        if risky || i - ws == 3 {
                            return ws;
                        }
                    }
                }
                i += 1;
            }
            Plain::At => {
                return if bytes[i - 1].is_ascii_alphanumeric() {
                    word_start(bytes, start, i)
                } else {
                    i
                };
            }
            Plain::Stop => return i,
        }
    }
}

/// The start of the word that ends at `end`, not before `floor`.
fn word_start(bytes: &[u8], floor: usize, end: usize) -> usize {
    let mut s = end;
    while s > floor && bytes[s - 1].is_ascii_alphanumeric() {
        s -= 1;
    }
    s
}

/// If the word at `start..word_end` begins a URL or an e-mail address, where it ends.
fn url_or_email_end(bytes: &[u8], start: usize, word_end: usize) -> Option<usize> {
    let word = &bytes[start..word_end];
    let next = bytes.get(word_end).copied();
    let is_url = match next {
        Some(b':') => {
            bytes[word_end..].starts_with(b"://")
                && (word.eq_ignore_ascii_case(b"http")
                    || word.eq_ignore_ascii_case(b"https")
                    || word.eq_ignore_ascii_case(b"ftp"))
        }
        Some(b'.') => word.eq_ignore_ascii_case(b"www"),
        Some(b'@') => bytes
            .get(word_end + 1)
            .is_some_and(u8::is_ascii_alphanumeric),
        _ => false,
    };
    if !is_url {
        // An e-mail local part with dots (`jane.doe@`): look a little ahead.
        if next == Some(b'.') {
            let rest = &bytes[word_end..bytes.len().min(word_end + 64)];
            let token_len = rest
                .iter()
                .position(|&x| !(x.is_ascii_alphanumeric() || matches!(x, b'.' | b'_' | b'+')))
                .unwrap_or(rest.len());
            if rest.get(token_len) == Some(&b'@') {
                return Some(token_end(bytes, word_end));
            }
        }
        return None;
    }
    Some(token_end(bytes, word_end))
}

/// The end of a URL-like token starting before `from`.
fn token_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&x| {
            x.is_ascii_whitespace() || matches!(x, b'<' | b'>' | b'"' | b'\'' | b')' | b']')
        })
        .map_or(bytes.len(), |p| from + p)
}

const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

struct Builder {
    out: String,
    segs: Vec<Seg>,
    /// Where `out`'s line breaks are ([`Normalized::line_breaks`]).
    breaks: Vec<u32>,
}

impl Builder {
    /// Appends folded bytes that replace the original bytes `orig..orig_end`.
    fn push(&mut self, orig: usize, orig_end: usize, folded: &str) {
        self.note(orig, orig_end, folded.len());
        self.out.push_str(folded);
    }

    /// [`Builder::push`] for one ASCII byte (no copy of a one-byte string).
    fn push_ascii(&mut self, orig: usize, orig_end: usize, c: u8) {
        debug_assert!(c.is_ascii());
        self.note(orig, orig_end, 1);
        self.out.push(char::from(c));
    }

    /// Maps the `len` folded bytes about to be appended to the original bytes
    /// `orig..orig_end`, extending the last run when both continue it one to one.
    #[inline]
    fn note(&mut self, orig: usize, orig_end: usize, len: usize) {
        let norm = self.out.len();
        if len == orig_end - orig {
            if let Some(last) = self.segs.last_mut() {
                let last_norm_len = norm - last.norm as usize;
                let last_orig_len = (last.orig_end - last.orig) as usize;
                if last.orig_end as usize == orig && last_norm_len == last_orig_len {
                    last.orig_end = orig_end as u32;
                    return;
                }
            }
        }
        self.segs.push(Seg {
            norm: norm as u32,
            orig: orig as u32,
            orig_end: orig_end as u32,
        });
    }

    /// Appends the ASCII bytes `src[from..to]` in lower case.
    fn copy_lower(&mut self, src: &[u8], from: usize, to: usize) {
        debug_assert!(src[from..to].is_ascii());
        self.note(from, to, to - from);
        #[cfg(target_arch = "x86_64")]
        push_lower_sse2(&mut self.out, src, from, to);
        #[cfg(not(target_arch = "x86_64"))]
        for &c in &src[from..to] {
            self.out.push(char::from(c.to_ascii_lowercase()));
        }
    }

    fn last(&self) -> Option<u8> {
        self.out.as_bytes().last().copied()
    }

    /// A word separator; collapses with the one before.
    fn space(&mut self, orig: usize, orig_end: usize) {
        if !matches!(self.last(), None | Some(b' ') | Some(b'\n')) {
            self.push_ascii(orig, orig_end, b' ');
        }
    }

    /// A phrase break; collapses with the one before.
    fn brk(&mut self, orig: usize, orig_end: usize) {
        if !matches!(self.last(), None | Some(b'\n')) {
            self.breaks.push(self.out.len() as u32);
            self.push_ascii(orig, orig_end, b'\n');
        }
    }

    /// Folds one character taken from `orig..orig_end`.
    fn emit_char(&mut self, ch: char, orig: usize, orig_end: usize) {
        if ch.is_ascii() {
            let c = ch as u8;
            match c {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => {
                    self.push_ascii(orig, orig_end, c.to_ascii_lowercase())
                }
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => self.space(orig, orig_end),
                b'\n' | b'|' => self.brk(orig, orig_end),
                b'-' | b'/' | b'\\' | b'_' | b'*' | b'#' | b'`' | b'~' | b'>' | b'[' | b']'
                | b'<' | b'^' => self.space(orig, orig_end),
                0..=0x1f | 0x7f => self.space(orig, orig_end),
                _ => self.push_ascii(orig, orig_end, c),
            }
            return;
        }
        match ch {
            '\u{00a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}' => self.space(orig, orig_end),
            '\u{0085}' | '\u{2028}' | '\u{2029}' => self.brk(orig, orig_end),
            '\u{00ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => {}
            '\u{2010}'..='\u{2015}'
            | '\u{2212}'
            | '\u{fe58}'
            | '\u{fe63}'
            | '\u{ff0d}'
            | '\u{2044}'
            | '\u{2215}' => self.space(orig, orig_end),
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{00b4}' => {
                self.push(orig, orig_end, "'")
            }
            '\u{201c}'..='\u{201f}' | '\u{2033}' | '\u{00ab}' | '\u{00bb}' => {
                self.push(orig, orig_end, "\"")
            }
            '\u{2026}' => self.push(orig, orig_end, "."),
            '\u{0300}'..='\u{036f}' => {
                let mut buf = [0u8; 4];
                self.push(orig, orig_end, ch.encode_utf8(&mut buf))
            }
            // The commonest letters and symbols of postings, before the
            // general (and slower) Unicode tests below, with the same result.
            '\u{df}'..='\u{f6}' | '\u{f8}'..='\u{ff}' => {
                let mut buf = [0u8; 4];
                self.push(orig, orig_end, ch.encode_utf8(&mut buf))
            }
            '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{de}' => {
                let mut buf = [0u8; 4];
                let lower = char::from_u32(u32::from(ch) + 0x20).unwrap_or(ch);
                self.push(orig, orig_end, lower.encode_utf8(&mut buf))
            }
            '\u{2016}'..='\u{2027}'
            | '\u{2030}'..='\u{205e}'
            | '\u{2190}'..='\u{21ff}'
            | '\u{2500}'..='\u{25ff}'
            | '\u{a1}'..='\u{a9}'
            | '\u{ab}'..='\u{b1}'
            | '\u{b6}'..='\u{b8}'
            | '\u{bf}' => self.brk(orig, orig_end),
            c if c.is_alphanumeric() => {
                let mut buf = [0u8; 4];
                let mut lower = c.to_lowercase();
                if lower.len() == 1 {
                    let l = lower.next().unwrap_or(c);
                    self.push(orig, orig_end, l.encode_utf8(&mut buf));
                } else {
                    let s: String = lower.collect();
                    self.push(orig, orig_end, &s);
                }
            }
            _ => self.brk(orig, orig_end),
        }
    }

    /// Handles `<` at `i`: a tag, a comment, or a literal; returns where to go on.
    fn tag(&mut self, src: &str, i: usize) -> usize {
        let bytes = src.as_bytes();
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"!--") {
            // As in HTML, a comment left open runs to the end of the text.
            // (Treating it as text instead would also rescan the rest of the
            // text for every further `<!--`: quadratic time.)
            return find(&rest[3..], b"-->").map_or(bytes.len(), |p| i + 1 + 3 + p + 3);
        }
        let starts_tag = rest
            .first()
            .is_some_and(|&c| c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'));
        let close = rest[..rest.len().min(MAX_TAG_BYTES)]
            .iter()
            .position(|&c| c == b'>' || c == b'<');
        let end = match close {
            Some(p) if starts_tag && rest[p] == b'>' => i + 1 + p + 1,
            _ => {
                self.space(i, i + 1);
                return i + 1;
            }
        };
        let is_closing = rest[0] == b'/';
        let name_start = usize::from(is_closing);
        let name_len = rest[name_start..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len() - name_start);
        let name = &rest[name_start..name_start + name_len];
        let is_script = name.eq_ignore_ascii_case(b"script");
        if !is_closing && (is_script || name.eq_ignore_ascii_case(b"style")) {
            let closing = if is_script {
                &b"</script"[..]
            } else {
                &b"</style"[..]
            };
            let skip_to = match find_ascii_ci(&bytes[end..], closing) {
                Some(p) => {
                    let after = end + p;
                    bytes[after..]
                        .iter()
                        .position(|&c| c == b'>')
                        .map_or(bytes.len(), |q| after + q + 1)
                }
                None => bytes.len(),
            };
            self.brk(i, skip_to);
            return skip_to;
        }
        let is_block = BLOCK_TAGS
            .iter()
            .any(|t| name.eq_ignore_ascii_case(t.as_bytes()));
        if is_block {
            self.brk(i, end);
        }
        end
    }

    /// Handles `&` at `i`: a character reference, or a literal `&`.
    fn entity(&mut self, src: &str, i: usize) -> usize {
        let bytes = src.as_bytes();
        let limit = bytes.len().min(i + 12);
        if let Some(p) = bytes[i + 1..limit].iter().position(|&c| c == b';') {
            let name = &src[i + 1..i + 1 + p];
            let end = i + 1 + p + 1;
            if let Some(ch) = decode_entity(name) {
                self.emit_char(ch, i, end);
                return end;
            }
        }
        self.push(i, i + 1, "&");
        i + 1
    }
}

/// Decodes an HTML character reference name (without `&` and `;`).
///
/// Named references follow HTML5, where names are case-sensitive: `&auml;` is
/// ä, `&Auml;` is Ä, and `&Amp;` is no reference at all. HTML5 also defines
/// the upper-case legacy names `&AMP;`, `&LT;`, `&GT;`, `&QUOT;`, `&COPY;` and
/// `&REG;`, which decode like their lower-case forms.
///
/// Beyond HTML5, an all-upper-case name whose lower-case form we know
/// (`&NBSP;`, `&NDASH;`, `&EURO;`, `&AUML;`) is decoded too, as the upper-case
/// of that character where it has one (`&AUML;` is Ä): such names are not
/// valid HTML, but they occur in scraped postings whose markup was upper-cased
/// wholesale, and nothing else can be meant by them. Other mixed-case names
/// (`&Nbsp;`, `&aMP;`) stay text, as in a browser.
fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return char::from_u32(code);
    }
    if let Some(ch) = decode_named(name) {
        return Some(ch);
    }
    let is_upper = name
        .bytes()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && name.bytes().any(|c| c.is_ascii_uppercase());
    if !is_upper {
        return None;
    }
    let ch = decode_named(&name.to_ascii_lowercase())?;
    let mut upper = ch.to_uppercase();
    Some(match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => ch,
    })
}

/// The named references popm knows, spelled exactly as HTML5 defines them.
fn decode_named(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "bdquo" => '\u{201e}',
        "hellip" => '\u{2026}',
        "bull" => '\u{2022}',
        "middot" => '\u{b7}',
        "euro" => '\u{20ac}',
        "pound" => '\u{a3}',
        "copy" | "COPY" => '\u{a9}',
        "reg" | "REG" => '\u{ae}',
        "trade" => '\u{2122}',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "eacute" => 'é',
        "egrave" => 'è',
        "Eacute" => 'É',
        "agrave" => 'à',
        "aacute" => 'á',
        "ccedil" => 'ç',
        "oacute" => 'ó',
        "ntilde" => 'ñ',
        "shy" => '\u{ad}',
        "zwnj" => '\u{200c}',
        "zwj" => '\u{200d}',
        _ => return None,
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize(s).text().to_string()
    }

    #[test]
    fn folds_case_hyphens_slashes_and_spaces() {
        assert_eq!(n("Go-to-Market  Strategy"), "go to market strategy");
        assert_eq!(n("Product   Owner/Manager"), "product owner manager");
        assert_eq!(n("ÜBER Straße"), "über straße");
    }

    #[test]
    fn line_breaks_are_phrase_breaks() {
        assert_eq!(n("scrum\nmaster"), "scrum\nmaster");
        assert_eq!(n("a\r\n\r\n  b"), "a\nb");
    }

    #[test]
    fn folds_unicode_punctuation() {
        assert_eq!(n("owner\u{2019}s"), "owner's");
        assert_eq!(n("\u{201c}PO\u{201d}"), "\"po\"");
        assert_eq!(n("product\u{a0}owner"), "product owner");
        assert_eq!(n("go\u{2013}to\u{2014}market"), "go to market");
        assert_eq!(n("pro\u{ad}duct"), "product");
        assert_eq!(
            n("\u{2022} backlog \u{2022} refinement"),
            "backlog \nrefinement"
        );
    }

    #[test]
    fn strips_html() {
        assert_eq!(
            n("<p>Product <b>Owner</b></p><ul><li>Backlog</li><li>Refinement</li></ul>"),
            "product owner\nbacklog\nrefinement\n"
        );
        assert_eq!(n("a<script>product owner</script>b"), "a\nb");
        assert_eq!(n("a<STYLE>.x{}</style >b"), "a\nb");
        // Tag names in any case; a name that only starts like a block tag is inline.
        assert_eq!(n("a<P>b<Br/>c<LI class=x>d<Pa>e<bR2>f"), "a\nb\nc\ndef");
        assert_eq!(
            n("R&amp;D &lt;team&gt; &nbsp;x&#252;&#xFC;"),
            "r&d team xüü"
        );
        assert_eq!(n("salary < 50k and a<b"), "salary 50k and a b");
        assert_eq!(n("<!-- product owner -->x"), "x");
        assert_eq!(n("<script>never closed product owner"), "");
    }

    #[test]
    fn strips_markdown_and_urls() {
        assert_eq!(
            n("## Responsibilities\n**Product** _Owner_"),
            "responsibilities\nproduct owner "
        );
        assert_eq!(
            n("see [our jobs](https://x.com/product-owner) now"),
            "see our jobs now"
        );
        assert_eq!(
            n("visit https://jobs.example.com/product-manager today"),
            "visit today"
        );
        assert_eq!(
            n("www.pm.com and pm@corp.com or jane.doe@corp.com"),
            "and or "
        );
    }

    #[test]
    fn offsets_map_back_to_original() {
        let src = "<p>Our  Product&nbsp;Owner’s BACKLOG — Über</p>";
        let norm = normalize(src);
        let t = norm.text();
        for word in ["product owner", "backlog", "über"] {
            let s = t.find(word).unwrap();
            let span = norm.orig_span(s, s + word.len());
            let orig = &src[span];
            let folded = n(orig);
            assert_eq!(folded, word, "{orig:?}");
        }
        let s = t.find("owner's").unwrap();
        let span = norm.orig_span(s, s + "owner's".len());
        assert_eq!(&src[span], "Owner’s");
    }

    /// The fast path must give the same text and the same offset map as the slow one.
    fn assert_fast_path_changes_nothing(src: &str) {
        // The fast path writes into buffers that held another text, as a worker's do.
        let mut fast = normalize("An <b>earlier</b> text \u{2013} its buffers are reused\n");
        normalize_with(src, true, &mut fast);
        let mut slow = Normalized::default();
        normalize_with(src, false, &mut slow);
        assert_eq!(fast.text(), slow.text(), "{src:?}");
        let n = fast.text().len();
        for s in 0..n {
            for e in [s + 1, (s + 7).min(n), n] {
                assert_eq!(
                    fast.orig_span(s, e),
                    slow.orig_span(s, e),
                    "{src:?} {s}..{e}"
                );
            }
        }
    }

    #[test]
    fn fast_path_changes_nothing() {
        for src in [
            "Product Owner, Product Manager and a b",
            "We are looking for a Product Owner, you own the backlog.  Two  spaces, then\nmore",
            "mail jane.doe@corp.com or pm@corp.com, visit www.x.com or https://x.com/po now",
            "see [our jobs](https://x.com/product-owner) now, a ,b , c,, d, ",
            "Über ÄRGER, x <b>Bold</b> R&amp;D, 5 PM, end",
            "a, b, c, d e f g h, , i",
            "trailing space ",
            "x",
        ] {
            assert_fast_path_changes_nothing(src);
        }
        let samples =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/postings.csv"))
                .unwrap();
        for chunk in samples.as_bytes().chunks(997) {
            assert_fast_path_changes_nothing(&String::from_utf8_lossy(chunk));
        }
    }

    /// Pieces of text the fast path must stop at or copy exactly like the slow one.
    const PIECES: &[&str] = &[
        "Product", "owner", "PO", "5", "a", " ", "  ", ", ", ",", ".", ". ", ":", ": ", "://", "@",
        "www", "http", "https", "jane", "doe", ".@", "_", "+", "-", "/", "\n", "\t", "(", ")", "'",
        "\"", "!", "?", ";", "&amp;", "&", "<b>", "<", ">", "](x)", "[", "é", "Ü", "\u{a0}", "’",
        "*", "#", "|", "=", "%", "{", "}",
    ];

    proptest::proptest! {
        #[test]
        fn fast_path_changes_nothing_on_random_text(
            picks in proptest::collection::vec(0..PIECES.len(), 0..40),
        ) {
            let src: String = picks.iter().map(|&k| PIECES[k]).collect();
            assert_fast_path_changes_nothing(&src);
        }

        /// Every line break written is noted, and nothing else is.
        #[test]
        fn line_breaks_are_where_the_text_breaks(
            picks in proptest::collection::vec(0..PIECES.len() + 6, 0..60),
        ) {
            // The pieces above, and line breaks that tags, entities and
            // Unicode separators make.
            const MORE: [&str; 6] = ["<p>", "</li>", "<br/>", "&#10;", "\u{2028}", "\r\n"];
            let src: String = picks
                .iter()
                .map(|&k| PIECES.get(k).copied().unwrap_or_else(|| MORE[k - PIECES.len()]))
                .collect();
            let n = normalize(&src);
            let want: Vec<u32> = n
                .text()
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i as u32)
                .collect();
            proptest::prop_assert_eq!(n.line_breaks(), &want[..]);
        }
    }

    /// [`stop_mask`] by its definition, one byte at a time.
    fn stops_by_definition(chunk: &[u8; 16]) -> u32 {
        let copies = |c: u8| c.is_ascii_alphanumeric() || c == b',';
        (0..16).fold(0, |m, k| {
            let c = chunk[k];
            let stop = if c == b' ' {
                !chunk.get(k + 1).is_some_and(|&n| copies(n))
            } else {
                !copies(c)
            };
            m | u32::from(stop) << k
        })
    }

    proptest::proptest! {
        /// Spans looked up in any order from a cursor map as the runs say,
        /// read one by one from the first.
        #[test]
        fn orig_span_from_any_cursor_is_the_span_by_definition(
            text in "([A-Za-z]{1,6}|  |\n|-|<b>|&amp;|é|ß|\u{2019}|\u{200b}| ){0,40}",
            spans in proptest::collection::vec((0usize..200, 1usize..12), 0..12),
        ) {
            let n = normalize(&text);
            let len = n.text().len();
            let naive = |k: usize| n.segs.iter().rposition(|s| s.norm as usize <= k).unwrap_or(0);
            let span = |start: usize, end: usize| {
                let (s, e) = (naive(start), naive(end - 1));
                let from = if n.is_linear(s) {
                    n.segs[s].orig as usize + (start - n.segs[s].norm as usize)
                } else {
                    n.segs[s].orig as usize
                };
                let to = if n.is_linear(e) {
                    n.segs[e].orig as usize + (end - n.segs[e].norm as usize)
                } else {
                    n.segs[e].orig_end as usize
                };
                from..to
            };
            let mut cursor = 0;
            for (start, width) in spans {
                if len == 0 {
                    break;
                }
                let start = start % len;
                let end = (start + width).min(len);
                proptest::prop_assert_eq!(n.orig_span_from(&mut cursor, start, end), span(start, end));
                proptest::prop_assert_eq!(n.orig_span(start, end), span(start, end));
            }
        }

        /// Any ASCII run, anywhere in a text (its end included, where sixteen
        /// bytes cannot be loaded), after anything already appended.
        #[test]
        fn push_lower_appends_the_run_lower_cased(
            text in "[ -~]{0,80}",
            before in "[a-z ]{0,20}",
            a in 0usize..81,
            b in 0usize..81,
        ) {
            let (from, to) = (a.min(b).min(text.len()), a.max(b).min(text.len()));
            let mut out = before.clone();
            #[cfg(target_arch = "x86_64")]
            push_lower_sse2(&mut out, text.as_bytes(), from, to);
            #[cfg(not(target_arch = "x86_64"))]
            out.push_str(&text[from..to].to_ascii_lowercase());
            proptest::prop_assert_eq!(out, before + &text[from..to].to_ascii_lowercase());
        }

        #[test]
        fn word_mask_is_is_word_byte(chunk in proptest::array::uniform16(proptest::num::u8::ANY)) {
            let by_byte = (0..16).fold(0, |m, k| m | u32::from(is_word_byte(chunk[k])) << k);
            proptest::prop_assert_eq!(word_mask(&chunk), by_byte);
        }

        #[test]
        fn break_masks_are_is_break_byte_and_apostrophes(
            chunk in proptest::array::uniform16(proptest::sample::select(
                b"\n.;:!?|' a-Z0\x80\xff\t,".to_vec(),
            )),
        ) {
            let brk = (0..16).fold(0, |m, k| m | u32::from(is_break_byte(chunk[k])) << k);
            let apo = (0..16).fold(0, |m, k| m | u32::from(chunk[k] == b'\'') << k);
            proptest::prop_assert_eq!(break_and_apostrophe_masks(&chunk), (brk, apo));
        }

        #[test]
        fn stop_mask_stops_where_the_byte_rules_must_look(
            chunk in proptest::array::uniform16(proptest::prop_oneof![
                proptest::num::u8::ANY,
                proptest::sample::select(b" aAzZ09@`[{/:,+-".to_vec()),
            ]),
        ) {
            proptest::prop_assert_eq!(stop_mask(&chunk), stops_by_definition(&chunk));
            #[cfg(target_arch = "x86_64")]
            proptest::prop_assert_eq!(
                copy_and_space_masks_sse2(&chunk),
                copy_and_space_masks(&chunk)
            );
        }
    }

    #[test]
    fn stop_mask_on_prose() {
        assert_eq!(stop_mask(b"Product Owner ab"), 0);
        // A doubled space and a space ending the chunk; a comma copies.
        assert_eq!(stop_mask(b"ab cd  ef, gh i "), 1 << 5 | 1 << 15);
        assert_eq!(
            stop_mask(b"caf\xc3\xa9 is-it 42% "),
            1 << 3 | 1 << 4 | 1 << 8 | 1 << 14 | 1 << 15
        );
        assert_eq!(stop_mask(&[b' '; 16]), 0xffff);
    }

    #[test]
    fn entity_names_follow_html_case_rules() {
        // HTML5 names, and the upper-case legacy names HTML5 also defines.
        assert_eq!(n("R&amp;D R&AMP;D"), "r&d r&d");
        assert_eq!(n("&QUOT;x&quot; a&LT;b&GT;c"), "\"x\" a b c");
        assert_eq!(n("&COPY;&REG;"), n("&copy;&reg;"));
        // Case-sensitive letters: both are HTML5 names, and fold alike.
        assert_eq!(n("&Auml;&auml;"), "ää");
        // Not HTML5, but seen in upper-cased scraped markup: decoded.
        assert_eq!(n("product&NBSP;owner"), "product owner");
        assert_eq!(n("go&NDASH;to&MDASH;market"), "go to market");
        assert_eq!(n("&AUML;RGER"), "ärger");
        assert_eq!(n("&EURO;5 &HELLIP;"), n("&euro;5 &hellip;"));
        // Mixed case HTML does not define stays text.
        assert_eq!(n("a&Nbsp;b &aMP;"), "a&nbsp;b &amp;");
        assert_eq!(n("&Amp;"), "&amp;");
        // Numeric references take x or X.
        assert_eq!(n("&#X41;&#x62;&#99;"), "abc");
    }

    #[test]
    fn upper_case_entities_map_back_to_the_whole_reference() {
        let src = "Product&NBSP;Owner &AMP; R&AMP;D";
        let norm = normalize(src);
        assert_eq!(norm.text(), "product owner & r&d");
        let s = norm.text().find("product owner").unwrap();
        let span = norm.orig_span(s, s + "product owner".len());
        assert_eq!(&src[span], "Product&NBSP;Owner");
        let s = norm.text().find("r&d").unwrap();
        let span = norm.orig_span(s, s + 3);
        assert_eq!(&src[span], "R&AMP;D");
        let s = norm.text().find("& r").unwrap();
        assert_eq!(&src[norm.orig_span(s, s + 1)], "&AMP;");
    }

    #[test]
    fn unclosed_comment_runs_to_the_end_like_html() {
        assert_eq!(n("pricing <!-- product backlog"), "pricing ");
        assert_eq!(n("a<!-- x -->b <!-- c"), "ab ");
        // Many unclosed comments: linear, and all dropped.
        let many = "x <!-- y ".repeat(20_000);
        assert_eq!(n(&many), "x ");
    }

    #[test]
    fn unclosed_markdown_link_keeps_the_text_after_it() {
        assert_eq!(
            n("see [jobs](product backlog and pricing"),
            "see jobs (product backlog and pricing"
        );
        assert_eq!(n("a](b\nc) d"), "a (b\nc) d");
        assert_eq!(n("[x](y) z"), "x z");
        let far = format!("[x]({}) z", "y".repeat(MAX_LINK_TARGET_BYTES + 10));
        assert!(n(&far).ends_with(") z"), "{}", n(&far).len());
        let many = "](".repeat(50_000);
        assert!(n(&many).len() < many.len());
    }

    #[test]
    fn broken_html_keeps_the_text() {
        assert_eq!(
            n("<p>Own the <b>product backlog<p>and <i>write user stories"),
            "own the product backlog\nand write user stories"
        );
        assert_eq!(n("if a < b and <3 or a<<b"), "if a b and 3 or a b");
        assert_eq!(
            n("<div class='x' <span>pricing</span>"),
            "div class='x' pricing"
        );
        // `</script` inside a string does not close the script; only the real one does.
        assert_eq!(
            n("x<script>s='</scr'+'ipt>backlog';</script>pricing"),
            "x\npricing"
        );
        assert_eq!(
            n("<SCRIPT>backlog</SCRIPT >x<Style a=b>backlog</STYLE>y"),
            "x\ny"
        );
        assert_eq!(n("<script/>backlog"), "");
        assert_eq!(n("<scriptx>backlog</scriptx>"), "backlog");
    }

    #[test]
    fn quick_unicode_arms_agree_with_the_general_rules() {
        // Every character the quick arms of `emit_char` take folds as the
        // general rules fold it: a letter or digit in lower case, anything
        // else a phrase break. Characters of earlier arms are skipped.
        let earlier = |c: char| {
            matches!(
                c,
                '\u{ab}'
                    | '\u{ad}'
                    | '\u{b4}'
                    | '\u{bb}'
                    | '\u{2026}'
                    | '\u{2032}'
                    | '\u{2033}'
                    | '\u{2044}'
                    | '\u{202f}'
                    | '\u{2028}'
                    | '\u{2029}'
            ) || ('\u{2010}'..='\u{201f}').contains(&c)
        };
        let quick = [
            '\u{a1}'..='\u{ff}',
            '\u{2016}'..='\u{2027}',
            '\u{2030}'..='\u{205e}',
            '\u{2190}'..='\u{21ff}',
            '\u{2500}'..='\u{25ff}',
        ];
        for c in quick.into_iter().flatten().filter(|&c| !earlier(c)) {
            let general = if c.is_alphanumeric() {
                format!("a{}b", c.to_lowercase())
            } else {
                "a\nb".to_string()
            };
            let got = normalize(&format!("a{c}b"));
            assert_eq!(got.text(), general, "{c:?} U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn multibyte_lowercase_maps_to_whole_char() {
        let src = "x İstanbul";
        let norm = normalize(src);
        let span = norm.orig_span(2, norm.text().len());
        assert_eq!(&src[span], "İstanbul");
    }

    #[test]
    fn invalid_nested_and_unclosed_html_do_not_panic() {
        let deep = "<div>".repeat(10_000) + "product owner" + &"</div>".repeat(10_000);
        assert_eq!(n(&deep).trim(), "product owner");
        for s in [
            "<",
            "&",
            "&#;",
            "&#xZZ;",
            "&#99999999;",
            "]",
            "](",
            "<a href='",
            "<!--",
        ] {
            let _ = n(s);
        }
    }
}
