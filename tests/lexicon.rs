//! `popm lexicon check/show`, and `--lexicon` / `--extend` on the other commands.

use crate::util::{data_path, root, Workdir};

#[test]
fn default_lexicon_checks_ok() {
    let wd = Workdir::new();
    let path = root().join("lexicon").join("default.toml");
    let path = path.display().to_string();
    let r = wd.run(&["lexicon", "check", &path]);
    r.expect_code(0);
    let out = r.out();
    assert!(out.starts_with(&format!("{path}: ok: ")), "{r:?}");
    assert!(
        out.contains(" PO and ") && out.contains(" PM phrases in "),
        "{r:?}"
    );
    assert!(out.contains("popm-default@"), "{r:?}");
    assert_eq!(out.lines().count(), 1);
    assert_eq!(r.err(), "");
}

#[test]
fn small_lexicons_check_ok() {
    let wd = Workdir::new();
    for name in ["mini.toml", "plumb.toml"] {
        wd.copy_data(name);
        let r = wd.run(&["lexicon", "check", name]);
        r.expect_code(0);
        assert!(r.out().starts_with(&format!("{name}: ok: ")), "{r:?}");
    }
    let r = wd.run(&["lexicon", "check", "mini.toml"]);
    assert!(
        r.out()
            .contains("ok: 1 PO and 1 PM phrases in 2 categories (mini@0.1.0#"),
        "{r:?}"
    );
}

/// Runs `lexicon check` on a broken fixture and returns (stdout, stderr).
fn check_bad(name: &str) -> (String, String) {
    let wd = Workdir::new();
    wd.copy_data(name);
    let r = wd.run(&["lexicon", "check", name]);
    r.expect_code(1);
    assert_eq!(
        r.err(),
        format!("popm: 1 problem in {name}\n"),
        "summary on stderr: {r:?}"
    );
    (r.out(), r.err())
}

#[test]
fn duplicate_phrase_is_reported_with_file_and_line() {
    let (out, _) = check_bad("bad-duplicate.toml");
    // Same phrase after case folding and hyphen → space, same role.
    assert!(
        out.starts_with(
            "bad-duplicate.toml:12: duplicate phrase \"Zorblax-Grooming\" (also at line 11)"
        ),
        "{out}"
    );
}

#[test]
fn phrase_for_both_roles_is_reported() {
    let (out, _) = check_bad("bad-both-roles.toml");
    assert!(
        out.starts_with(
            "bad-both-roles.toml:20: phrase \"zorblax grooming\" is listed for both roles"
        ),
        "{out}"
    );
    assert!(out.contains("po at line 11"), "{out}");
}

#[test]
fn weight_zero_is_reported() {
    let (out, _) = check_bad("bad-weight-zero.toml");
    assert!(
        out.starts_with("bad-weight-zero.toml:12: weight 0"),
        "{out}"
    );
    assert!(out.contains("out of range"), "{out}");
}

#[test]
fn lone_wildcard_is_reported() {
    let (out, _) = check_bad("bad-lone-star.toml");
    assert!(out.starts_with("bad-lone-star.toml:12: "), "{out}");
    assert!(out.contains("wildcard"), "{out}");
}

#[test]
fn syntax_error_is_reported_with_its_line() {
    let (out, _) = check_bad("bad-syntax.toml");
    assert!(out.starts_with("bad-syntax.toml:12: "), "{out}");
}

#[test]
fn a_broken_lexicon_stops_other_commands_with_file_and_line() {
    let wd = Workdir::new();
    wd.copy_data("bad-syntax.toml");
    wd.copy_data("bad-weight-zero.toml");
    wd.copy_data("small.csv");
    let r = wd.run(&["check", "--lexicon", "bad-syntax.toml", "product backlog"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty());
    assert!(r.err().contains("bad-syntax.toml:12:"), "{r:?}");
    let r = wd.run(&["classify", "--extend", "bad-weight-zero.toml", "small.csv"]);
    r.expect_code(2);
    assert!(
        r.stdout.is_empty(),
        "no output with a broken lexicon: {r:?}"
    );
    assert!(r.err().contains("bad-weight-zero.toml:12:"), "{r:?}");
    // A lexicon that does not exist.
    let r = wd.run(&["lexicon", "check", "missing.toml"]);
    r.expect_code(2);
    assert!(r.err().contains("missing.toml"), "{r:?}");
}

#[test]
fn show_filters_by_role_and_category() {
    let wd = Workdir::new();
    let r = wd.run(&["lexicon", "show", "--role", "po", "--category", "backlog"]);
    r.expect_code(0);
    let lines = r.lines();
    assert!(lines[0].starts_with("# popm-default@"), "{r:?}");
    assert_eq!(lines[1], "role\tcategory\tweight\tphrase\tnote");
    let rows = &lines[2..];
    assert!(rows.len() >= 5, "{r:?}");
    for l in rows {
        assert!(l.starts_with("po\tbacklog\t"), "{l:?}");
        assert_eq!(l.split('\t').count(), 5, "{l:?}");
    }
    assert!(
        rows.iter().any(|l| l.contains("\tproduct backlog")),
        "{r:?}"
    );

    let all = wd.run(&["lexicon", "show", "--category", "backlog"]);
    // The default has no PM "backlog" category, so both filters agree.
    assert_eq!(all.stdout, r.stdout);

    let r = wd.run(&["lexicon", "show", "--category", "nope"]);
    r.expect_code(2);
    assert!(
        r.err().contains("backlog") && r.err().contains("role-name"),
        "{r:?}"
    );
}

#[test]
fn show_with_a_replacement_lexicon_lists_only_its_entries() {
    let wd = Workdir::new();
    let r = wd.run(&["lexicon", "show", "--lexicon", &data_path("mini.toml")]);
    r.expect_code(0);
    let lines = r.lines();
    assert!(lines[0].starts_with("# mini@0.1.0#"), "{r:?}");
    assert_eq!(
        &lines[1..],
        [
            "role\tcategory\tweight\tphrase\tnote",
            "po\tritual\t4\tzorblax grooming\t",
            "pm\tvision\t5\tquuxian foresight\t",
        ]
    );
    let r = wd.run(&[
        "lexicon",
        "show",
        "--lexicon",
        &data_path("mini.toml"),
        "--role",
        "pm",
    ]);
    assert_eq!(r.lines().len(), 3);
}

fn po_score(args: &[&str], text: &str) -> (f64, String) {
    let mut all = vec!["check", "--json"];
    all.extend_from_slice(args);
    all.push(text);
    let r = Workdir::new().run(&all);
    r.expect_code(0);
    let v = r.json();
    (
        v["po_score"].as_f64().unwrap(),
        v["lexicon"].as_str().unwrap().to_string(),
    )
}

#[test]
fn extend_adds_and_reweights_phrases() {
    let text = "We do zorblax grooming and keep a product backlog.";
    let (base, base_id) = po_score(&[], text);
    assert_eq!(base, 3.0, "default: only \"product backlog\" (3)");
    assert!(base_id.starts_with("popm-default@"));
    let (ext, ext_id) = po_score(&["--extend", &data_path("extend.toml")], text);
    // product backlog re-weighted to 7, zorblax grooming added at 4.
    assert_eq!(ext, 11.0);
    assert!(ext_id.starts_with("popm-default+extend@"), "{ext_id}");
}

#[test]
fn lexicon_replaces_the_default() {
    let text = "We do zorblax grooming and keep a product backlog.";
    let (score, id) = po_score(&["--lexicon", &data_path("mini.toml")], text);
    assert_eq!(
        score, 4.0,
        "only zorblax grooming; product backlog is unknown"
    );
    assert!(id.starts_with("mini@0.1.0#"), "{id}");
}
