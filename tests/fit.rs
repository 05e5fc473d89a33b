//! `popm learn --fit`: category weights fitted on a small labeled fixture
//! (tests/data/fit-labeled.csv: two sources, `board-a` and `board-b`, each with
//! 6 product_owner, 6 product_manager and 2 `other` postings).

use crate::util::Workdir;

const FIT: &[&str] = &[
    "learn",
    "--fit",
    "fit-labeled.csv",
    "--label-col",
    "label",
    "--ignore-cols",
    "title",
    "--by",
    "source",
];

#[test]
fn fit_reports_leave_one_group_out_figures_and_writes_a_lexicon() {
    let wd = Workdir::new();
    wd.copy_data("fit-labeled.csv");
    let mut args = FIT.to_vec();
    args.extend_from_slice(&["-o", "fitted.toml"]);
    let r = wd.run(&args);
    r.expect_code(0);
    let out = r.out();
    assert!(
        out.starts_with(
            "popm learn --fit: 12 product_owner and 12 product_manager postings in 2 groups"
        ),
        "{out}"
    );
    assert!(out.contains("leave one group out"), "{out}");
    assert!(out.contains("  fitted weights  accuracy "), "{out}");
    assert!(out.contains("  hand weights    accuracy "), "{out}");
    assert!(
        out.contains("lambda chosen per left-out group: board-a "),
        "{out}"
    );
    assert!(out.contains("1 (hand: fewer than 5 postings)"), "{out}");
    assert!(out.contains("wrote fitted.toml"), "{out}");
    let lexicon = String::from_utf8(wd.read("fitted.toml")).unwrap();
    assert!(lexicon.contains("\n[weights.po]\n"), "{lexicon}");
    assert!(lexicon.contains("\n[weights.pm]\n"), "{lexicon}");
    assert!(lexicon.contains("# Category weights fitted by `popm learn --fit`"));
    // The written lexicon is the default one with the table: it parses and classifies.
    wd.run(&["lexicon", "check", "fitted.toml"]).expect_code(0);
    let r = wd.run(&[
        "eval",
        "fit-labeled.csv",
        "--label-col",
        "label",
        "--ignore-cols",
        "title",
        "--lexicon",
        "fitted.toml",
    ]);
    r.expect_code(0);
    assert!(r.out().contains("in scope 24"), "{}", r.out());
    // Refitting the written lexicon replaces its table rather than adding a second one.
    let mut again = FIT.to_vec();
    again.extend_from_slice(&["--lexicon", "fitted.toml", "-o", "refitted.toml"]);
    wd.run(&again).expect_code(0);
    let refitted = String::from_utf8(wd.read("refitted.toml")).unwrap();
    assert_eq!(refitted.matches("[weights.po]").count(), 1, "{refitted}");
}

#[test]
fn without_output_the_lexicon_goes_to_stdout_and_the_figures_to_stderr() {
    let wd = Workdir::new();
    wd.copy_data("fit-labeled.csv");
    let r = wd.run(FIT);
    r.expect_code(0);
    assert!(r.err().contains("leave one group out"), "{}", r.err());
    wd.create("stdout.toml", r.out());
    wd.run(&["lexicon", "check", "stdout.toml"]).expect_code(0);
}

#[test]
fn fit_flags_are_checked() {
    let wd = Workdir::new();
    wd.copy_data("fit-labeled.csv");
    let mut args = FIT.to_vec();
    args.extend_from_slice(&["--top", "5"]);
    wd.run(&args).expect_code(2);
    wd.run(&[
        "learn",
        "fit-labeled.csv",
        "--label-col",
        "label",
        "--by",
        "source",
    ])
    .expect_code(2);
    let mut args = FIT.to_vec();
    args.extend_from_slice(&["--extend", "fitted.toml"]);
    let r = wd.run(&args);
    r.expect_code(2);
    assert!(r.err().contains("--extend"), "{}", r.err());
}
