//! The scanner's batch automaton as one flat transition table.
//!
//! [`FlatDfa`] is an Aho-Corasick automaton built straight into a table of
//! dense rows, one per state and one entry per byte class, every entry
//! checked when it is built. A search step is a class lookup, one load and
//! one compare, where `aho_corasick`'s own DFA also checks each index against
//! its table's length (eight instructions a byte instead of six). Building it
//! from the patterns costs about 19 M instructions for the default lexicon,
//! where copying the crate's NFA transition by transition cost about 97 M
//! (BENCHMARKS.md, "Optimisations kept"). Match states are
//! numbered first, so "is this a match" is one comparison with the search's
//! current state.

/// The most table entries a [`FlatDfa`] may hold (up to 64 MiB of them).
const MAX_ENTRIES: usize = 16 << 20;

/// How many walks search a long text at once (see [`FlatDfa::for_each_match`]).
pub const WALKS: usize = 4;

/// Texts this long (and at least `4 * WALKS` times the longest pattern) are searched in [`WALKS`] walks.
pub(crate) const WALKS_MIN_LEN: usize = 64;

/// A transition table entry: the next state's row offset, as it is or, in
/// two bytes, divided by 16 (rows are then padded to a multiple of 16
/// entries). Two-byte entries halve the table (the default lexicon's is
/// 1.6 MiB instead of 2.6 MiB): on a 2 MiB L2, `-j 1` ran 2–3 % faster.
pub trait Entry: Copy + Default + std::fmt::Debug + Send + Sync + 'static {
    /// Rows are padded to a multiple of this many entries.
    const ROW_ALIGN: usize;
    /// The entry for a row offset (a multiple of [`Entry::ROW_ALIGN`]), if it fits.
    fn from_offset(offset: u32) -> Option<Self>;
    /// The row offset of this entry.
    fn offset(self) -> u32;
}

impl Entry for u16 {
    const ROW_ALIGN: usize = 16;

    fn from_offset(offset: u32) -> Option<u16> {
        u16::try_from(offset >> 4).ok()
    }

    #[inline(always)]
    fn offset(self) -> u32 {
        u32::from(self) << 4
    }
}

impl Entry for u32 {
    const ROW_ALIGN: usize = 1;

    fn from_offset(offset: u32) -> Option<u32> {
        Some(offset)
    }

    #[inline(always)]
    fn offset(self) -> u32 {
        self
    }
}

/// An automaton's unanchored, overlapping search as a flat table of
/// transitions with entries of type `E` (two bytes where the table allows).
#[derive(Clone, Debug)]
pub struct FlatDfa<E: Entry = u16> {
    /// The class of every byte: bytes that no pattern contains share one class.
    classes: [u8; 256],
    /// The length of a state's row in `table`: the number of classes,
    /// rounded up to a multiple of [`Entry::ROW_ALIGN`].
    stride: usize,
    /// Rows of transitions; an entry is the next state's row offset (its
    /// index times `stride`), as [`Entry`] stores it.
    table: Vec<E>,
    /// Row offsets below this one belong to match states.
    match_end: u32,
    /// The start state's row offset.
    start: u32,
    /// The patterns of match state `k` are `patterns[bounds[k]..bounds[k + 1]]`.
    match_bounds: Vec<u32>,
    /// Pattern indexes of all match states, state after state.
    patterns: Vec<u32>,
    /// The longest pattern's length in bytes.
    max_len: usize,
}

impl<E: Entry> FlatDfa<E> {
    /// Builds the Aho-Corasick automaton of `patterns` (every occurrence of
    /// every pattern, the crate's `MatchKind::Standard`) straight into a flat
    /// table: a trie of dense rows, then, breadth first, each state's failure
    /// state, the transitions it lacks (copied from its failure state's row,
    /// complete by then, as that state is shallower) and the patterns it ends
    /// (its own, then its failure state's).
    ///
    /// `None` for an empty pattern, or when the table would need more than
    /// [`MAX_ENTRIES`] entries or offsets that `E` cannot hold.
    pub(crate) fn new(patterns: &[String]) -> Option<FlatDfa<E>> {
        const NONE: u32 = u32::MAX;
        let (classes, reps) = byte_classes(patterns);
        let stride = reps.len();
        let class = |b: u8| usize::from(classes[usize::from(b)]);
        // The trie: `next[s * stride + c]` is the state after `s` on class
        // `c`, a state number for now (row offsets come last).
        let mut next: Vec<u32> = vec![NONE; stride];
        let mut ends: Vec<Vec<u32>> = vec![Vec::new()];
        for (pid, p) in patterns.iter().enumerate() {
            if p.is_empty() {
                return None;
            }
            let mut s = 0;
            for b in p.bytes() {
                let i = s * stride + class(b);
                if next[i] == NONE {
                    if next.len() + stride > MAX_ENTRIES {
                        return None;
                    }
                    next[i] = ends.len() as u32;
                    next.resize(next.len() + stride, NONE);
                    ends.push(Vec::new());
                }
                s = next[i] as usize;
            }
            ends[s].push(pid as u32);
        }
        // The table's rows, padded: give up before the breadth-first pass
        // when `E` cannot hold their offsets.
        let tstride = stride.div_ceil(E::ROW_ALIGN) * E::ROW_ALIGN;
        let last_offset = u32::try_from((ends.len() - 1) * tstride).ok()?;
        E::from_offset(last_offset)?;
        let mut fail = vec![0u32; ends.len()];
        let mut order: Vec<u32> = Vec::with_capacity(ends.len());
        order.push(0);
        // The row of the state's failure state (all the start state's for it).
        let mut via_fail = vec![0u32; stride];
        let mut children: Vec<(u32, u32)> = Vec::with_capacity(stride);
        let mut head = 0;
        while let Some(&s) = order.get(head) {
            head += 1;
            let s = s as usize;
            if s != 0 {
                let f = fail[s] as usize * stride;
                via_fail.copy_from_slice(&next[f..f + stride]);
            }
            for (to, &alt) in next[s * stride..(s + 1) * stride].iter_mut().zip(&via_fail) {
                if *to == NONE {
                    *to = alt;
                } else {
                    children.push((*to, alt));
                }
            }
            for (child, child_fail) in children.drain(..) {
                fail[child as usize] = child_fail;
                if !ends[child_fail as usize].is_empty() {
                    let inherited = ends[child_fail as usize].clone();
                    ends[child as usize].extend(inherited);
                }
                order.push(child);
            }
        }
        // Rows in breadth-first order, match states first.
        let (matching, other): (Vec<u32>, Vec<u32>) =
            order.iter().partition(|&&s| !ends[s as usize].is_empty());
        let mut row = vec![0u32; ends.len()];
        for (new, &old) in matching.iter().chain(&other).enumerate() {
            row[old as usize] = u32::try_from(new * tstride).ok()?;
        }
        // Padding entries are never read: no byte has their class.
        let mut table = vec![E::default(); ends.len() * tstride];
        for (old, targets) in next.chunks_exact(stride).enumerate() {
            let at = row[old] as usize;
            for (slot, &to) in table[at..at + stride].iter_mut().zip(targets) {
                *slot = E::from_offset(row[to as usize])?;
            }
        }
        let mut match_bounds = Vec::with_capacity(matching.len() + 1);
        match_bounds.push(0);
        let mut found = Vec::new();
        for &s in &matching {
            found.extend_from_slice(&ends[s as usize]);
            match_bounds.push(u32::try_from(found.len()).ok()?);
        }
        let flat = FlatDfa {
            classes,
            stride: tstride,
            match_end: u32::try_from(matching.len() * tstride).ok()?,
            start: row[0],
            table,
            match_bounds,
            patterns: found,
            max_len: patterns.iter().map(String::len).max().unwrap_or(0),
        };
        // The search indexes the table without bounds checks: a row of
        // `tstride` entries must follow the start state and every entry, and
        // every class be below `tstride` (all hold by construction).
        let last_row = flat.table.len().checked_sub(tstride)?;
        let rows_ok = flat.start as usize <= last_row
            && flat.table.iter().all(|&t| t.offset() as usize <= last_row)
            && flat.classes.iter().all(|&c| usize::from(c) < tstride);
        rows_ok.then_some(flat)
    }

    /// Calls `found(pattern, end)` for every occurrence of every pattern in
    /// `text`, each once, in no set order.
    ///
    /// A text of at least [`WALKS_MIN_LEN`] bytes is searched as [`WALKS`]
    /// parts walked in lockstep. Each step of a walk waits for the table load
    /// of the step before it; independent walks fill that wait, so the search
    /// takes about half the time of one walk for a few more instructions
    /// (BENCHMARKS.md, "Optimisations kept"). Every walk but the first starts [`FlatDfa::max_len`] bytes
    /// before its part, so that its state is exact from the part's start on,
    /// and reports only the matches that end inside its part.
    pub fn for_each_match(&self, text: &[u8], mut found: impl FnMut(usize, usize)) {
        let len = text.len();
        if len < WALKS_MIN_LEN.max(4 * WALKS * self.max_len) {
            return self.walk_alone(text, self.start, 0, &mut found);
        }
        let part = len / WALKS;
        // Walk k reports the matches that end in (part_start[k], part_end[k]].
        let part_start: [usize; WALKS] = std::array::from_fn(|k| k * part);
        let part_end: [usize; WALKS] =
            std::array::from_fn(|k| if k + 1 < WALKS { (k + 1) * part } else { len });
        let mut at: [usize; WALKS] =
            std::array::from_fn(|k| part_start[k].saturating_sub(self.max_len));
        let mut sid = [self.start; WALKS];
        // The first walk is the shortest: the others have bytes left until it ends.
        while at[0] < part_end[0] {
            (sid, at) = self.run_walks_to_match(text, sid, at, part_end[0] - at[0]);
            for k in 0..WALKS {
                if sid[k] < self.match_end && at[k] > part_start[k] {
                    self.report(sid[k], at[k], &mut found);
                }
            }
        }
        for k in 1..WALKS {
            self.walk_alone(&text[..part_end[k]], sid[k], at[k], &mut found);
        }
    }

    /// One walk from `sid` at `at` to the end of `text`, reporting every match.
    fn walk_alone(
        &self,
        text: &[u8],
        mut sid: u32,
        mut at: usize,
        found: &mut impl FnMut(usize, usize),
    ) {
        while at < text.len() {
            (sid, at) = self.run_to_match(sid, text, at);
            if sid >= self.match_end {
                return;
            }
            self.report(sid, at, found);
        }
    }

    /// Calls `found(pattern, end)` for each pattern of match state `sid`.
    fn report(&self, sid: u32, end: usize, found: &mut impl FnMut(usize, usize)) {
        let k = sid as usize / self.stride;
        let (from, to) = (self.match_bounds[k], self.match_bounds[k + 1]);
        for &p in &self.patterns[from as usize..to as usize] {
            found(p as usize, end);
        }
    }

    /// Steps every walk at most `n` times, all at once, until one enters a
    /// match state; returns the states and positions (after the byte last read).
    ///
    /// Every walk must have at least `n` bytes left.
    #[inline(never)]
    fn run_walks_to_match(
        &self,
        text: &[u8],
        mut sid: [u32; WALKS],
        at: [usize; WALKS],
        n: usize,
    ) -> ([u32; WALKS], [usize; WALKS]) {
        let parts: [&[u8]; WALKS] = std::array::from_fn(|k| &text[at[k]..at[k] + n]);
        #[allow(clippy::needless_range_loop)] // `i` indexes every walk's part, not one slice
        for i in 0..n {
            let mut in_match = false;
            for k in 0..WALKS {
                sid[k] = self.step(sid[k], parts[k][i]);
                in_match |= sid[k] < self.match_end;
            }
            if in_match {
                return (sid, at.map(|a| a + i + 1));
            }
        }
        (sid, at.map(|a| a + n))
    }

    /// The state after `sid` on `byte`.
    #[inline(always)]
    fn step(&self, sid: u32, byte: u8) -> u32 {
        let i = sid as usize + usize::from(self.classes[usize::from(byte)]);
        debug_assert!(i < self.table.len());
        // SAFETY: `sid` is the start state or a table entry, and `new`
        // checked that `stride` entries follow each of them; a class is
        // below `stride`, so `i` is in bounds.
        unsafe { self.table.get_unchecked(i) }.offset()
    }

    /// [`FlatDfa::for_each_match`] in one walk, as it was before the [`WALKS`]
    /// walks (kept to measure the walks against it: `benches/walks.rs`).
    pub fn for_each_match_in_one_walk(&self, text: &[u8], mut found: impl FnMut(usize, usize)) {
        self.walk_alone(text, self.start, 0, &mut found);
    }

    /// Steps from `sid` over `text[at..]` until a match state; returns that
    /// state (or the last one, at the end of the text) and the position after its byte.
    ///
    /// Kept out of line so that its loop has the registers to itself.
    #[inline(never)]
    fn run_to_match(&self, mut sid: u32, text: &[u8], mut at: usize) -> (u32, usize) {
        // Four steps per length check: most steps stay out of match states.
        while let Some(&[b0, b1, b2, b3]) = text.get(at..at + 4) {
            for (k, b) in [b0, b1, b2, b3].into_iter().enumerate() {
                sid = self.step(sid, b);
                if sid < self.match_end {
                    return (sid, at + k + 1);
                }
            }
            at += 4;
        }
        while at < text.len() {
            sid = self.step(sid, text[at]);
            at += 1;
            if sid < self.match_end {
                break;
            }
        }
        (sid, at)
    }
}

/// Byte classes for `patterns`: every byte they contain is a class of its
/// own, all others share class 0 (from every state they lead where any byte
/// outside the patterns leads). Returns the class of every byte and one byte
/// of each class.
fn byte_classes(patterns: &[String]) -> ([u8; 256], Vec<u8>) {
    let mut used = [false; 256];
    for p in patterns {
        for b in p.bytes() {
            used[usize::from(b)] = true;
        }
    }
    let mut classes = [0u8; 256];
    let mut reps = Vec::new();
    if let Some(other) = used.iter().position(|&u| !u) {
        reps.push(other as u8);
    }
    for b in 0..=255u8 {
        if used[usize::from(b)] {
            classes[usize::from(b)] = reps.len() as u8;
            reps.push(b);
        }
    }
    (classes, reps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::automaton::Automaton;
    use aho_corasick::{dfa, MatchKind};

    /// Every (pattern, end) found, sorted.
    type Found = Vec<(usize, usize)>;

    /// What the flat automaton for `patterns` finds in `text`, and what the crate's DFA finds.
    fn both(patterns: &[&str], text: &str) -> (Found, Found) {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let aut = dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&patterns)
            .unwrap();
        let flat = FlatDfa::<u16>::new(&patterns).unwrap();
        let mut got = Vec::new();
        flat.for_each_match(text.as_bytes(), |p, end| got.push((p, end)));
        got.sort_unstable();
        // Four-byte entries find the same.
        let flat = FlatDfa::<u32>::new(&patterns).unwrap();
        let mut got32 = Vec::new();
        flat.for_each_match(text.as_bytes(), |p, end| got32.push((p, end)));
        got32.sort_unstable();
        assert_eq!(got, got32, "{text:?}");
        let mut want = Vec::new();
        let mut state = aho_corasick::automaton::OverlappingState::start();
        let input = aho_corasick::Input::new(text);
        loop {
            aut.try_find_overlapping(&input, &mut state).unwrap();
            match state.get_match() {
                Some(m) => want.push((m.pattern().as_usize(), m.end())),
                None => break,
            }
        }
        want.sort_unstable();
        (got, want)
    }

    #[test]
    fn finds_what_the_automaton_finds() {
        let pats = [
            "product owner",
            "owner",
            "product",
            "he",
            "she",
            "hers",
            "\u{e9}t\u{e9}",
        ];
        for text in [
            "",
            "x",
            "product owner",
            "ushers, she, he",
            "l'\u{e9}t\u{e9} product",
            "prod",
        ] {
            let (got, want) = both(&pats, text);
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn walks_find_matches_across_part_bounds_once() {
        let pats = ["product owner", "owner", "r p", "t o", "product"];
        // Texts long enough for several walks, with a part boundary at every
        // offset of a phrase, and phrases that end exactly at a boundary.
        for pad in 0..20 {
            let text = format!("{}product owner {}", "x".repeat(100 + pad), "y".repeat(100));
            assert!(text.len() >= WALKS_MIN_LEN);
            let (got, want) = both(&pats, &text);
            assert_eq!(got, want, "{text:?}");
        }
        for pad in 0..22 {
            let text = format!("{}{}", "x".repeat(pad), "product owner product ".repeat(20));
            let (got, want) = both(&pats, &text);
            assert_eq!(got.len(), 20 * 6);
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn a_pattern_given_twice_is_found_twice_and_an_empty_one_is_refused() {
        let (got, want) = both(&["owner", "product owner", "owner"], "a product owner");
        assert_eq!(got, [(0, 15), (1, 15), (2, 15)]);
        assert_eq!(got, want);
        assert!(FlatDfa::<u16>::new(&["owner".to_string(), String::new()]).is_none());
    }

    #[test]
    fn a_table_too_large_for_two_byte_entries_takes_four() {
        // About 40,000 states in rows of 32: past what offsets divided by 16 fit in a u16.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let patterns: Vec<String> = (0..5_000)
            .map(|_| {
                (0..10)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        char::from(b'a' + (x % 26) as u8)
                    })
                    .collect()
            })
            .collect();
        assert!(FlatDfa::<u16>::new(&patterns).is_none());
        let flat = FlatDfa::<u32>::new(&patterns).unwrap();
        let text = format!("{} {}x{}", patterns[7], patterns[4_000], patterns[9]);
        let mut got = Vec::new();
        flat.for_each_match(text.as_bytes(), |p, end| got.push((p, end)));
        assert!(got.contains(&(7, 10)), "{got:?}");
        assert!(got.contains(&(4_000, 21)), "{got:?}");
        assert!(got.contains(&(9, 32)), "{got:?}");
    }

    #[test]
    fn bytes_outside_the_patterns_share_a_class() {
        let (classes, reps) = byte_classes(&["ab".to_string(), "b\u{e9}".to_string()]);
        assert_eq!(reps.len(), 5); // the others, a, b, 0xc3, 0xa9
        assert_eq!(classes[usize::from(b'z')], 0);
        assert_eq!(classes[0xff], 0);
        assert_ne!(classes[usize::from(b'a')], classes[usize::from(b'b')]);
    }

    proptest::proptest! {
        #[test]
        fn finds_what_the_automaton_finds_on_random_text(
            pats in proptest::collection::vec("[abc ]{1,4}", 1..8),
            text in "[abcd \u{e9}]{0,150}",
        ) {
            let pats: Vec<&str> = pats.iter().map(String::as_str).collect();
            let (got, want) = both(&pats, &text);
            proptest::prop_assert_eq!(got, want);
        }

        /// Multi-byte characters in the patterns, and long failure chains.
        #[test]
        fn finds_what_the_automaton_finds_with_wide_and_deep_patterns(
            wide in proptest::collection::vec("[ab \u{e9}\u{ff}\u{4e2d}]{1,5}", 1..20),
            deep in proptest::collection::vec("[ab]{1,12}", 0..20),
            text in "[ab \u{e9}\u{ff}\u{4e2d}x]{0,200}",
        ) {
            let pats: Vec<&str> = wide.iter().chain(&deep).map(String::as_str).collect();
            let (got, want) = both(&pats, &text);
            proptest::prop_assert_eq!(got, want);
        }
    }
}
