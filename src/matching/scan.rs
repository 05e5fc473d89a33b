//! The scanner: every lexicon phrase, compiled once into one multi-pattern automaton.
//!
//! Patterns are the lexicon forms folded by the same [`normalize`] as the text,
//! plus their US/UK spelling variants. The automaton reports every occurrence
//! (overlapping); the scanner keeps those on whole-word boundaries, extends
//! prefix wildcards to the end of their word, checks case-sensitive forms
//! against the original text, and then resolves overlaps leftmost-longest:
//! at each position the longest valid phrase wins, so "product backlog
//! refinement" counts once, as the longest entry. At equal length an exact
//! form beats a wildcard.

use std::collections::HashMap;

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, nfa, Anchored, MatchKind};

use crate::error::{Error, Result};
use crate::lexicon::{CategoryKind, EntryId, Lexicon};
use crate::matching::flat_dfa::FlatDfa;
use crate::text::normalize::{is_word_byte, normalize, Normalized};
use crate::text::spelling;

/// Spare capacity a scan's hit buffer may keep: past this, it is shrunk to its hits.
const KEEP_SLACK_BYTES: usize = 1 << 20;

/// One phrase occurrence in folded text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The lexicon entry matched.
    pub entry: EntryId,
    /// Which of the entry's forms matched.
    pub form: u16,
    /// Whether that form is a prefix wildcard (its end extended to the end of its word).
    pub is_wildcard: bool,
    /// Start byte in the folded text.
    pub start: usize,
    /// End byte (exclusive) in the folded text.
    pub end: usize,
}

#[derive(Clone, Debug)]
struct Target {
    entry: EntryId,
    form: u16,
    is_wildcard: bool,
    /// For case-sensitive forms: the form's letters and digits, in their case.
    exact_case: Option<Box<str>>,
}

/// What the scanner's automaton is built for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Workload {
    /// Many texts: a flat DFA, slower to build (a few milliseconds), fastest to search.
    #[default]
    Batch,
    /// One or a few texts: a contiguous NFA, built in a fraction of the DFA's time.
    Single,
}

/// The automaton behind a [`Scanner`], of the kind its workload wants.
///
/// The concrete types (rather than `AhoCorasick`, which hides them behind a
/// trait object) let the search loop below be compiled for each kind.
#[derive(Clone, Debug)]
enum Compiled {
    /// The automaton built as one flat table (see [`FlatDfa`]), two bytes an entry.
    Flat(FlatDfa<u16>),
    /// The same with four bytes an entry, for a lexicon too large for two.
    Flat32(FlatDfa<u32>),
    /// The crate's DFA, should the flat copy grow past its size limit.
    Dfa(dfa::DFA),
    Contiguous(nfa::contiguous::NFA),
    /// The fallback for lexicons beyond the other kinds' size limits.
    Noncontiguous(nfa::noncontiguous::NFA),
}

impl Compiled {
    /// Builds the automaton `workload` prefers, falling back to kinds without size limits.
    fn build(patterns: &[String], workload: Workload) -> Result<Compiled> {
        // No prefilter: with hundreds of patterns it cannot skip text, and it
        // makes every return to the start state a special case in the loop.
        // A batch builds a flat DFA; the crate's own DFA is the fallback
        // should it grow past its size limit.
        if workload == Workload::Batch {
            if let Some(flat) = FlatDfa::new(patterns) {
                return Ok(Compiled::Flat(flat));
            }
            if let Some(flat) = FlatDfa::new(patterns) {
                return Ok(Compiled::Flat32(flat));
            }
            let dfa = dfa::Builder::new()
                .match_kind(MatchKind::Standard)
                .prefilter(false)
                .build(patterns);
            if let Ok(dfa) = dfa {
                return Ok(Compiled::Dfa(dfa));
            }
        }
        let built = nfa::contiguous::Builder::new()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(patterns)
            .map(Compiled::Contiguous);
        built
            .or_else(|_| {
                nfa::noncontiguous::Builder::new()
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(patterns)
                    .map(Compiled::Noncontiguous)
            })
            .map_err(|e| Error::build(format!("<lexicon>: cannot compile: {e}")))
    }

    /// Calls `found(pattern, end)` for every occurrence of every pattern in
    /// `text`, each once (by end, except for the flat kind's parallel walks).
    fn for_each_match(&self, text: &[u8], found: impl FnMut(usize, usize)) {
        match self {
            Compiled::Flat(a) => a.for_each_match(text, found),
            Compiled::Flat32(a) => a.for_each_match(text, found),
            Compiled::Dfa(a) => overlapping(a, text, found),
            Compiled::Contiguous(a) => overlapping(a, text, found),
            Compiled::Noncontiguous(a) => overlapping(a, text, found),
        }
    }
}

/// The overlapping search: one automaton step per byte, every pattern ending at each byte.
#[inline(always)]
fn overlapping<A: Automaton>(aut: &A, text: &[u8], mut found: impl FnMut(usize, usize)) {
    let Ok(mut sid) = aut.start_state(Anchored::No) else {
        return;
    };
    let mut at = 0;
    while at < text.len() {
        (sid, at) = run_to_special(aut, sid, text, at);
        if !aut.is_special(sid) || aut.is_dead(sid) {
            return;
        }
        for k in 0..aut.match_len(sid) {
            found(aut.match_pattern(sid, k).as_usize(), at);
        }
    }
}

/// Steps the automaton from `sid` over `text[at..]` until it enters a special
/// (match or dead) state; returns that state and the position after its byte.
///
/// Kept out of line so that its loop has the registers to itself: inlined
/// into the caller, the text position and the table pointers were spilled to
/// the stack, and a step cost 17 instructions instead of 10.
#[inline(never)]
fn run_to_special<A: Automaton>(
    aut: &A,
    mut sid: aho_corasick::automaton::StateID,
    text: &[u8],
    mut at: usize,
) -> (aho_corasick::automaton::StateID, usize) {
    // Four steps per length check: most steps stay out of special states.
    while let Some(&[b0, b1, b2, b3]) = text.get(at..at + 4) {
        for (k, b) in [b0, b1, b2, b3].into_iter().enumerate() {
            sid = aut.next_state(Anchored::No, sid, b);
            if aut.is_special(sid) {
                return (sid, at + k + 1);
            }
        }
        at += 4;
    }
    while at < text.len() {
        sid = aut.next_state(Anchored::No, sid, text[at]);
        at += 1;
        if aut.is_special(sid) {
            break;
        }
    }
    (sid, at)
}

/// A compiled lexicon: finds phrase occurrences in normalized text.
///
/// Cheap to share between threads (`Send + Sync`); build it once per run.
#[derive(Clone, Debug)]
pub struct Scanner {
    automaton: Compiled,
    targets: Vec<Vec<Target>>,
    patterns: Vec<String>,
    /// For each pattern: whether it is one of the markers (see [`Scanner::with_markers`]).
    is_marker: Vec<bool>,
    /// Per pattern: whether it may start a word glued to the one before (a role name's).
    may_glue: Vec<bool>,
}

impl Scanner {
    /// The batch automaton as a flat table, when it is one (for `benches/walks.rs`).
    pub fn flat_dfa(&self) -> Option<&FlatDfa<u16>> {
        match &self.automaton {
            Compiled::Flat(flat) => Some(flat),
            _ => None,
        }
    }

    /// Compiles the lexicon's forms (and their spelling variants) into an automaton.
    ///
    /// Same as [`Scanner::for_workload`] with [`Workload::Batch`].
    ///
    /// # Errors
    ///
    /// When the automaton cannot be built (far beyond the documented lexicon limits).
    pub fn new(lexicon: &Lexicon) -> Result<Scanner> {
        Scanner::for_workload(lexicon, Workload::Batch)
    }

    /// Compiles the lexicon into an automaton suited to `workload`.
    ///
    /// The automaton (a flat DFA for a batch, a contiguous NFA for a single text)
    /// has standard (overlapping) semantics; the
    /// leftmost-longest choice is made afterwards among matches that pass the
    /// whole-word and case checks, which the automaton alone cannot know.
    ///
    /// # Errors
    ///
    /// When the automaton cannot be built (far beyond the documented lexicon limits).
    pub fn for_workload(lexicon: &Lexicon, workload: Workload) -> Result<Scanner> {
        Scanner::with_markers(lexicon, workload, &[])
    }

    /// [`Scanner::for_workload`], also finding `markers` in the same pass.
    ///
    /// Markers are phrases some later step needs the places of (the legal
    /// statements that [`crate::judge::sections`] looks for): their occurrences,
    /// anywhere and overlapping, end up in [`ScanScratch::markers`], so that
    /// step need not search the text again. They are given folded (as they
    /// appear in normalized text) and are never hits.
    ///
    /// # Errors
    ///
    /// When the automaton cannot be built (far beyond the documented lexicon limits).
    pub fn with_markers(
        lexicon: &Lexicon,
        workload: Workload,
        markers: &[&str],
    ) -> Result<Scanner> {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        for entry in lexicon.entries() {
            for (fi, form) in entry.forms().iter().enumerate() {
                let (stem, is_wildcard) = match form.strip_suffix('*') {
                    Some(s) => (s, true),
                    None => (form.as_str(), false),
                };
                let folded = fold_pattern(stem);
                if folded.is_empty() {
                    continue;
                }
                let exact_case = entry
                    .is_case_sensitive()
                    .then(|| alnum_only(stem).into_boxed_str());
                let mut all = vec![folded.clone()];
                if !entry.is_case_sensitive() {
                    all.extend(spelling::variants(&folded, is_wildcard));
                }
                for (vi, pat) in all.into_iter().enumerate() {
                    let pid = *index.entry(pat.clone()).or_insert_with(|| {
                        patterns.push(pat);
                        targets.push(Vec::new());
                        patterns.len() - 1
                    });
                    // A spelling variant never overrides a form written out in the lexicon.
                    if vi > 0 && !targets[pid].is_empty() {
                        continue;
                    }
                    targets[pid].push(Target {
                        entry: entry.id(),
                        form: fi as u16,
                        is_wildcard,
                        exact_case: exact_case.clone(),
                    });
                }
            }
        }
        let mut is_marker = vec![false; patterns.len()];
        for &marker in markers.iter().filter(|m| !m.is_empty()) {
            let pid = *index.entry(marker.to_string()).or_insert_with(|| {
                patterns.push(marker.to_string());
                targets.push(Vec::new());
                is_marker.push(false);
                patterns.len() - 1
            });
            is_marker[pid] = true;
        }
        let may_glue = targets
            .iter()
            .map(|ts| {
                ts.iter()
                    .any(|t| lexicon.category_of(t.entry).kind() == CategoryKind::RoleName)
            })
            .collect();
        let automaton = Compiled::build(&patterns, workload)?;
        Ok(Scanner {
            automaton,
            targets,
            patterns,
            is_marker,
            may_glue,
        })
    }

    /// Number of distinct patterns compiled for the lexicon (forms plus spelling variants).
    pub fn pattern_count(&self) -> usize {
        // Every lexicon pattern has a target; a marker-only pattern has none.
        self.targets.iter().filter(|t| !t.is_empty()).count()
    }

    /// Finds the phrase occurrences in `norm`, the normalized form of `original`.
    ///
    /// Hits are sorted by position and never overlap.
    pub fn scan(&self, norm: &Normalized, original: &str) -> Vec<Hit> {
        let mut scratch = ScanScratch::default();
        self.scan_into(norm, original, &mut scratch);
        scratch.hits
    }

    /// [`Scanner::scan`] into `scratch.hits`, reusing the scratch's buffers.
    pub fn scan_into(&self, norm: &Normalized, original: &str, scratch: &mut ScanScratch) {
        let text = norm.text().as_bytes();
        let cands = &mut scratch.candidates;
        cands.clear();
        let markers = &mut scratch.markers;
        markers.clear();
        // Matches come mostly in text order: a span's original range is
        // looked up from where the last one was found.
        let mut span_cursor = 0;
        self.automaton.for_each_match(text, |pattern, end| {
            let start = end - self.patterns[pattern].len();
            if self.is_marker[pattern] {
                markers.push(start);
            }
            if start > 0
                && is_word_byte(text[start - 1])
                && is_word_byte(text[start])
                && !(self.may_glue[pattern]
                    && starts_glued_word(norm, original, start, end, &mut span_cursor))
            {
                return;
            }
            let targets = &self.targets[pattern];
            let ends_in_word =
                end < text.len() && is_word_byte(text[end - 1]) && is_word_byte(text[end]);
            for t in targets {
                let mut end = end;
                if t.is_wildcard {
                    while end < text.len() && is_word_byte(text[end]) {
                        end += 1;
                    }
                } else if ends_in_word {
                    continue;
                }
                if let Some(exact) = &t.exact_case {
                    let span = norm.orig_span_from(&mut span_cursor, start, end);
                    if alnum_only(&original[span]) != **exact {
                        continue;
                    }
                }
                cands.push(Hit {
                    entry: t.entry,
                    form: t.form,
                    is_wildcard: t.is_wildcard,
                    start,
                    end,
                });
            }
        });
        // The hits are chosen in the candidates' buffer, which then becomes the
        // hits' one: a text full of phrases holds one buffer of them, not two.
        select_leftmost_longest(cands);
        std::mem::swap(&mut scratch.candidates, &mut scratch.hits);
        let hits = &mut scratch.hits;
        if (hits.capacity() - hits.len()) * std::mem::size_of::<Hit>() > KEEP_SLACK_BYTES {
            // A long text full of overlaps leaves the space of many candidates behind its hits.
            hits.shrink_to_fit();
        }
        if markers.len() > 1 {
            markers.sort_unstable();
            markers.dedup();
        }
    }
}

/// Whether a match at `start..end` of the folded text, inside a word there,
/// begins a word glued to the one before it in the original: a lower-case letter
/// then a capital ("our newProduct Manager", "SAFeProduct Owner"), as an
/// HTML-to-text step leaves two words when it drops the break between them.
/// Only role names are read this way: they name the job, where a glued
/// phrase of work would rarely matter and would cost a look at every match
/// inside a word.
fn starts_glued_word(
    norm: &Normalized,
    original: &str,
    start: usize,
    end: usize,
    span_cursor: &mut usize,
) -> bool {
    let at = norm.orig_span_from(span_cursor, start, end).start;
    let first = original[at..].chars().next();
    let before = original[..at].chars().next_back();
    first.is_some_and(char::is_uppercase) && before.is_some_and(char::is_lowercase)
}

/// The buffers of one [`Scanner::scan_into`] call, kept by a thread from one text to the next.
#[derive(Clone, Debug, Default)]
pub struct ScanScratch {
    /// Every occurrence that passed the word and case checks (during a scan;
    /// afterwards the buffer the previous hits were in).
    candidates: Vec<Hit>,
    /// The hits of the last scan: sorted by position, never overlapping.
    pub hits: Vec<Hit>,
    /// Where the markers' occurrences start in the last scan: ascending, each place once.
    pub markers: Vec<usize>,
}

impl ScanScratch {
    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.candidates.capacity() * std::mem::size_of::<Hit>()
            + self.hits.capacity() * std::mem::size_of::<Hit>()
            + self.markers.capacity() * std::mem::size_of::<usize>()
    }
}

/// Keeps, from overlapping candidates, the leftmost-longest non-overlapping
/// set, sorted by position, in place.
fn select_leftmost_longest(cands: &mut Vec<Hit>) {
    cands.sort_unstable_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.is_wildcard.cmp(&b.is_wildcard))
            .then(a.entry.cmp(&b.entry))
            .then(a.form.cmp(&b.form))
    });
    let mut last_end = 0;
    cands.retain(|h| {
        let keep = h.start >= last_end;
        if keep {
            last_end = h.end;
        }
        keep
    });
}

/// Folds a lexicon form the way text is folded, trimmed of surrounding spaces.
pub(crate) fn fold_pattern(form: &str) -> String {
    // Most lexicon forms and cues are written folded already: lower-case ASCII
    // words and single spaces fold to themselves, without a normalizer pass.
    let b = form.as_bytes();
    let is_folded = !b.is_empty()
        && b[0] != b' '
        && b[b.len() - 1] != b' '
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b' ')
        && !form.contains("  ");
    if is_folded {
        return form.to_string();
    }
    normalize(form).text().trim_matches(' ').to_string()
}

fn alnum_only(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(entries: &str) -> Lexicon {
        let text =
            format!("[[category]]\nname = \"a\"\nrole = \"po\"\nentries = [\n{entries}\n]\n");
        Lexicon::parse(&text, "t").unwrap()
    }

    /// Table test: (entries, text, expected matched original substrings).
    fn t(entries: &str, text: &str, want: &[&str]) {
        let lex = lex(entries);
        let sc = Scanner::new(&lex).unwrap();
        let norm = normalize(text);
        let got: Vec<&str> = sc
            .scan(&norm, text)
            .iter()
            .map(|h| &text[norm.orig_span(h.start, h.end)])
            .collect();
        assert_eq!(got, want, "text {text:?}");
    }

    #[test]
    fn a_capital_glued_to_a_lower_case_letter_starts_a_role_name() {
        // `lex` puts these in one plain category; a second category holds the role names.
        let e = concat!(
            r#"{ phrase = "backlog", weight = 1 }]"#,
            "\n\n[[category]]\nname = \"r\"\nrole = \"pm\"\nkind = \"role-name\"\nentries = [",
            r#"{ phrase = "product manager", weight = 2 }, { phrase = "product owner", weight = 2 }"#,
        );
        t(e, "our newProduct Owner", &["Product Owner"]);
        t(e, "SAFeProduct Manager", &["Product Manager"]);
        // Lower case on both sides, or a capital before: one word, no match.
        t(e, "our newproduct manager, the NEWPRODUCT MANAGER", &[]);
        // Only role names: a phrase of work glued to a word is not read.
        t(e, "ÜberBacklog and überbacklog", &[]);
    }

    #[test]
    fn folded_forms_fold_to_themselves() {
        for form in ["backlog", "product owner", "kpi 2", "a b c", "x"] {
            assert_eq!(fold_pattern(form), normalize(form).text().trim_matches(' '));
            assert_eq!(fold_pattern(form), form);
        }
        for form in [
            "Backlog",
            " product owner",
            "a  b",
            "über",
            "a-b",
            "a/b",
            "",
        ] {
            assert_eq!(
                fold_pattern(form),
                normalize(form).text().trim_matches(' '),
                "{form:?}"
            );
        }
    }

    #[test]
    fn whole_words_only() {
        let e = r#"{ phrase = "backlog", weight = 1 }, { phrase = "po", weight = 1 }"#;
        t(e, "Backlogs, backlog; BACKLOG.", &["backlog", "BACKLOG"]);
        t(e, "report to PO, not pos or depot", &["PO"]);
    }

    #[test]
    fn a_reused_scratch_finds_what_a_fresh_one_does() {
        // The hits are chosen in the candidates' buffer and the two swap:
        // whatever a scratch held before, a scan gives the same hits.
        let e = r#"{ phrase = "backlog", weight = 1 }, { phrase = "product backlog", weight = 1 },
                   { phrase = "road*", weight = 1 }, { phrase = "roadmap", weight = 1 }"#;
        let sc = Scanner::new(&lex(e)).unwrap();
        let long = "the product backlog and the roadmap; a backlog, roads.\n".repeat(20_000);
        let texts = [
            "product backlog roadmap",
            long.as_str(),
            "",
            "backlog",
            &long[..999],
        ];
        let mut scratch = ScanScratch::default();
        for text in texts.iter().chain(texts.iter().rev()) {
            let norm = normalize(text);
            sc.scan_into(&norm, text, &mut scratch);
            assert_eq!(
                scratch.hits,
                sc.scan(&norm, text),
                "{:?}",
                &text[..text.len().min(40)]
            );
        }
        // The long text's hits hold no more than 1 MiB of spare room.
        let norm = normalize(&long);
        sc.scan_into(&norm, &long, &mut scratch);
        let spare = scratch.hits.capacity() - scratch.hits.len();
        assert!(
            spare * std::mem::size_of::<Hit>() <= KEEP_SLACK_BYTES,
            "{spare}"
        );
    }

    #[test]
    fn markers_are_found_anywhere_and_are_never_hits() {
        let e = r#"{ phrase = "backlog", weight = 1 }, { phrase = "equal", weight = 1 }"#;
        let lexicon = lex(e);
        let sc =
            Scanner::with_markers(&lexicon, Workload::Batch, &["equal", "qual opp", "opp", ""])
                .unwrap();
        assert_eq!(
            sc.pattern_count(),
            Scanner::new(&lexicon).unwrap().pattern_count()
        );
        let text = "Equal opportunity, backlog; unequal oppression";
        let norm = normalize(text);
        let mut scratch = ScanScratch::default();
        sc.scan_into(&norm, text, &mut scratch);
        let found: Vec<&str> = scratch.hits.iter().map(|h| &text[h.start..h.end]).collect();
        assert_eq!(found, ["Equal", "backlog"]);
        // Inside words and overlapping, ascending, each start once.
        let starts = |s: &str| {
            text.to_lowercase()
                .match_indices(s)
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        let mut want = [starts("equal"), starts("qual opp"), starts("opp")].concat();
        want.sort_unstable();
        assert_eq!(scratch.markers, want);
        // A scan without markers finds none and leaves none from the last scan.
        Scanner::new(&lexicon)
            .unwrap()
            .scan_into(&norm, text, &mut scratch);
        assert!(scratch.markers.is_empty());
    }

    #[test]
    fn leftmost_longest_wins() {
        let e = r#"{ phrase = "product backlog", weight = 1 }, { phrase = "backlog refinement", weight = 1 },
                   { phrase = "product backlog refinement", weight = 1 }, { phrase = "backlog", weight = 1 }"#;
        t(
            e,
            "product backlog refinement and backlog",
            &["product backlog refinement", "backlog"],
        );
        t(
            e,
            "product backlog-refinement",
            &["product backlog-refinement"],
        );
        t(e, "the product backlog refinements", &["product backlog"]);
    }

    #[test]
    fn separators_are_equivalent() {
        let e = r#"{ phrase = "go-to-market", weight = 1 }"#;
        t(
            e,
            "Go To Market, go-to-market, go/to/market, go  to\tmarket",
            &[
                "Go To Market",
                "go-to-market",
                "go/to/market",
                "go  to\tmarket",
            ],
        );
        t(e, "go to\nmarket", &[]);
    }

    #[test]
    fn wildcards_extend_to_word_end() {
        let e =
            r#"{ phrase = "prioriti*", weight = 1 }, { phrase = "prioritization", weight = 1 }"#;
        t(
            e,
            "Prioritise, prioritizing and prioritization",
            &["Prioritise", "prioritizing", "prioritization"],
        );
        let lex = lex(e);
        let sc = Scanner::new(&lex).unwrap();
        let text = "prioritization";
        let hits = sc.scan(&normalize(text), text);
        assert_eq!(
            hits[0].entry,
            EntryId(1),
            "exact form beats wildcard at equal length"
        );
    }

    #[test]
    fn us_and_uk_spellings_both_match() {
        let e = r#"{ phrase = "backlog prioritization", weight = 1 }, { phrase = "customer behavior", weight = 1 }"#;
        t(
            e,
            "Backlog prioritisation; customer behaviour",
            &["Backlog prioritisation", "customer behaviour"],
        );
    }

    #[test]
    fn case_sensitive_forms() {
        let e = r#"{ phrase = "PM", weight = 1, case_sensitive = true }"#;
        t(e, "PM, pm, Pm, PMs", &["PM"]);
    }

    #[test]
    fn unicode_case_folding() {
        let e = r#"{ phrase = "anforderungsmanagement", weight = 1 }, { phrase = "übergabe", weight = 1 }"#;
        t(
            e,
            "ANFORDERUNGSMANAGEMENT und ÜBERGABE",
            &["ANFORDERUNGSMANAGEMENT", "ÜBERGABE"],
        );
    }

    #[test]
    fn markup_is_not_text() {
        let e = r#"{ phrase = "product manager", weight = 1 }"#;
        t(
            e,
            "[apply](https://x.com/product-manager) <b>Product</b> Manager",
            &["Product</b> Manager"],
        );
    }

    const WORDS: &[&str] = &[
        "product",
        "owner",
        "Owner",
        "PO",
        "po",
        "backlog",
        "backlogs",
        "refinement",
        "manager",
        "PM",
        "5",
        "prioritise",
        "prioritization",
        "priorities",
        "go",
        "to",
        "market",
        "scrum",
        "user",
        "stories",
        "c++",
        ".net",
        "über",
        "ÜBER",
        "gabe",
        "the",
        "a",
    ];
    const SEPS: &[&str] = &[" ", "  ", "-", "/", ". ", ", ", "\n", "", "<b>", "&amp;"];

    proptest::proptest! {
        #[test]
        fn every_automaton_kind_finds_the_same_hits(
            picks in proptest::collection::vec((0..WORDS.len(), 0..SEPS.len()), 0..40),
        ) {
            let e = r#"{ phrase = "product owner", weight = 1 }, { phrase = "product", weight = 1 },
                { phrase = "owner", weight = 1 }, { phrase = "product backlog", weight = 1 },
                { phrase = "backlog refinement", weight = 1 }, { phrase = "product backlog refinement", weight = 1 },
                { phrase = "backlog", weight = 1 }, { phrase = "prioriti*", weight = 1 },
                { phrase = "prioritization", weight = 1 }, { phrase = "go-to-market", weight = 1 },
                { phrase = "PO", weight = 1, case_sensitive = true }, { phrase = "PM", weight = 1, case_sensitive = true },
                { phrase = "user stor*", weight = 1 }, { phrase = "c++", weight = 1 }, { phrase = ".net", weight = 1 },
                { phrase = "übergabe", weight = 1 }, { phrase = "scrum", weight = 1 }, { phrase = "the product", weight = 1 }"#;
            let lexicon = lex(e);
            let batch = Scanner::for_workload(&lexicon, Workload::Batch).unwrap();
            let single = Scanner::for_workload(&lexicon, Workload::Single).unwrap();
            proptest::prop_assert!(matches!(batch.automaton, Compiled::Flat(_)));
            proptest::prop_assert!(matches!(single.automaton, Compiled::Contiguous(_)));
            // The crate's own DFA, the fallback when the flat copy would be too large.
            let mut dfa_kind = batch.clone();
            dfa_kind.automaton = Compiled::Dfa(
                dfa::Builder::new()
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(&dfa_kind.patterns)
                    .unwrap(),
            );
            // The fallback for lexicons too large for the other kinds.
            let mut fallback = batch.clone();
            fallback.automaton = Compiled::Noncontiguous(
                nfa::noncontiguous::Builder::new()
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(&fallback.patterns)
                    .unwrap(),
            );
            let text: String = picks.iter().map(|&(w, s)| format!("{}{}", WORDS[w], SEPS[s])).collect();
            let norm = normalize(&text);
            let hits = batch.scan(&norm, &text);
            proptest::prop_assert_eq!(&hits, &single.scan(&norm, &text), "text {:?}", text);
            proptest::prop_assert_eq!(&hits, &fallback.scan(&norm, &text), "text {:?}", text);
            proptest::prop_assert_eq!(&hits, &dfa_kind.scan(&norm, &text), "text {:?}", text);
        }
    }
}
