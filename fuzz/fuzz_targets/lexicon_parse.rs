//! Arbitrary bytes as a lexicon file: parsing, `lexicon check`, and (when the
//! lexicon parses) compiling and running it must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use popm::internals::lexicon_check;
use popm::{Classifier, Lexicon};

/// A posting that touches role names, context cues and phrases of both roles.
const TEXT: &str = "We are looking for a Product Owner (m/w/d) to own the product backlog. \
    You will work closely with our Product Manager, who owns the roadmap, pricing and \
    go-to-market. No people management. <p>Backlog refinement &amp; user stories</p> \
    Prioritise, prioritize; SAFe PO/PM at 5 PM. Über-Straße İstanbul \u{2014} owner\u{2019}s";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = Lexicon::parse(&text, "fuzz.toml");
    let diagnostics = lexicon_check::check(&text, "fuzz.toml");
    match parsed {
        Ok(lex) => {
            for d in &diagnostics {
                let _ = d.to_string();
            }
            let _ = lex.identity();
            if let Ok(classifier) = Classifier::new(lex) {
                let result = classifier.classify_text(TEXT);
                for ev in &result.score.evidence {
                    for o in &ev.occurrences {
                        assert!(TEXT.get(o.start..o.end).is_some(), "bad span {o:?}");
                    }
                }
                let _ = classifier.classify_text(&text);
            }
        }
        Err(e) => {
            // A lexicon that does not parse is reported by `check` too.
            assert!(
                !diagnostics.is_empty(),
                "parse failed ({e}) but check is clean"
            );
        }
    }
});
