//! Properties over many rows: nothing lost or reordered, output independent of
//! the thread count, and every evidence offset slices the original text.

use std::sync::OnceLock;

use crate::util::{self, generate_postings, parse_jsonl, to_csv, Kind, Run, Workdir, HEADER};
use proptest::prelude::*;

const ROWS: usize = 2000;

/// The generated input: CSV rows (header first) and each row's kind.
fn generated() -> &'static (Vec<Vec<String>>, Vec<Kind>) {
    static DATA: OnceLock<(Vec<Vec<String>>, Vec<Kind>)> = OnceLock::new();
    DATA.get_or_init(|| generate_postings(ROWS, 0x5eed_1234))
}

/// Runs `popm classify -q gen.csv <args>` with the default lexicon.
fn classify_generated(args: &[&str]) -> Run {
    let wd = Workdir::new();
    wd.create("gen.csv", to_csv(&generated().0));
    let mut all = vec!["classify", "-q", "gen.csv"];
    all.extend_from_slice(args);
    let r = wd.run(&all);
    r.expect_code(0);
    r
}

/// The `-j 1` CSV output, shared by the tests below.
fn single_threaded() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| classify_generated(&["-j", "1"]))
}

#[test]
fn generated_input_mixes_every_kind() {
    let (rows, kinds) = generated();
    assert_eq!(rows.len(), ROWS + 1);
    for k in [
        Kind::Po,
        Kind::Pm,
        Kind::Hybrid,
        Kind::OtherJob,
        Kind::Tricky,
    ] {
        let n = kinds.iter().filter(|&&x| x == k).count();
        assert!(n > 50, "{k:?}: only {n} rows");
    }
    // Some descriptions have line breaks, quotes, and non-ASCII.
    let descs: Vec<&str> = rows[1..].iter().map(|r| r[2].as_str()).collect();
    assert!(descs.iter().any(|d| d.contains('\n')));
    assert!(descs.iter().any(|d| d.contains('"')));
    assert!(descs.iter().any(|d| d.contains('ü')));
    assert!(descs.iter().any(|d| d.is_empty()));
}

#[test]
fn every_row_comes_out_once_in_input_order() {
    let (rows, kinds) = generated();
    let t = single_threaded().table();
    assert_eq!(t.header.join(","), HEADER);
    assert_eq!(t.rows.len(), ROWS);
    let want: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(t.column("id"), want);
    assert!(t.column("error").iter().all(|e| e.is_empty()));
    // The clear templates are labeled as built; the other-job postings (a Data
    // Engineer title) are `other`, with the job their title names.
    for (i, k) in kinds.iter().enumerate() {
        let label = t.get(i, "label");
        match k {
            Kind::Po => assert_eq!(label, "product_owner", "row {i}: {:?}", rows[i + 1]),
            Kind::Pm => assert_eq!(label, "product_manager", "row {i}: {:?}", rows[i + 1]),
            Kind::OtherJob => {
                assert_eq!(label, "other", "row {i}: {:?}", rows[i + 1]);
                assert_eq!(t.get(i, "self_role"), "engineer", "row {i}");
            }
            Kind::Hybrid | Kind::Tricky => {}
        }
    }
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let one = single_threaded();
    for j in ["2", "4"] {
        let other = classify_generated(&["-j", j]);
        assert!(
            other.stdout == one.stdout,
            "-j {j} output differs from -j 1 ({} vs {} bytes)",
            other.stdout.len(),
            one.stdout.len()
        );
    }
}

#[test]
fn jsonl_offsets_are_valid_for_every_row() {
    let (rows, _) = generated();
    let r = classify_generated(&["--format", "jsonl", "-j", "2"]);
    let out = r.jsonl();
    assert_eq!(out.len(), ROWS);
    let mut matches = 0;
    for (i, o) in out.iter().enumerate() {
        assert_eq!(o["row"], i as u64 + 1);
        assert_eq!(o["id"], rows[i + 1][0].as_str());
        matches += util::assert_offsets(o, &|field| match field {
            "description" => rows[i + 1][2].clone(),
            "title" => rows[i + 1][1].clone(),
            other => panic!("unexpected field {other:?}"),
        });
    }
    assert!(matches > 5 * ROWS, "only {matches} matches checked");
    // Same verdicts as the CSV output.
    let t = single_threaded().table();
    for (i, o) in out.iter().enumerate() {
        assert_eq!(o["label"], t.get(i, "label"), "row {i}");
    }
}

/// Pieces that random descriptions are made of: phrases of the test lexicon,
/// context cues, markup, CSV-hostile characters and multi-byte text.
const FRAGMENTS: &[&str] = &[
    "product owner",
    "Product Owner",
    "product-manager",
    "PRODUCT MANAGER",
    "product backlog",
    "market research",
    "pricing",
    "sprint planning",
    "as a ",
    "work closely with the ",
    "not ",
    "<p>",
    "</p>",
    "<strong>",
    "&nbsp;",
    "&amp;",
    "[link](https://x.example/product-owner)",
    "**",
    "## ",
    "- ",
    ", ",
    "; ",
    "\"",
    "\n",
    "\r\n",
    "\t",
    " ",
    ".",
    "ü",
    "€",
    "🚀",
    "naïve",
    "\u{a0}",
    "x",
];

fn description() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random rows built from fragments: count and order kept, offsets valid.
    #[test]
    fn random_rows_keep_count_order_and_valid_offsets(
        descs in prop::collection::vec(description(), 1..40)
    ) {
        let mut rows = vec![vec!["id".to_string(), "description".to_string()]];
        for (i, d) in descs.iter().enumerate() {
            rows.push(vec![format!("q{i}"), d.clone()]);
        }
        let wd = Workdir::new();
        wd.create("r.csv", to_csv(&rows));
        let r = wd.classify(&["-q", "r.csv", "--format", "jsonl"]);
        prop_assert_eq!(r.code(), 0, "{:?}", r);
        let out = parse_jsonl(&r.stdout);
        prop_assert_eq!(out.len(), descs.len());
        for (i, o) in out.iter().enumerate() {
            prop_assert_eq!(&o["id"], &serde_json::json!(format!("q{i}")));
            util::assert_offsets(o, &|_| descs[i].clone());
        }
    }
}
