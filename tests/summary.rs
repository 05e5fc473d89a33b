//! `popm summary`: reading back what `popm classify` wrote, in every format.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use crate::util::{parse_jsonl, parse_table, plumb, sample, Workdir};
use serde_json::Value;

/// The columns `popm summary` needs, as its error message names them.
const REQUIRED: &[&str] = &["label", "confidence", "lean", "po_evidence", "pm_evidence"];

/// `samples/postings.csv` classified with the default lexicon, once per test
/// binary, as (CSV, TSV, JSON Lines) bytes.
fn classified() -> &'static (Vec<u8>, Vec<u8>, Vec<u8>) {
    static OUT: OnceLock<(Vec<u8>, Vec<u8>, Vec<u8>)> = OnceLock::new();
    OUT.get_or_init(|| {
        let wd = Workdir::new();
        let postings = sample("postings.csv");
        let run = |format: &str| {
            let r = wd.run(&["classify", "-q", "--format", format, &postings]);
            r.expect_code(0);
            r.stdout.clone()
        };
        (run("csv"), run("tsv"), run("jsonl"))
    })
}

/// A work directory holding the classified samples as r.csv, r.tsv and r.jsonl.
fn workdir() -> Workdir {
    let wd = Workdir::new();
    let (csv, tsv, jsonl) = classified();
    wd.create("r.csv", csv);
    wd.create("r.tsv", tsv);
    wd.create("r.jsonl", jsonl);
    wd
}

fn summary_json(wd: &Workdir, args: &[&str]) -> Value {
    let mut all = vec!["summary", "--json"];
    all.extend_from_slice(args);
    let r = wd.run(&all);
    r.expect_code(0);
    r.json()
}

#[test]
fn csv_tsv_and_jsonl_summaries_agree() {
    let wd = workdir();
    let csv = summary_json(&wd, &["r.csv"]);
    assert_eq!(csv, summary_json(&wd, &["r.tsv"]));
    assert_eq!(csv, summary_json(&wd, &["r.jsonl"]));
    assert_eq!(csv["postings"], 16);
    for key in ["labels", "lean_histogram", "top_phrases", "categories"] {
        assert!(!csv[key].is_null(), "no {key}: {csv}");
    }
}

#[test]
fn label_counts_match_the_classify_output() {
    let wd = workdir();
    let table = parse_table(&classified().0, b',');
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for label in table.column("label") {
        *want.entry(label.to_string()).or_insert(0) += 1;
    }
    let v = summary_json(&wd, &["r.csv"]);
    let labels = v["labels"].as_array().expect("labels array");
    let names: Vec<&str> = labels.iter().filter_map(|l| l["label"].as_str()).collect();
    assert_eq!(
        names,
        [
            "product_owner",
            "product_manager",
            "hybrid",
            "unclear",
            "other",
            "error"
        ]
    );
    let mut got: BTreeMap<String, u64> = BTreeMap::new();
    for l in labels {
        let n = l["count"].as_u64().expect("count");
        if n > 0 {
            got.insert(l["label"].as_str().unwrap_or("").to_string(), n);
        }
    }
    assert_eq!(got, want);
    let hist: u64 = v["lean_histogram"]
        .as_array()
        .expect("histogram")
        .iter()
        .filter_map(|b| b["count"].as_u64())
        .sum();
    assert_eq!(
        hist,
        table.rows.len() as u64,
        "every classified row has a lean"
    );
}

#[test]
fn top_phrases_count_postings_where_the_phrase_counted() {
    let wd = workdir();
    // Recompute from the JSON Lines evidence: per role, postings per phrase.
    let mut want: BTreeMap<(String, String), u64> = BTreeMap::new();
    for row in parse_jsonl(&classified().2) {
        let mut seen = BTreeSet::new();
        for ev in row["evidence"].as_array().expect("evidence") {
            if ev["counted"].as_u64().unwrap_or(0) > 0 {
                let key = (
                    ev["role"].as_str().unwrap_or("").to_string(),
                    ev["phrase"].as_str().unwrap_or("").to_string(),
                );
                if seen.insert(key.clone()) {
                    *want.entry(key).or_insert(0) += 1;
                }
            }
        }
    }
    let v = summary_json(&wd, &["r.csv", "--top", "1000"]);
    for role in ["po", "pm"] {
        let top = v["top_phrases"][role].as_array().expect("top phrases");
        let got: BTreeMap<(String, String), u64> = top
            .iter()
            .map(|p| {
                (
                    (
                        role.to_string(),
                        p["phrase"].as_str().unwrap_or("").to_string(),
                    ),
                    p["postings"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        let want_role: BTreeMap<_, _> = want
            .iter()
            .filter(|((r, _), _)| r == role)
            .map(|(k, n)| (k.clone(), *n))
            .collect();
        assert_eq!(got, want_role, "{role}");
        // Most postings first, ties by phrase.
        let order: Vec<(i64, &str)> = top
            .iter()
            .map(|p| {
                (
                    -(p["postings"].as_u64().unwrap_or(0) as i64),
                    p["phrase"].as_str().unwrap_or(""),
                )
            })
            .collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "{role}");
    }
    let v = summary_json(&wd, &["r.jsonl", "--top", "3"]);
    assert_eq!(v["top_phrases"]["po"].as_array().map(Vec::len), Some(3));
}

#[test]
fn stdin_is_read_with_a_dash_or_no_file() {
    let wd = workdir();
    let from_file = summary_json(&wd, &["r.csv"]);
    for (input, args) in [
        (&classified().0, vec!["summary", "--json", "-"]),
        (&classified().1, vec!["summary", "--json"]),
        (&classified().2, vec!["summary", "--json", "-"]),
    ] {
        let r = wd.run_with_stdin(&args, input);
        r.expect_code(0);
        assert_eq!(r.json(), from_file, "{r:?}");
    }
    let r = wd.run(&["summary", "-", "-"]);
    r.expect_code(2);
    assert!(r.err().contains("stdin"), "{r:?}");
}

#[test]
fn several_files_add_up() {
    let wd = workdir();
    let v = summary_json(&wd, &["r.csv", "r.jsonl"]);
    assert_eq!(v["postings"], 32);
    let one = summary_json(&wd, &["r.csv"]);
    assert_eq!(
        v["top_phrases"]["po"][0]["postings"].as_u64(),
        one["top_phrases"]["po"][0]["postings"]
            .as_u64()
            .map(|n| 2 * n)
    );
}

#[test]
fn a_file_that_is_not_a_popm_result_is_refused() {
    let wd = Workdir::new();
    let postings = sample("postings.csv");
    let r = wd.run(&["summary", &postings]);
    r.expect_code(2);
    assert!(r.stdout.is_empty(), "{r:?}");
    let err = r.err();
    assert!(err.contains("postings.csv"), "{r:?}");
    assert!(err.contains("not a popm result"), "{r:?}");
    for col in REQUIRED {
        assert!(err.contains(&format!("`{col}`")), "{col}: {r:?}");
    }
    assert_eq!(err.lines().count(), 1, "one clear message: {r:?}");

    wd.create("half.csv", "id,label,lean\n1,product_owner,-1\n");
    let r = wd.run(&["summary", "half.csv"]);
    r.expect_code(2);
    let err = r.err();
    assert!(
        err.contains("`confidence`") && err.contains("`po_evidence`") && !err.contains("`lean`"),
        "{r:?}"
    );

    wd.create("other.jsonl", "{\"id\": 1, \"text\": \"x\"}\n");
    let r = wd.run(&["summary", "other.jsonl"]);
    r.expect_code(2);
    assert!(r.err().contains("other.jsonl:1:"), "{r:?}");
    assert!(r.err().contains("`label`, `evidence`"), "{r:?}");

    let r = wd.run(&["summary", "missing.csv"]);
    r.expect_code(2);
    assert!(r.err().contains("missing.csv"), "{r:?}");

    wd.create(
        "bad.csv",
        "label,confidence,lean,po_evidence,pm_evidence\nproduct_owner,0.9,-1,backlog,\n",
    );
    let r = wd.run(&["summary", "bad.csv"]);
    r.expect_code(2);
    assert!(r.err().contains("bad.csv:2:"), "{r:?}");
    assert!(r.err().contains("po_evidence"), "{r:?}");
}

#[test]
fn terminal_summary_is_readable() {
    let wd = workdir();
    let r = wd.run(&["summary", "r.csv", "--top", "3"]);
    r.expect_code(0);
    let out = r.out();
    assert!(
        out.starts_with("popm summary: 16 postings from r.csv\n"),
        "{r:?}"
    );
    let header = out
        .lines()
        .find(|l| l.starts_with("label "))
        .expect("label table header");
    // Every label row is as wide as the header: the columns line up.
    for label in [
        "product_owner",
        "product_manager",
        "hybrid",
        "unclear",
        "other",
        "error",
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{label} ")))
            .unwrap_or_else(|| panic!("no {label} row: {r:?}"));
        assert_eq!(line.len(), header.len(), "{line:?}");
    }
    assert!(
        out.contains("lean (-1 all PO ... +1 all PM), 16 postings"),
        "{r:?}"
    );
    assert_eq!(out.lines().filter(|l| l.starts_with("  [")).count(), 10);
    assert!(out.lines().any(|l| l.ends_with('#')), "{r:?}");
    assert!(
        out.contains("Product Owner: top phrases") && out.contains("Product Manager: categories"),
        "{r:?}"
    );
    // --top 3: three phrase lines after each "top phrases" heading.
    let lines: Vec<&str> = out.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        if l.contains("top phrases") {
            assert!(lines[i + 1..i + 4].iter().all(|p| p.starts_with("  ")));
            assert!(lines[i + 4].is_empty(), "{r:?}");
        }
    }
}

#[test]
fn mismatch_rows_are_counted() {
    let wd = Workdir::new();
    wd.create(
        "mm.csv",
        "id,title,description\n\
         m1,Product Owner,\"As our Product Owner you define the product vision and the \
         roadmap, run market research and competitive analysis and set pricing.\"\n\
         m2,Product Owner,\"As our Product Owner you own the product backlog, write user \
         stories with acceptance criteria and run sprint planning.\"\n\
         m3,Product Manager,\"We are hiring a Product Manager to own the product strategy, \
         pricing and market research for our booking app.\"\n",
    );
    for (name, format) in [("r.csv", "csv"), ("r.tsv", "tsv"), ("r.jsonl", "jsonl")] {
        let r = wd.run(&["classify", "-q", "--format", format, "-o", name, "mm.csv"]);
        r.expect_code(0);
    }
    let t = parse_table(&wd.read("r.csv"), b',');
    assert_eq!(t.column("mismatch"), ["true", "false", "false"]);
    for name in ["r.csv", "r.tsv", "r.jsonl"] {
        let r = wd.run(&["summary", name]);
        r.expect_code(0);
        assert!(
            r.out()
                .contains("\nmismatch: 1 posting names one role and describes the other's work\n"),
            "{name}: {r:?}"
        );
        assert_eq!(summary_json(&wd, &[name])["mismatches"], 1, "{name}");
    }
    // Counts add up over files.
    let r = wd.run(&["summary", "r.csv", "r.jsonl"]);
    assert!(
        r.out()
            .contains("\nmismatch: 2 postings name one role and describe the other's work\n"),
        "{r:?}"
    );
    // Results without a mismatch say nothing about it.
    let wd = workdir();
    let r = wd.run(&["summary", "r.csv"]);
    r.expect_code(0);
    assert!(!r.out().contains("mismatch"), "{r:?}");
    assert_eq!(summary_json(&wd, &["r.csv"])["mismatches"], 0);
}

#[test]
fn lexicon_flag_names_the_categories_of_csv_phrases() {
    let wd = Workdir::new();
    let postings = sample("postings.csv");
    let lex = plumb();
    for (name, format) in [("p.csv", "csv"), ("p.jsonl", "jsonl")] {
        let r = wd.run(&[
            "classify",
            "-q",
            "--lexicon",
            &lex,
            "--format",
            format,
            &postings,
        ]);
        r.expect_code(0);
        wd.create(name, &r.stdout);
    }
    let csv = summary_json(&wd, &["--lexicon", &lex, "p.csv"]);
    assert_eq!(csv, summary_json(&wd, &["p.jsonl"]));
    // With the embedded lexicon, plumb's categories are not all there.
    let other = summary_json(&wd, &["p.csv"]);
    assert_ne!(csv["categories"], other["categories"]);
}

#[test]
fn help_has_examples_and_exit_codes() {
    let r = Workdir::new().run(&["summary", "--help"]);
    r.expect_code(0);
    let out = r.out();
    assert!(out.contains("popm summary results.csv"), "{r:?}");
    assert!(out.contains("Exit codes"), "{r:?}");
}

#[test]
fn xlsx_results_are_summarised_like_csv() {
    let wd = Workdir::new();
    let postings = sample("postings.csv");
    let lex = plumb();
    for name in ["p.csv", "p.xlsx"] {
        wd.run(&["classify", "-q", "--lexicon", &lex, "-o", name, &postings])
            .expect_code(0);
    }
    assert_eq!(
        summary_json(&wd, &["--lexicon", &lex, "p.xlsx"]),
        summary_json(&wd, &["--lexicon", &lex, "p.csv"])
    );
    let r = wd.run_with_stdin(
        &["summary", "--json", "--lexicon", &lex],
        &wd.read("p.xlsx"),
    );
    r.expect_code(0);
    assert_eq!(r.json()["postings"], 16);
}
