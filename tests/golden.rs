//! Byte-for-byte output on a fixed set of postings, against files recorded in
//! `tests/data/golden/`.
//!
//! The postings (`postings.csv`, invented) cover what the hot path must get
//! right: HTML with entities, scripts and broken markup, Markdown with links,
//! bare URLs and e-mail addresses, CR LF and tabs, Unicode punctuation and
//! spaces, German, French and Dutch, a posting flattened to one line, a long
//! posting, empty ones, colleagues, negations and other jobs. Speed work on
//! reading, normalizing, scanning, judging or writing must leave every byte as
//! recorded. A change meant to change results (the lexicon, scoring, a format)
//! records the new output with `POPM_BLESS=1 cargo test --test tests golden`;
//! the recorded files' diff is then part of the change, for review.

use std::path::PathBuf;

use crate::util::{data_path, root, Workdir};

/// The recorded output of `postings.csv` in `format`.
fn recorded_path(format: &str) -> PathBuf {
    root()
        .join("tests")
        .join("data")
        .join("golden")
        .join(format!("postings.out.{format}"))
}

/// `popm classify` of the golden postings in `format` with `threads` workers.
fn classify(format: &str, threads: &str) -> Vec<u8> {
    let input = data_path("golden/postings.csv");
    let r = Workdir::new().run(&["classify", "-q", "--format", format, "-j", threads, &input]);
    r.expect_code(0);
    r.stdout
}

/// Fails, naming the first line that differs, unless `got` is the recorded
/// output of `format`; with `POPM_BLESS=1`, records `got` instead.
fn assert_recorded(format: &str, got: &[u8]) {
    let path = recorded_path(format);
    if std::env::var_os("POPM_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, got)
            .unwrap_or_else(|e| panic!("cannot record {}: {e}", path.display()));
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; record it with POPM_BLESS=1",
            path.display()
        )
    });
    if got == want {
        return;
    }
    let got_text = String::from_utf8_lossy(got);
    let want_text = String::from_utf8_lossy(&want);
    let (line, (w, g)) = want_text
        .split_inclusive('\n')
        .zip(got_text.split_inclusive('\n'))
        .enumerate()
        .find(|(_, (w, g))| w != g)
        .map_or((0, ("", "")), |(i, pair)| (i + 1, pair));
    panic!(
        "{format} output differs from {} ({} bytes recorded, {} now); first at line {line}:\n\
         recorded: {w}\n\
         now:      {g}\n\
         If the change is meant to change results, record them with \
         `POPM_BLESS=1 cargo test --test tests golden` and review the diff.",
        path.display(),
        want.len(),
        got.len(),
    );
}

#[test]
fn csv_output_is_as_recorded() {
    assert_recorded("csv", &classify("csv", "1"));
}

#[test]
fn jsonl_output_is_as_recorded() {
    assert_recorded("jsonl", &classify("jsonl", "1"));
}

#[test]
fn tsv_output_is_as_recorded() {
    assert_recorded("tsv", &classify("tsv", "1"));
}

#[test]
fn recorded_output_does_not_depend_on_the_thread_count() {
    // Four workers on 16 postings: each posting's row is made on any of them.
    assert_recorded("jsonl", &classify("jsonl", "4"));
}
