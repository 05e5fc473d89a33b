//! Library-level properties of normalize → scan → classify, on random text made
//! of lexicon phrases, filler words, markup and multi-byte characters:
//!
//! - normalization never panics, and its offset map points inside the original
//!   text on character boundaries;
//! - every scanned hit maps back to original text that normalizes to the hit;
//! - every evidence offset slices the original text to the matched words;
//! - scores do not change with ASCII case or with runs of spaces and tabs;
//! - classifying the same input twice gives the same result.
//!
//! The CLI-level properties (row count and order, `-j 1` = `-j N`) are in
//! `tests/properties.rs`.

use std::collections::HashSet;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::strategy::ValueTree;

use popm::internals::normalize::{normalize, Normalized};
use popm::internals::scan::Scanner;
use popm::internals::spelling;
use popm::internals::Entry;
use popm::{Classification, Classifier, Lexicon};

/// The embedded lexicon, compiled once for every test in this file.
fn compiled() -> &'static (Classifier, Scanner) {
    static C: OnceLock<(Classifier, Scanner)> = OnceLock::new();
    C.get_or_init(|| {
        let lex = Lexicon::embedded();
        let scanner = Scanner::new(&lex).expect("embedded lexicon compiles");
        let classifier = Classifier::new(lex).expect("embedded lexicon compiles");
        (classifier, scanner)
    })
}

fn classifier() -> &'static Classifier {
    &compiled().0
}

/// The folded text of `s`, without the spaces a slice may leave at its ends.
fn fold(s: &str) -> String {
    normalize(s).text().trim_matches(' ').to_string()
}

/// Every form of the embedded lexicon as written (wildcards without their `*`).
fn phrases() -> &'static Vec<String> {
    static P: OnceLock<Vec<String>> = OnceLock::new();
    P.get_or_init(|| {
        classifier()
            .lexicon()
            .entries()
            .iter()
            .flat_map(|e| {
                e.forms()
                    .iter()
                    .map(|f| f.trim_end_matches('*').to_string())
            })
            .collect()
    })
}

/// The case-sensitive forms (SAFe, LeSS, PBIs …), lower-cased: words whose case
/// must not be changed by the case-invariance property.
fn case_sensitive_words() -> &'static HashSet<String> {
    static W: OnceLock<HashSet<String>> = OnceLock::new();
    W.get_or_init(|| {
        classifier()
            .lexicon()
            .entries()
            .iter()
            .filter(|e| e.is_case_sensitive())
            .flat_map(|e| e.forms().iter().map(|f| f.to_lowercase()))
            .collect()
    })
}

/// Words around the phrases: context cues, numbers, abbreviations, German and
/// other multi-byte text.
const FILLER: &[&str] = &[
    "we",
    "are",
    "looking",
    "for",
    "a",
    "as",
    "the",
    "our",
    "you",
    "will",
    "work",
    "closely",
    "with",
    "report",
    "to",
    "alongside",
    "not",
    "no",
    "without",
    "team",
    "senior",
    "5",
    "10:30",
    "PM",
    "PO",
    "POs",
    "SAFe",
    "safe",
    "less",
    "LeSS",
    "(m/w/d)",
    "für",
    "Straße",
    "ÜBER",
    "İstanbul",
    "naïve",
    "e\u{301}quipe",
    "🚀",
    "€",
    "owner’s",
    "x",
];

/// Separators and markup that keep everything on one line.
const INLINE: &[&str] = &[
    " ",
    "  ",
    "\t",
    " \t ",
    ", ",
    ". ",
    "; ",
    ": ",
    "-",
    "/",
    " – ",
    "—",
    "\u{a0}",
    "\u{200b}",
    "\u{ad}",
    "<b>",
    "</b>",
    "<p>",
    "</p>",
    "<br/>",
    "<li>",
    "&amp;",
    "&nbsp;",
    "&uuml;",
    "&#252;",
    "&#x2019;",
    "**",
    "_",
    "## ",
    "[",
    "](https://x.com/product-owner)",
    "]",
    " https://jobs.example.com/product-manager ",
    " www.pm.com ",
    " jane.doe@corp.com ",
    "<!-- product owner -->",
    "<script>product owner</script>",
    "<style>.pm{}</style>",
    "<",
    "&",
    "\"",
    "'",
    "(",
    ")",
    "•",
];

/// Line breaks, only in the texts of the properties that allow them.
const BREAKS: &[&str] = &["\n", "\r\n", "\n\n", "\u{2028}"];

/// A lexicon phrase, in random case, with a suffix now and then (for wildcards).
fn phrase() -> impl Strategy<Value = String> {
    (
        prop::sample::select(phrases().clone()),
        0..4u8,
        prop::sample::select(&["", "", "", "ze", "se", "s", "ation", "ing"][..]),
    )
        .prop_map(|(p, case, suffix)| {
            let p = match case {
                0 => p.to_uppercase(),
                1 => p.to_lowercase(),
                _ => p,
            };
            p + suffix
        })
}

/// One line of description: phrases, filler and inline markup, separated by spaces.
fn line() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        3 => phrase(),
        2 => prop::sample::select(FILLER).prop_map(str::to_string),
        2 => prop::sample::select(INLINE).prop_map(str::to_string),
    ];
    prop::collection::vec(token, 0..24).prop_map(|v| v.join(" "))
}

/// A description of several lines.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec((line(), prop::sample::select(BREAKS)), 1..4).prop_map(|v| {
        v.into_iter()
            .map(|(l, b)| l + b)
            .collect::<Vec<_>>()
            .concat()
    })
}

/// Any string at all, or a generated description.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        text(),
        "[<>&#;a-zA-Z0-9 \\-_/\\]\\[()@.:\n\u{e9}\u{130}]{0,60}"
    ]
}

/// Checks the offset map of `norm`, the normalization of `src`, character by character.
fn check_offset_map(src: &str, norm: &Normalized) -> Result<(), TestCaseError> {
    let folded = norm.text();
    let bounds: Vec<usize> = folded
        .char_indices()
        .map(|(i, _)| i)
        .chain([folded.len()])
        .collect();
    for w in bounds.windows(2) {
        let span = norm.orig_span(w[0], w[1]);
        prop_assert!(
            span.start <= span.end
                && span.end <= src.len()
                && src.is_char_boundary(span.start)
                && src.is_char_boundary(span.end),
            "folded {:?} at {}..{} maps to {:?}, not a span of the {}-byte original",
            &folded[w[0]..w[1]],
            w[0],
            w[1],
            span,
            src.len()
        );
    }
    Ok(())
}

/// Whether `matched` (folded) is what `entry` can match: one of its forms or
/// their US/UK variants, and for a wildcard the stem followed by word characters.
fn matches_entry(entry: &Entry, matched: &str, original: &str) -> bool {
    entry.forms().iter().any(|form| {
        let (stem, is_wildcard) = match form.strip_suffix('*') {
            Some(s) => (s, true),
            None => (form.as_str(), false),
        };
        if entry.is_case_sensitive() {
            let alnum = |s: &str| {
                s.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            };
            return alnum(original) == alnum(stem);
        }
        let folded = fold(stem);
        let mut all = spelling::variants(&folded, is_wildcard);
        all.push(folded);
        all.iter().any(|p| {
            if is_wildcard {
                matched.strip_prefix(p.as_str()).is_some_and(|rest| {
                    rest.bytes().all(|b| b.is_ascii_alphanumeric() || b >= 0x80)
                })
            } else {
                matched == p
            }
        })
    })
}

/// Checks that every evidence offset slices `src` to words its entry matches.
fn check_evidence(src: &str, result: &Classification) -> Result<usize, TestCaseError> {
    let lexicon = classifier().lexicon();
    let mut checked = 0;
    for ev in &result.score.evidence {
        let entry = lexicon.entry(ev.entry);
        for o in &ev.occurrences {
            let slice = src.get(o.start..o.end);
            prop_assert!(
                slice.is_some(),
                "{:?}: {}..{} is not a span",
                entry.phrase(),
                o.start,
                o.end
            );
            let slice = slice.unwrap_or_default();
            let matched = fold(slice);
            prop_assert!(
                matches_entry(entry, &matched, slice),
                "evidence for {:?} slices the original to {:?} (folded {:?})",
                entry.forms(),
                slice,
                matched
            );
            checked += 1;
        }
    }
    Ok(checked)
}

/// What the invariance properties compare: scores and, per phrase, its matches' marks.
fn summary(c: &Classification) -> (f64, f64, Vec<(u32, Vec<popm::Mark>)>) {
    let mut ev: Vec<(u32, Vec<popm::Mark>)> = c
        .score
        .evidence
        .iter()
        .map(|e| (e.entry.0, e.occurrences.iter().map(|o| o.mark).collect()))
        .collect();
    ev.sort_by_key(|(id, _)| *id);
    (c.score.po, c.score.pm, ev)
}

/// Changes the case of whole ASCII words longer than three letters (each to all
/// upper or all lower case), except case-sensitive lexicon words, entity names
/// (`&amp;` is not `&AMP;`) and words with a capital after a lower-case letter:
/// that is where a word glued to the one before starts ("newProduct Manager").
fn recase(src: &str, flips: &[bool]) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let mut k = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let word = &src[i..j];
        let after_entity_mark = i > 0 && matches!(b[i - 1], b'&' | b'#');
        let glued = word
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
        if word.len() > 3
            && word.bytes().all(|c| c.is_ascii_alphabetic())
            && !after_entity_mark
            && !glued
            && !case_sensitive_words().contains(&word.to_ascii_lowercase())
        {
            let flip = flips.get(k % flips.len().max(1)).copied().unwrap_or(false);
            let upper = flips
                .get((k + 1) % flips.len().max(1))
                .copied()
                .unwrap_or(false);
            if flip {
                for c in &mut out[i..j] {
                    *c = if upper {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    };
                }
            }
            k += 1;
        }
        i = j;
    }
    String::from_utf8(out).expect("only ASCII letters changed")
}

/// Replaces every run of spaces and tabs with the next run from `runs`.
fn respace(src: &str, runs: &[String]) -> String {
    let mut out = String::with_capacity(src.len());
    let mut k = 0;
    let mut in_run = false;
    for ch in src.chars() {
        if ch == ' ' || ch == '\t' {
            if !in_run {
                out.push_str(&runs[k % runs.len()]);
                k += 1;
            }
            in_run = true;
        } else {
            out.push(ch);
            in_run = false;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Normalization never panics; every folded character maps inside the original.
    #[test]
    fn offset_map_points_inside_the_original(src in any_text()) {
        let norm = normalize(&src);
        check_offset_map(&src, &norm)?;
    }

    /// Every hit maps back to original text that folds to exactly the hit's text.
    #[test]
    fn hits_map_back_to_their_words(src in any_text()) {
        let norm = normalize(&src);
        let folded = norm.text();
        for hit in compiled().1.scan(&norm, &src) {
            prop_assert!(hit.start < hit.end && folded.get(hit.start..hit.end).is_some(), "{:?}", hit);
            let span = norm.orig_span(hit.start, hit.end);
            let orig = src.get(span.clone());
            prop_assert!(orig.is_some(), "{:?} maps to {:?}", hit, span);
            let orig = orig.unwrap_or_default();
            let refolded = normalize(orig);
            prop_assert_eq!(
                refolded.text(),
                &folded[hit.start..hit.end],
                "hit {:?} maps to {:?}",
                hit,
                orig
            );
        }
    }

    /// Evidence offsets slice the original text to the words that matched.
    #[test]
    fn evidence_slices_the_original_to_the_matched_words(src in text()) {
        let result = classifier().classify_text(&src);
        check_evidence(&src, &result)?;
    }

    /// Scores (and each phrase's matches) ignore the case of ASCII letters.
    #[test]
    fn scores_ignore_ascii_case(src in line(), flips in prop::collection::vec(any::<bool>(), 1..16)) {
        let changed = recase(&src, &flips);
        let a = classifier().classify_text(&src);
        let b = classifier().classify_text(&changed);
        prop_assert_eq!(summary(&a), summary(&b), "{:?} vs {:?}", src, changed);
        prop_assert_eq!(a.verdict, b.verdict);
    }

    /// Scores (and each phrase's matches) ignore how long runs of spaces and tabs are.
    #[test]
    fn scores_ignore_runs_of_spaces_and_tabs(
        src in line(),
        runs in prop::collection::vec("[ \t]{1,4}", 1..8),
    ) {
        let changed = respace(&src, &runs);
        let a = classifier().classify_text(&src);
        let b = classifier().classify_text(&changed);
        prop_assert_eq!(summary(&a), summary(&b), "{:?} vs {:?}", src, changed);
        prop_assert_eq!(a.verdict, b.verdict);
    }

    /// The same input gives the same classification, from this classifier, a
    /// clone of it on another thread, and a second classifier built afresh.
    #[test]
    fn classification_is_deterministic(src in text()) {
        let first = classifier().classify_text(&src);
        prop_assert_eq!(&first, &classifier().classify_text(&src));
        let clone = classifier().clone();
        let text = src.clone();
        let other = std::thread::spawn(move || clone.classify_text(&text))
            .join()
            .expect("classifier thread");
        prop_assert_eq!(&first, &other);
        prop_assert_eq!(&first, &fresh().classify_text(&src));
    }
}

/// A second classifier compiled separately from the shared one.
fn fresh() -> &'static Classifier {
    static F: OnceLock<Classifier> = OnceLock::new();
    F.get_or_init(|| Classifier::new(Lexicon::embedded()).expect("embedded lexicon compiles"))
}

/// The generators reach the cases the properties are about.
#[test]
fn generated_text_has_evidence_and_markup() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut with_evidence, mut total) = (0, 0);
    for _ in 0..200 {
        let src = text().new_tree(&mut runner).expect("a value").current();
        let result = classifier().classify_text(&src);
        let n = check_evidence(&src, &result).expect("evidence slices");
        total += n;
        with_evidence += usize::from(n > 0);
    }
    assert!(
        with_evidence > 150,
        "only {with_evidence} of 200 texts have evidence"
    );
    assert!(total > 1000, "only {total} matches checked");
}

/// Examples of the invariance transforms themselves.
#[test]
fn transforms_change_what_they_should() {
    assert_eq!(
        recase("Product Owner &amp; SAFe PO", &[true]),
        "PRODUCT OWNER &amp; SAFe PO"
    );
    assert_eq!(
        recase("Product Owner and newProduct", &[true, false]),
        "product Owner and newProduct"
    );
    assert_eq!(respace("a  b\tc", &["\t \t".to_string()]), "a\t \tb\t \tc");
}
