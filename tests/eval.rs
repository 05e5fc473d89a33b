//! `popm eval` on a small labeled fixture (tests/data/labeled.csv).
//!
//! The fixture has 10 rows: 4 product_owner, 4 product_manager and 2 `other`.
//! Row e04 is a Product Owner whose description has no evidence at all: only
//! its title says "Product Owner", so `--ignore-cols title` makes it `unclear`.
//! The two `other` rows (a Data Engineer, an Office Manager) are labelled
//! `other` by their titles; without the titles they name no job and are `unclear`.

use crate::util::{self, Workdir};
use serde_json::Value;

fn eval_json(args: &[&str]) -> Value {
    let wd = Workdir::new();
    wd.copy_data("labeled.csv");
    let mut all = vec!["eval", "labeled.csv", "--label-col", "label", "--json"];
    all.extend_from_slice(args);
    let r = wd.run(&all);
    r.expect_code(0);
    r.json()
}

#[test]
fn human_report_shows_the_metrics_and_confusion() {
    let wd = Workdir::new();
    wd.copy_data("labeled.csv");
    let r = wd.run(&["eval", "labeled.csv", "--label-col", "label"]);
    r.expect_code(0);
    let out = r.out();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("popm eval  lexicon popm-default@"),
        "{r:?}"
    );
    assert_eq!(
        lines[1],
        "rows 10  in scope 8 (product_owner 4, product_manager 4)  out of scope 2"
    );
    assert!(
        lines[3].starts_with(
            "accuracy 1.000  macro-F1 1.000  coverage 1.000 (hybrid 0.000, unclear 0.000)  ECE "
        ),
        "{r:?}"
    );
    let conf = lines
        .iter()
        .position(|l| l.starts_with("confusion (rows: gold, columns: predicted)"))
        .unwrap_or_else(|| panic!("no confusion table: {r:?}"));
    let cells = |l: &str| -> Vec<String> { l.split_whitespace().map(str::to_string).collect() };
    assert_eq!(
        cells(lines[conf + 1]),
        [
            "product_owner",
            "product_manager",
            "hybrid",
            "unclear",
            "other",
            "error"
        ]
    );
    assert_eq!(
        cells(lines[conf + 2]),
        ["product_owner", "4", "0", "0", "0", "0", "0"]
    );
    assert_eq!(
        cells(lines[conf + 3]),
        ["product_manager", "0", "4", "0", "0", "0", "0"]
    );
    assert_eq!(
        cells(lines[conf + 4]),
        ["other", "0", "0", "0", "0", "2", "0"]
    );
    assert!(
        out.contains(
            "\nout of scope (gold label: what popm said)\n  other: other 2\n  \
             self_role: engineer 1, other 1\n"
        ),
        "{r:?}"
    );
}

#[test]
fn json_report_parses_with_overall_metrics() {
    let v = eval_json(&[]);
    let o = &v["overall"];
    let acc = o["accuracy"]
        .as_f64()
        .expect("overall.accuracy is a number");
    assert!((0.0..=1.0).contains(&acc), "{acc}");
    assert_eq!(acc, 1.0);
    assert_eq!(o["in_scope"], 8, "the PO and PM rows");
    assert_eq!(o["rows"], 10);
    for k in [
        "macro_f1",
        "coverage",
        "ece",
        "hybrid_share",
        "unclear_share",
    ] {
        let x = o[k].as_f64().unwrap_or_else(|| panic!("{k} missing: {o}"));
        assert!((0.0..=1.0).contains(&x), "{k} = {x}");
    }
    assert_eq!(o["product_owner"]["support"], 4);
    assert_eq!(o["product_manager"]["support"], 4);
    assert_eq!(
        o["confusion"],
        serde_json::json!([[4, 0, 0, 0, 0, 0], [0, 4, 0, 0, 0, 0]])
    );
    assert_eq!(o["confusion_other"], serde_json::json!([0, 0, 0, 0, 2, 0]));
    assert_eq!(
        o["out_of_scope"],
        serde_json::json!({"other": {"other": 2}})
    );
    assert!(v["lexicon"].as_str().unwrap().starts_with("popm-default@"));
    assert!(v["calibrated"].is_boolean());
    assert_eq!(v["wrong_calls"], serde_json::json!([]));
}

#[test]
fn ignore_cols_title_classifies_on_the_description_alone() {
    let v = eval_json(&["--ignore-cols", "title"]);
    let o = &v["overall"];
    assert_eq!(o["accuracy"].as_f64(), Some(0.875), "{o}");
    assert_eq!(o["coverage"].as_f64(), Some(0.875), "{o}");
    assert_eq!(o["in_scope"], 8);
    assert_eq!(
        o["confusion"],
        serde_json::json!([[3, 0, 0, 1, 0, 0], [0, 4, 0, 0, 0, 0]])
    );
    // Without their titles the two other-job rows name no job: `unclear`.
    assert_eq!(o["confusion_other"], serde_json::json!([0, 0, 0, 2, 0, 0]));
    let wrong = v["wrong_calls"].as_array().unwrap();
    assert_eq!(wrong.len(), 1, "{v}");
    assert!(wrong[0].to_string().contains("e04"), "{v}");
}

#[test]
fn show_wrong_and_groups_per_file() {
    let wd = Workdir::new();
    wd.copy_data("labeled.csv");
    let mut head: Vec<u8> = Vec::new();
    for l in util::data("labeled.csv")
        .split_inclusive(|&b| b == b'\n')
        .take(4)
    {
        head.extend_from_slice(l);
    }
    wd.create("second.csv", head);
    let r = wd.run(&[
        "eval",
        "labeled.csv",
        "second.csv",
        "--label-col",
        "label",
        "--ignore-cols",
        "title",
        "--show-wrong",
    ]);
    r.expect_code(0);
    let out = r.out();
    assert!(out.contains("rows 13  in scope 11"), "{r:?}");
    let groups = out.find("\nper group\n").expect("per-group table");
    let g: Vec<&str> = out[groups..].lines().collect();
    assert!(g[3].trim_start().starts_with("labeled "), "{g:?}");
    assert!(g[4].trim_start().starts_with("second "), "{g:?}");
    assert!(
        out.contains(
            "\nwrong calls (group, id, gold, predicted)\n  labeled\te04\tproduct_owner\tunclear\n"
        ),
        "{r:?}"
    );
}

#[test]
fn missing_label_column_is_a_usage_error() {
    let wd = Workdir::new();
    wd.copy_data("labeled.csv");
    let r = wd.run(&["eval", "labeled.csv", "--label-col", "gold"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty());
    let err = r.err();
    assert!(
        err.contains("\"gold\"") && err.contains("--label-col"),
        "{r:?}"
    );
    assert!(err.contains("3=\"label\""), "lists the columns: {r:?}");
    // --label-col is required.
    wd.run(&["eval", "labeled.csv"]).expect_code(2);
}

#[test]
fn ragged_rows_count_as_errors_in_eval() {
    let wd = Workdir::new();
    wd.create(
        "ev.csv",
        "id,label,description\n\
         1,product_owner,\"As a Product Owner you own the product backlog.\"\n\
         2,product_owner\n",
    );
    let r = wd.run(&[
        "eval",
        "ev.csv",
        "--label-col",
        "label",
        "--json",
        "--lexicon",
        &util::plumb(),
    ]);
    r.expect_code(1);
    let v = r.json();
    assert_eq!(
        v["overall"]["confusion"][0],
        serde_json::json!([1, 0, 0, 0, 0, 1]),
        "{v}"
    );
    assert!(r.err().contains("row 2"), "{r:?}");
}
