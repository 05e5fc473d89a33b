//! Context rules: how the words around a match change what it says.
//!
//! A role name can be the posting's own role ("as a Product Owner you will"),
//! a colleague ("work closely with the Product Manager") or plain. Any phrase
//! can be negated ("no product management experience needed"). The cues come
//! from the lexicon's `[context]` table and are matched on whole words in the
//! folded text, within the same sentence.

use serde::Serialize;

use crate::lexicon::ContextCues;
use crate::matching::scan::fold_pattern;
use crate::text::normalize::{break_and_apostrophe_masks, is_break_byte, is_word_byte, word_mask};

/// How far back (in words) a negation cue is looked for.
pub const NEGATION_WINDOW: usize = 3;

/// How a match is read in its context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Counts as it stands.
    Plain,
    /// A role name used for the posting's own role; counts extra.
    #[serde(rename = "self")]
    SelfRole,
    /// A role name used for a colleague; does not count for that role.
    Colleague,
    /// Negated ("no ...", "without ..."); does not count.
    Negated,
    /// A role name in the slug or subject of the posting's own job link; counts a little.
    Url,
}

impl Mark {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Plain => "plain",
            Mark::SelfRole => "self",
            Mark::Colleague => "colleague",
            Mark::Negated => "negated",
            Mark::Url => "url",
        }
    }
}

/// Compiled context cues.
#[derive(Clone, Debug)]
pub struct ContextRules {
    window: usize,
    colleague: CueSet,
    self_before: CueSet,
    self_after: Vec<String>,
    negation: CueSet,
    experience: CueSet,
}

/// Words beyond the context window that are still searched for an experience
/// cue: "2 years' experience as a Junior or Associate Product Manager".
pub const EXPERIENCE_EXTRA_WORDS: usize = 4;

/// Whether the self cue before a role name at `start` is about experience
/// asked of the hire ("3 years of experience as a Product Owner"), not the job.
pub(crate) fn is_experience(text: &str, start: usize, window: usize, experience: &CueSet) -> bool {
    has_cue_before(text, start, window + EXPERIENCE_EXTRA_WORDS, experience)
}

/// Cue phrases folded like text, sorted, without duplicates or empty ones.
pub(crate) fn fold_cues(cues: &[String]) -> Vec<String> {
    let mut folded: Vec<String> = cues
        .iter()
        .map(|c| fold_pattern(c))
        .filter(|c| !c.is_empty())
        .collect();
    folded.sort();
    folded.dedup();
    folded
}

/// Folded cue phrases, indexed by their first byte for the search before a match.
#[derive(Clone, Debug, Default)]
pub(crate) struct CueSet {
    cues: Vec<String>,
    /// For each byte, the range of `cues` (sorted) that start with it.
    by_first: Vec<(u32, u32)>,
    /// Bit `first << 8 | second` is set when a cue starts with those two
    /// bytes (a one-byte cue sets its byte with every second byte): most
    /// places in a window are passed over by one bit test, without comparing
    /// a cue.
    pairs: Vec<u64>,
    /// Whether every cue starts with a word byte (then only word starts are
    /// looked at).
    word_starts_only: bool,
}

impl CueSet {
    /// Folds `cues` like text; empty ones are dropped.
    pub(crate) fn new(cues: &[String]) -> CueSet {
        let cues = fold_cues(cues);
        let mut by_first = vec![(0, 0); 256];
        for (i, cue) in cues.iter().enumerate() {
            let range = &mut by_first[usize::from(cue.as_bytes()[0])];
            if range.0 == range.1 {
                range.0 = i as u32;
            }
            range.1 = i as u32 + 1;
        }
        let mut pairs = vec![0u64; (1 << 16) / 64];
        let mut set = |pair: usize| pairs[pair / 64] |= 1 << (pair % 64);
        for cue in &cues {
            let b = cue.as_bytes();
            match b.get(1) {
                Some(&second) => set(usize::from(b[0]) << 8 | usize::from(second)),
                None => (0..256).for_each(|second| set(usize::from(b[0]) << 8 | second)),
            }
        }
        let word_starts_only = cues.iter().all(|c| is_word_byte(c.as_bytes()[0]));
        CueSet {
            cues,
            by_first,
            pairs,
            word_starts_only,
        }
    }

    /// Whether some cue starts with the bytes `first`, `second`.
    fn has_pair(&self, first: u8, second: u8) -> bool {
        let pair = usize::from(first) << 8 | usize::from(second);
        // A default (empty) set has no table and no cue.
        self.pairs
            .get(pair / 64)
            .is_some_and(|bits| bits & 1 << (pair % 64) != 0)
    }

    /// The end position of the last whole-word occurrence of any cue in `hay`.
    fn last_in(&self, hay: &str) -> Option<usize> {
        let hb = hay.as_bytes();
        let mut best = None;
        if self.cues.is_empty() {
            return None;
        }
        if !self.word_starts_only {
            for s in 0..hb.len() {
                // A cue starts at a word start, or at a non-word byte.
                if s > 0 && is_word_byte(hb[s - 1]) && is_word_byte(hb[s]) {
                    continue;
                }
                best = best.max(self.last_end_at(hb, s));
            }
            return best;
        }
        // Every cue starts with a word byte: only the places where a word
        // starts are looked at, found sixteen bytes at a time.
        let mut before_is_word = false;
        for (c, piece) in hb.chunks(16).enumerate() {
            let mut chunk = [0u8; 16];
            chunk[..piece.len()].copy_from_slice(piece);
            // A zero byte is no word byte: the padding of the last piece starts no word.
            let word = word_mask(&chunk);
            let mut starts = word & !((word << 1) | u32::from(before_is_word));
            before_is_word = word >> 15 & 1 != 0;
            while starts != 0 {
                let s = c * 16 + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                best = best.max(self.last_end_at(hb, s));
            }
        }
        best
    }

    /// The end of the longest whole-word cue that starts at `s` in `hb`
    /// (whose start is already known to be a word boundary).
    fn last_end_at(&self, hb: &[u8], s: usize) -> Option<usize> {
        if s + 1 < hb.len() && !self.has_pair(hb[s], hb[s + 1]) {
            return None;
        }
        let (from, to) = self.by_first[usize::from(hb[s])];
        let mut best = None;
        for cue in &self.cues[from as usize..to as usize] {
            let e = s + cue.len();
            if hb[s..].starts_with(cue.as_bytes())
                && (e == hb.len() || !(is_word_byte(hb[e - 1]) && is_word_byte(hb[e])))
            {
                best = best.max(Some(e));
            }
        }
        best
    }
}

impl ContextRules {
    /// Folds the lexicon's cues for matching.
    pub fn new(cues: &ContextCues) -> ContextRules {
        ContextRules {
            window: cues.window(),
            colleague: CueSet::new(cues.colleague()),
            self_before: CueSet::new(cues.self_before()),
            self_after: fold_cues(cues.self_after()),
            negation: CueSet::new(cues.negation()),
            experience: CueSet::new(cues.experience()),
        }
    }

    /// Reads the match at `start..end` of the folded `text`.
    ///
    /// Negation applies to every phrase; colleague and self only to role names.
    /// When both a colleague and a self cue precede a role name, the nearer one
    /// wins; a self cue after an experience cue names experience, not the job.
    #[inline]
    pub fn mark(&self, text: &str, start: usize, end: usize, is_role_name: bool) -> Mark {
        let near = window_before(text, start, NEGATION_WINDOW);
        if self.negation.last_in(near).is_some() {
            return Mark::Negated;
        }
        if !is_role_name {
            return Mark::Plain;
        }
        let before = window_before(text, start, self.window);
        let colleague = self.colleague.last_in(before);
        let own = self.self_before.last_in(before);
        match (colleague, own) {
            (Some(c), Some(s)) if c >= s => return Mark::Colleague,
            (Some(_), None) => return Mark::Colleague,
            (_, Some(_)) if is_experience(text, start, self.window, &self.experience) => {
                return Mark::Plain;
            }
            (_, Some(_)) => return Mark::SelfRole,
            (None, None) => {}
        }
        let after = text[end..].trim_start_matches(' ');
        if self
            .self_after
            .iter()
            .any(|cue| starts_with_cue(after, cue))
        {
            return Mark::SelfRole;
        }
        Mark::Plain
    }
}

/// English relative pronouns that open a clause about the role name before them.
const RELATIVE_EN: &[&str] = &["who", "whom", "whose", "which", "that"];

/// German relative pronouns; after a role name they open a clause only behind a
/// comma ("der Product Owner, der ..."), since without one they are articles.
const RELATIVE_DE: &[&str] = &[
    "der", "die", "das", "dem", "den", "deren", "dessen", "welcher", "welche", "welches",
    "welchem", "welchen",
];

/// Words after a comma that resume the main clause and so end an English relative clause.
const MAIN_CLAUSE_AFTER_COMMA: &[&str] = &["you", "your", "we", "our", "and you", "and we"];

/// The longest relative clause followed, in bytes of folded text.
pub const MAX_CLAUSE_BYTES: usize = 300;

/// Where a relative clause right after a role name ends, if one follows it.
///
/// "work closely with our Product Manager, who owns the roadmap": what the
/// clause says is the colleague's work, not the hire's. The clause runs to the
/// sentence break, to the comma that closes a German clause ("mit dem Product
/// Owner, der das Backlog pflegt, planst du ..."), to a comma before "you" or
/// "we" that resumes an English main clause, or at most [`MAX_CLAUSE_BYTES`].
pub fn relative_clause_end(text: &str, role_end: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = role_end;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let has_comma = b.get(i) == Some(&b',');
    if has_comma {
        i += 1;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
    }
    let w_end = i + b[i..].iter().take_while(|&&c| is_word_byte(c)).count();
    let word = &text[i..w_end];
    let is_german = if RELATIVE_EN.contains(&word) {
        false
    } else if has_comma && RELATIVE_DE.contains(&word) {
        true
    } else {
        return None;
    };
    let limit = b.len().min(w_end + MAX_CLAUSE_BYTES);
    let mut j = w_end;
    while j < limit {
        let c = b[j];
        if is_break_byte(c) {
            return Some(j);
        }
        if c == b',' {
            if is_german {
                return Some(j);
            }
            let after = text[j + 1..].trim_start_matches(' ');
            if MAIN_CLAUSE_AFTER_COMMA
                .iter()
                .any(|cue| starts_with_cue(after, cue))
            {
                return Some(j);
            }
        }
        j += 1;
    }
    Some(limit)
}

/// The text of up to `words` words before `start`, not crossing a sentence break.
fn window_before(text: &str, start: usize, words: usize) -> &str {
    let b = text.as_bytes();
    let mut i = start;
    let mut seen = 0;
    let mut in_word = false;
    // Sixteen bytes at a time while a whole chunk lies before `i`: the same
    // walk as the byte loop below, read off masks (bit `k` for `b[i - 16 + k]`).
    while let Some(chunk) = i.checked_sub(16).and_then(|from| b.get(from..i)) {
        let Ok(chunk) = <&[u8; 16]>::try_from(chunk) else {
            break;
        };
        let (breaks, apostrophes) = break_and_apostrophe_masks(chunk);
        let word = word_mask(chunk) | apostrophes;
        // A word, walking right to left, begins at a word byte whose right
        // neighbour is none (the byte at `i` for the chunk's last one).
        let starts = word & !((word >> 1) | u32::from(in_word) << 15);
        // The walk stops after the nearest break, or after the word that
        // would be one too many, whichever it meets first (the higher bit).
        let too_many = nth_highest_bit(starts, words + 1 - seen);
        let stop = too_many.max(breaks.checked_ilog2());
        if let Some(k) = stop {
            i = i - 16 + k as usize + 1;
            return whole_chars(text, i, start);
        }
        seen += starts.count_ones() as usize;
        in_word = word & 1 != 0;
        i -= 16;
    }
    while i > 0 {
        let c = b[i - 1];
        if is_break_byte(c) {
            break;
        }
        let is_word = is_word_byte(c) || c == b'\'';
        if is_word && !in_word {
            seen += 1;
            if seen > words {
                break;
            }
        }
        in_word = is_word;
        i -= 1;
    }
    whole_chars(text, i, start)
}

/// `text[i..start]`, `i` moved forward to a char boundary where the walk
/// back stopped inside a character.
fn whole_chars(text: &str, mut i: usize, start: usize) -> &str {
    // `i` is at a char boundary: it stopped after an ASCII byte or at 0, or
    // walked through whole UTF-8 sequences (all bytes >= 0x80 are word bytes).
    while i < start && !text.is_char_boundary(i) {
        i += 1;
    }
    &text[i..start]
}

/// The position of the `n`th highest set bit of `mask` (`n` from 1), if it has that many.
fn nth_highest_bit(mut mask: u32, n: usize) -> Option<u32> {
    if (mask.count_ones() as usize) < n {
        return None;
    }
    for _ in 1..n {
        mask &= !(1 << mask.ilog2());
    }
    mask.checked_ilog2()
}

/// Whether a whole-word occurrence of a cue is within `window` words before `start`.
pub(crate) fn has_cue_before(text: &str, start: usize, window: usize, cues: &CueSet) -> bool {
    cues.last_in(window_before(text, start, window)).is_some()
}

/// Whether `hay` starts with `cue` on a word boundary.
pub(crate) fn starts_with_cue(hay: &str, cue: &str) -> bool {
    hay.starts_with(cue)
        && hay.as_bytes().get(cue.len()).is_none_or(|&c| {
            !(is_word_byte(c) && cue.as_bytes().last().is_some_and(|&l| is_word_byte(l)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize::normalize;

    fn rules() -> ContextRules {
        let lexicon = crate::lexicon::Lexicon::parse(
            "[context]\nwindow = 6\n\
             colleague = [\"work closely with\", \"partner with\", \"report to\", \"alongside\"]\n\
             self = [\"as a\", \"looking for a\"]\nself_after = [\"(m/w/d)\"]\n\
             negation = [\"no\", \"without\"]\n\
             [[category]]\nname = \"a\"\nrole = \"po\"\nentries = [{ phrase = \"backlog\", weight = 1 }]\n",
            "t",
        )
        .unwrap();
        ContextRules::new(lexicon.context())
    }

    /// Marks `needle` with the default lexicon's cues.
    fn mark_default(text: &str, needle: &str) -> Mark {
        let lexicon = crate::lexicon::Lexicon::embedded();
        let n = normalize(text);
        let s = n.text().find(needle).unwrap();
        ContextRules::new(lexicon.context()).mark(n.text(), s, s + needle.len(), true)
    }

    #[test]
    fn the_other_role_as_teammate_or_manager_with_the_default_cues() {
        for (text, needle) in [
            (
                "Together with our Product Manager, who owns the roadmap, you",
                "product manager",
            ),
            (
                "You work side by side with POs and UX on every release.",
                "pos",
            ),
            (
                "You will report into the Senior Product Manager.",
                "product manager",
            ),
            (
                "Sie arbeiten eng mit dem Product Owner zusammen.",
                "product owner",
            ),
            (
                "En collaboration avec le chef de produit, vous",
                "chef de produit",
            ),
            (
                "Samen met de productmanager bepaal je de roadmap.",
                "productmanager",
            ),
        ] {
            assert_eq!(mark_default(text, needle), Mark::Colleague, "{text}");
        }
        for (text, needle) in [
            (
                "3 years of experience as a Product Owner in fintech.",
                "product owner",
            ),
            (
                "Erfahrung als Produktmanager in der Industrie",
                "produktmanager",
            ),
        ] {
            assert_eq!(mark_default(text, needle), Mark::Plain, "{text}");
        }
        assert_eq!(
            mark_default("As a Product Owner you own the backlog.", "product owner"),
            Mark::SelfRole
        );
    }

    /// Marks the first occurrence of `needle` (folded) in `text`.
    fn mark(text: &str, needle: &str, role: bool) -> Mark {
        let n = normalize(text);
        let s = n.text().find(needle).unwrap();
        rules().mark(n.text(), s, s + needle.len(), role)
    }

    #[test]
    fn colleague_self_plain_negated() {
        let cases = [
            (
                "You will work closely with the Product Manager.",
                Mark::Colleague,
            ),
            (
                "Partner with product managers and designers",
                Mark::Colleague,
            ),
            ("You report to our Senior Product Manager", Mark::Colleague),
            ("alongside PMs", Mark::Plain),
            ("As a Product Manager you own the roadmap", Mark::SelfRole),
            ("We are looking for a Product Manager", Mark::SelfRole),
            ("Product Manager (m/w/d) gesucht", Mark::SelfRole),
            ("The Product Manager owns the roadmap", Mark::Plain),
            ("no product manager experience needed", Mark::Negated),
        ];
        for (text, want) in cases {
            let needle = if text.contains("PMs") {
                "pms"
            } else {
                "product manager"
            };
            let got = mark(text, needle, true);
            if text == "alongside PMs" {
                assert_eq!(mark(text, "pms", true), Mark::Colleague);
                continue;
            }
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn nearer_cue_wins_and_sentences_bound_the_window() {
        assert_eq!(
            mark(
                "Working with engineers, as a product manager you",
                "product manager",
                true
            ),
            Mark::SelfRole
        );
        assert_eq!(
            mark(
                "We partner with sales. The product manager owns pricing",
                "product manager",
                true
            ),
            Mark::Plain
        );
        assert_eq!(
            mark(
                "as a PO you work closely with the product manager",
                "product manager",
                true
            ),
            Mark::Colleague
        );
    }

    #[test]
    fn only_role_names_get_colleague_marks() {
        assert_eq!(
            mark("work closely with the backlog", "backlog", false),
            Mark::Plain
        );
        assert_eq!(mark("without a backlog", "backlog", false), Mark::Negated);
    }

    #[test]
    fn relative_clauses_after_a_role_name() {
        let clause = |text: &str, role: &str| {
            let n = normalize(text);
            let t = n.text();
            let e = t.find(role).unwrap() + role.len();
            relative_clause_end(t, e).map(|end| t[e..end].trim().to_string())
        };
        assert_eq!(
            clause(
                "Work with our Product Manager, who owns the roadmap. You write stories.",
                "product manager"
            ),
            Some(", who owns the roadmap".into())
        );
        assert_eq!(
            clause(
                "Next to the PM, who sets the vision, you own the backlog",
                "pm"
            ),
            Some(", who sets the vision".into())
        );
        assert_eq!(
            clause(
                "Mit dem Produktmanager, der die Roadmap verantwortet, pflegst du das Backlog",
                "produktmanager"
            ),
            Some(", der die roadmap verantwortet".into())
        );
        // Without a comma, a German "die" is an article.
        assert_eq!(
            clause("mit dem Product Owner die Roadmap planen", "product owner"),
            None
        );
        assert_eq!(
            clause("with the Product Manager to plan", "product manager"),
            None
        );
    }

    #[test]
    fn whole_word_cues() {
        // "no" inside "know" is not a negation.
        assert_eq!(mark("you know the backlog", "backlog", false), Mark::Plain);
    }

    /// [`CueSet::last_in`] by its definition: every start, every cue, whole words.
    fn last_in_by_definition(cues: &[String], hay: &str) -> Option<usize> {
        let hb = hay.as_bytes();
        let whole = |s: usize, e: usize| {
            (s == 0 || !(is_word_byte(hb[s - 1]) && is_word_byte(hb[s])))
                && (e == hb.len() || !(is_word_byte(hb[e - 1]) && is_word_byte(hb[e])))
        };
        (0..hb.len())
            .flat_map(|s| cues.iter().map(move |c| (s, c)))
            .filter(|(s, c)| hb[*s..].starts_with(c.as_bytes()) && whole(*s, s + c.len()))
            .map(|(s, c)| s + c.len())
            .max()
    }

    /// [`window_before`] by its definition: a byte at a time, right to left.
    fn window_before_by_bytes(text: &str, start: usize, words: usize) -> &str {
        let b = text.as_bytes();
        let (mut i, mut seen, mut in_word) = (start, 0, false);
        while i > 0 && !is_break_byte(b[i - 1]) {
            let is_word = is_word_byte(b[i - 1]) || b[i - 1] == b'\'';
            if is_word && !in_word {
                seen += 1;
                if seen > words {
                    break;
                }
            }
            in_word = is_word;
            i -= 1;
        }
        while !text.is_char_boundary(i) {
            i += 1;
        }
        &text[i..start]
    }

    #[test]
    fn nth_highest_bit_by_cases() {
        assert_eq!(nth_highest_bit(0b1011_0000, 1), Some(7));
        assert_eq!(nth_highest_bit(0b1011_0000, 2), Some(5));
        assert_eq!(nth_highest_bit(0b1011_0000, 3), Some(4));
        assert_eq!(nth_highest_bit(0b1011_0000, 4), None);
        assert_eq!(nth_highest_bit(0, 1), None);
        assert_eq!(nth_highest_bit(1 << 31, 1), Some(31));
    }

    proptest::proptest! {
        /// Windows of any width before any place of texts long enough for
        /// several chunks: words, apostrophes, breaks, non-ASCII letters.
        #[test]
        fn window_before_is_the_window_by_definition(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "word", "it's", " ", "  ", ", ", ". ", "\n", "é", "ü-", "x'", "'", "42", "--", "|",
                ]),
                0..60,
            ),
            at in 0usize..400,
            words in 0usize..12,
        ) {
            let text: String = pieces.concat();
            let mut start = at.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            proptest::prop_assert_eq!(
                window_before(&text, start, words),
                window_before_by_bytes(&text, start, words)
            );
        }

        #[test]
        fn last_in_is_the_last_whole_word_cue(
            picks in proptest::collection::vec(0..12usize, 0..16),
        ) {
            const PIECES: &[&str] = &[
                "no", "not", "nothing", "in plaats van", "in plaats", "rather than", "than",
                " ", "x", "-", "plutôt que", ",",
            ];
            // "x": a one-byte cue, which any byte after it may follow.
            let cues: Vec<String> = ["no", "not", "in plaats van", "rather than", "plutôt que", "than x", "x"]
                .iter()
                .map(|c| c.to_string())
                .collect();
            let hay: String = picks.iter().map(|&k| PIECES[k]).collect();
            let set = CueSet::new(&cues);
            proptest::prop_assert_eq!(set.last_in(&hay), last_in_by_definition(&set.cues, &hay), "{:?}", hay);
            // A cue that starts with a non-word byte: every place is looked at.
            let set = CueSet::new(&[cues.clone(), vec![", than".to_string()]].concat());
            proptest::prop_assert!(!set.word_starts_only);
            proptest::prop_assert_eq!(set.last_in(&hay), last_in_by_definition(&set.cues, &hay), "{:?}", hay);
        }
    }

    #[test]
    fn last_cue_is_the_last_whole_word_occurrence() {
        let set = CueSet::new(&["work with".into(), "with".into(), "No".into(), "not".into()]);
        assert_eq!(set.cues, ["no", "not", "with", "work with"]);
        assert_eq!(set.last_in("we work with"), Some(12));
        assert_eq!(set.last_in("not with us"), Some(8));
        assert_eq!(set.last_in("know nothing"), None);
        assert_eq!(set.last_in("no"), Some(2));
        assert_eq!(set.last_in("without"), None);
        assert_eq!(CueSet::new(&[]).last_in("anything"), None);
        // Cues past eight bytes, and a cue longer than what is left.
        let set = CueSet::new(&["in plaats van".into(), "rather than".into(), "ohne".into()]);
        assert_eq!(set.last_in("in plaats van"), Some(13));
        assert_eq!(set.last_in("in plaats vanaf"), None);
        assert_eq!(set.last_in("in plaats vab"), None);
        assert_eq!(set.last_in("rather tha"), None);
        assert_eq!(set.last_in("x oh"), None);
        assert_eq!(set.last_in("rather than ohne"), Some(16));
    }
}
