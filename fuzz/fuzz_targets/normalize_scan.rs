//! Arbitrary UTF-8 text through normalize → scan → classify with the embedded
//! lexicon: no panic, and every offset maps into the original text on
//! character boundaries.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use popm::internals::normalize::normalize;
use popm::internals::scan::Scanner;
use popm::{Classifier, Lexicon};

fn classifier() -> &'static (Classifier, Scanner) {
    static C: OnceLock<(Classifier, Scanner)> = OnceLock::new();
    C.get_or_init(|| {
        let lex = Lexicon::embedded();
        let scanner = Scanner::new(&lex).expect("embedded lexicon compiles");
        (
            Classifier::new(lex).expect("embedded lexicon compiles"),
            scanner,
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let (classifier, scanner) = classifier();
    let norm = normalize(src);
    let folded = norm.text();
    // Every character of the folded text maps back inside the original.
    let bounds: Vec<usize> = folded
        .char_indices()
        .map(|(i, _)| i)
        .chain([folded.len()])
        .collect();
    for w in bounds.windows(2) {
        let span = norm.orig_span(w[0], w[1]);
        assert!(
            src.get(span.clone()).is_some(),
            "char {:?} at {}..{} maps to {span:?}, not a span of the original ({} bytes)",
            &folded[w[0]..w[1]],
            w[0],
            w[1],
            src.len()
        );
    }
    for hit in scanner.scan(&norm, src) {
        assert!(hit.start < hit.end && hit.end <= folded.len(), "{hit:?}");
        assert!(
            folded.get(hit.start..hit.end).is_some(),
            "{hit:?} splits a char"
        );
        let span = norm.orig_span(hit.start, hit.end);
        assert!(
            src.get(span.clone()).is_some(),
            "{hit:?} maps to {span:?}, not a span of the original"
        );
    }
    let result = classifier.classify_text(src);
    assert!(result.score.po.is_finite() && result.score.pm.is_finite());
    assert!((-1.0..=1.0).contains(&result.verdict.lean));
    for ev in &result.score.evidence {
        for o in &ev.occurrences {
            assert!(src.get(o.start..o.end).is_some(), "evidence {o:?}");
        }
    }
});
