//! `popm learn`: phrases that separate PO from PM postings, as a table, JSON or a lexicon file.

use crate::util::Workdir;

/// Ten PO and ten PM postings with one distinctive phrase each, and shared filler.
fn labeled(wd: &Workdir) {
    let mut csv = String::from("id,title,description,label\n");
    for i in 0..10 {
        csv.push_str(&format!(
            "po{i},Product Owner,\"Groom the ticket queue with the squad. Office {i} in town.\",product_owner\n"
        ));
        csv.push_str(&format!(
            "pm{i},Product Manager,\"Shape the pricing thesis for investors. Office {i} in town.\",product_manager\n"
        ));
        csv.push_str(&format!(
            "o{i},Scrum Master,\"Facilitate the retro. Office {i} in town.\",other\n"
        ));
    }
    wd.create("labeled.csv", csv);
}

#[test]
fn table_ranks_separating_phrases_per_role() {
    let wd = Workdir::new();
    labeled(&wd);
    let r = wd.run(&["learn", "labeled.csv", "--label-col", "label", "--top", "5"]);
    r.expect_code(0);
    let out = r.out();
    assert!(
        out.starts_with("popm learn: 10 product_owner and 10 product_manager postings"),
        "{out}"
    );
    let po = out.find("PO phrases").unwrap();
    let pm = out.find("PM phrases").unwrap();
    assert!(out[po..pm].contains("ticket queue"), "{out}");
    assert!(out[pm..].contains("pricing thesis"), "{out}");
    assert!(!out.contains("retro"), "other labels are skipped: {out}");
    assert!(
        !out.contains("  town "),
        "shared words do not separate: {out}"
    );
}

#[test]
fn lexicon_format_is_a_valid_extension() {
    let wd = Workdir::new();
    labeled(&wd);
    let r = wd.run(&[
        "learn",
        "labeled.csv",
        "--label-col",
        "label",
        "--format",
        "lexicon",
    ]);
    r.expect_code(0);
    wd.create("learned.toml", r.out());
    wd.run(&["lexicon", "check", "learned.toml"]).expect_code(0);
    let check = wd.run(&[
        "check",
        "--json",
        "--extend",
        "learned.toml",
        "Groom the ticket queue every morning.",
    ]);
    check.expect_code(0);
    let v = check.json();
    assert!(v["po_score"].as_f64().unwrap() > 0.0, "{v}");
    assert_eq!(v["pm_score"], 0.0, "{v}");
    assert_eq!(v["evidence"][0]["category"], "learned", "{v}");
    assert_eq!(
        v["calibrated"], false,
        "an extended lexicon is uncalibrated"
    );
}

#[test]
fn json_has_statistics_and_examples() {
    let wd = Workdir::new();
    labeled(&wd);
    let r = wd.run(&[
        "learn",
        "labeled.csv",
        "--label-col",
        "label",
        "--format",
        "json",
    ]);
    r.expect_code(0);
    let v = r.json();
    let items = v.as_array().unwrap();
    let pricing = items
        .iter()
        .find(|x| x["phrase"] == "pricing thesis")
        .unwrap();
    assert_eq!(pricing["role"], "pm");
    assert!(pricing["z"].as_f64().unwrap() > 0.0);
    assert_eq!(pricing["count_pm"], 10);
    assert_eq!(pricing["count_po"], 0);
    assert_eq!(pricing["docs"], 10);
    assert_eq!(pricing["examples"].as_array().unwrap().len(), 2);
}

#[test]
fn one_role_only_is_a_clear_error() {
    let wd = Workdir::new();
    wd.create(
        "one.csv",
        "id,description,label\n1,Own the backlog,product_owner\n",
    );
    let r = wd.run(&["learn", "one.csv", "--label-col", "label"]);
    r.expect_code(2);
    assert!(r.err().contains("both roles"), "{}", r.err());
}
