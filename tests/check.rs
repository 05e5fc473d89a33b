//! `popm check`: context rules end to end (default lexicon) and the human output.

use crate::util::{self, plumb, sample, Run, Workdir};
use serde_json::Value;

/// `popm check --json TEXT` with the default lexicon.
fn check_json(text: &str) -> Value {
    let r = Workdir::new().run(&["check", "--json", text]);
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["schema_version"], 2, "{v}");
    v
}

/// All evidence matches of `phrase` in a `check --json` result.
fn matches_of<'a>(v: &'a Value, phrase: &str) -> Vec<(&'a Value, &'a Value)> {
    v["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["phrase"] == phrase)
        .flat_map(|e| e["matches"].as_array().unwrap().iter().map(move |m| (e, m)))
        .collect()
}

fn score(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing: {v}"))
}

#[test]
fn colleague_product_manager_is_marked_and_not_counted() {
    let text = "You will work closely with the Product Manager";
    let v = check_json(text);
    let ms = matches_of(&v, "product manager");
    assert_eq!(ms.len(), 1, "{v}");
    let (ev, m) = ms[0];
    assert_eq!(ev["role"], "pm");
    assert_eq!(ev["category"], "role-name");
    assert_eq!(m["mark"], "colleague");
    assert_eq!(m["text"], "Product Manager");
    assert_eq!(m["start"], text.find("Product").unwrap());
    assert_eq!(ev["counted"], 0);
    assert_eq!(ev["contribution"].as_f64(), Some(0.0));
    assert_eq!(score(&v, "pm_score"), 0.0);
    util::assert_offsets(&v, &|_| text.to_string());
}

#[test]
fn self_product_owner_is_marked_and_boosted() {
    let text = "As a Product Owner you own the product backlog";
    let v = check_json(text);
    let ms = matches_of(&v, "product owner");
    assert_eq!(ms.len(), 1, "{v}");
    let (ev, m) = ms[0];
    assert_eq!(m["mark"], "self");
    assert_eq!(
        (m["start"].as_u64(), m["end"].as_u64()),
        (Some(5), Some(18))
    );
    let weight = ev["weight"].as_f64().unwrap();
    let contribution = ev["contribution"].as_f64().unwrap();
    assert!(
        contribution > weight,
        "a self mention counts extra: {contribution} vs weight {weight}"
    );
    let backlog = matches_of(&v, "product backlog");
    assert_eq!(backlog.len(), 1);
    assert_eq!(backlog[0].1["mark"], "plain");
    assert_eq!(v["label"], "product_owner");
    assert_eq!(score(&v, "pm_score"), 0.0);
    assert!(score(&v, "po_score") >= contribution + 3.0 - 1e-9);
}

#[test]
fn role_name_inside_a_markdown_url_gives_no_evidence() {
    let v = check_json("[x](https://a.com/product-manager)");
    assert_eq!(v["evidence"], serde_json::json!([]), "{v}");
    assert_eq!(score(&v, "pm_score"), 0.0);
    assert_eq!(v["label"], "unclear");
    // Controls: the same hyphenated words in prose count, and so does the link
    // text; only the URL is skipped.
    let text = "We need a product-manager. [Product Manager](https://a.com/product-manager)";
    let v = check_json(text);
    let ms = matches_of(&v, "product manager");
    let found: Vec<(&str, u64)> = ms
        .iter()
        .map(|(_, m)| (m["text"].as_str().unwrap(), m["start"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        found,
        [("product-manager", 10), ("Product Manager", 28)],
        "{v}"
    );
    util::assert_offsets(&v, &|_| text.to_string());
}

#[test]
fn html_entities_match_with_offsets_into_the_original_html() {
    let text = "<p>Product&nbsp;Owner</p>";
    let v = check_json(text);
    let ms = matches_of(&v, "product owner");
    assert_eq!(ms.len(), 1, "{v}");
    let m = ms[0].1;
    assert_eq!(m["start"], 3);
    assert_eq!(m["end"], 21);
    assert_eq!(m["text"], "Product&nbsp;Owner");
    assert_eq!(&text[3..21], "Product&nbsp;Owner");
    assert_eq!(v["label"], "product_owner");
    util::assert_offsets(&v, &|_| text.to_string());

    // Tags between words, non-ASCII before the match: byte and char offsets differ.
    let text =
        "<li>Über uns: <strong>Product</strong> <em>Backlog</em> &amp; Sprint&nbsp;Planning</li>";
    let v = check_json(text);
    assert!(v["evidence"].as_array().unwrap().len() >= 2, "{v}");
    util::assert_offsets(&v, &|_| text.to_string());
}

#[test]
fn pm_as_time_of_day_is_not_evidence() {
    let v =
        check_json("The site meeting runs from 7 AM until 5 PM, and on Fridays ends at 3:30 PM.");
    assert!(matches_of(&v, "PM").is_empty(), "{v}");
    assert_eq!(score(&v, "pm_score"), 0.0);
}

#[test]
fn pmp_project_manager_and_lower_case_pm_are_not_evidence() {
    let v = check_json(
        "Project Manager wanted. PMP certification required. Good pm skills; afternoon pm shift.",
    );
    assert_eq!(v["evidence"], serde_json::json!([]), "{v}");
    assert_eq!(score(&v, "pm_score"), 0.0);
    // A posting for a Project Manager: another job, not an unclear one.
    assert_eq!(v["self_role"], "project_manager", "{v}");
    assert_eq!(v["label"], "other");
    // ... while the upper-case abbreviation as a role is (weakly) evidence.
    let v = check_json("You will be the PM for our billing product.");
    let ms = matches_of(&v, "PM");
    assert_eq!(ms.len(), 1, "{v}");
    assert_eq!(ms[0].0["role"], "pm");
}

#[test]
fn negation_cancels_a_match() {
    let v = check_json("This is not a product manager role.");
    let ms = matches_of(&v, "product manager");
    assert_eq!(ms.len(), 1, "{v}");
    assert_eq!(ms[0].1["mark"], "negated");
    assert_eq!(score(&v, "pm_score"), 0.0);
}

#[test]
fn engineer_posting_naming_the_product_manager_as_a_colleague_is_other() {
    let text = "We are hiring a Software Engineer to build the payment APIs of our \
                invoicing app in Rust. You will work closely with the Product Manager \
                and our designers, review pull requests and keep the services reliable.";
    let v = check_json(text);
    assert_eq!(v["self_role"], "engineer", "{v}");
    let ms = matches_of(&v, "product manager");
    assert_eq!(ms.len(), 1, "{v}");
    assert_eq!(ms[0].1["mark"], "colleague");
    assert_eq!(v["label"], "other", "{v}");
    // An `other` call carries the confidence of such calls, not a PO/PM one.
    assert_eq!(v["confidence"].as_f64(), Some(0.987), "{v}");
    util::assert_offsets(&v, &|_| text.to_string());
}

#[test]
fn experience_as_another_job_does_not_name_the_posting_itself() {
    // The Business Analyst comes first, after a self cue ("as a"), but as the
    // experience asked of the hire; the job is the Product Owner named after it.
    let text = "Tidewell builds claims software for insurers in twelve countries, \
                and our teams work from Porto, Bremen and Gdansk.\n\
                We need 5+ years of experience as a Business Analyst.\n\
                As our Product Owner you own the product backlog and write user \
                stories with acceptance criteria for the claims team.";
    let v = check_json(text);
    assert_eq!(v["self_role"], "product_owner", "{v}");
    assert_eq!(v["label"], "product_owner", "{v}");
    // Without the experience cue, "as a Business Analyst" names the job.
    let v = check_json(&text.replace("5+ years of experience as", "you to join us as"));
    assert_eq!(v["self_role"], "business_analyst", "{v}");
}

#[test]
fn experience_on_the_first_line_does_not_name_the_posting_itself() {
    // Experience asked of the hire, on the first line: not the job.
    let v = check_json(
        "We need 5+ years of experience as a Business Analyst.\n\
         In this Product Owner role you own the product backlog and write user stories.",
    );
    assert_eq!(v["self_role"], Value::Null, "{v}");
    assert_eq!(v["label"], "product_owner", "{v}");
    // A Business Analyst posting that asks for Product Owner experience.
    let v = check_json(
        "We are hiring a Business Analyst. You bring 3 years of experience as a \
         Product Owner and write user stories.",
    );
    assert_eq!(v["self_role"], "business_analyst", "{v}");
    assert_eq!(v["label"], "other", "{v}");
}

#[test]
fn title_matches_count_double_and_name_the_title_field() {
    let wd = Workdir::new();
    let r = wd.run(&[
        "check",
        "--json",
        "--title",
        "Product Owner",
        "We keep a product backlog.",
    ]);
    r.expect_code(0);
    let v = r.json();
    let ms = matches_of(&v, "product owner");
    assert_eq!(ms.len(), 1, "{v}");
    assert_eq!(ms[0].1["field"], "title");
    assert_eq!(ms[0].0["contribution"].as_f64(), Some(12.0));
    let backlog = matches_of(&v, "product backlog");
    assert_eq!(backlog[0].1["field"], "text");
    assert_eq!(score(&v, "po_score"), 15.0);
}

fn first_line(r: &Run) -> String {
    r.lines().first().cloned().unwrap_or_default()
}

#[test]
fn human_output_starts_with_the_label_and_color_is_controlled() {
    let wd = Workdir::new();
    let text = "As Product Owner you own the backlog and write user stories";
    let never = wd.run(&["check", "--color", "never", text]);
    never.expect_code(0);
    assert!(
        first_line(&never).starts_with("product_owner  confidence "),
        "{never:?}"
    );
    assert!(
        !never.stdout.contains(&0x1b),
        "escape bytes with --color never"
    );
    let out = never.out();
    assert!(
        out.lines().nth(1).unwrap().starts_with("scores: PO "),
        "{never:?}"
    );
    assert!(out.contains("Product Owner evidence\n"), "{never:?}");
    assert!(out.contains("Product Manager evidence: none"), "{never:?}");
    // Matches are bracketed in the plain snippet.
    assert!(out.contains("[Product Owner]"), "{never:?}");

    // Colour does not depend on the lexicon: the rest uses the fast test lexicon.
    let lex = plumb();
    let plain = wd.run(&["check", "--lexicon", &lex, "--color", "never", text]);
    assert!(!plain.stdout.contains(&0x1b));
    let always = wd.run(&["check", "--lexicon", &lex, "--color", "always", text]);
    always.expect_code(0);
    assert!(
        always.stdout.contains(&0x1b),
        "no escape bytes with --color always"
    );
    assert!(
        first_line(&always).starts_with("\x1b[1mproduct_owner\x1b[0m"),
        "{always:?}"
    );
    // Without the escapes it is the same text, highlighting instead of brackets.
    assert_eq!(
        strip_ansi(&always.out()),
        plain.out().replace(['[', ']'], "")
    );

    // auto: stdout is a pipe here, so no colour.
    let auto = wd.run(&["check", "--lexicon", &lex, text]);
    assert_eq!(auto.stdout, plain.stdout);
    // NO_COLOR does not override an explicit --color always.
    let mut cmd = wd.command(&["check", "--lexicon", &lex, "--color", "always", text]);
    cmd.env("NO_COLOR", "1");
    let forced = util::run_command(&mut cmd, &[], b"");
    assert_eq!(forced.stdout, always.stdout);
}

/// Removes `ESC [ ... m` sequences.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn reads_a_file_and_stdin() {
    let wd = Workdir::new();
    let f = wd.run(&[
        "check",
        "--color",
        "never",
        "-f",
        &sample("description.txt"),
    ]);
    f.expect_code(0);
    assert!(first_line(&f).starts_with("product_owner "), "{f:?}");

    // The colleague Product Manager in description.txt is marked and not counted.
    let text = std::fs::read(sample("description.txt")).unwrap();
    let desc = String::from_utf8(text.clone()).unwrap();
    let v = Workdir::new()
        .run(&["check", "--json", "-f", &sample("description.txt")])
        .json();
    assert_eq!(v["label"], "product_owner");
    let ms = matches_of(&v, "product manager");
    assert!(!ms.is_empty(), "{v}");
    assert!(ms.iter().all(|(_, m)| m["mark"] == "colleague"), "{v}");
    util::assert_offsets(&v, &|_| desc.clone());

    // stdin (no argument, or -f -) reads the same text as -f FILE.
    let lex = plumb();
    let path = sample("description.txt");
    let from_file = wd.run(&["check", "--lexicon", &lex, "--json", "-f", &path]);
    from_file.expect_code(0);
    let stdin = wd.run_with_stdin(&["check", "--lexicon", &lex, "--json"], &text);
    stdin.expect_code(0);
    assert_eq!(stdin.stdout, from_file.stdout);
    let dash = wd.run_with_stdin(&["check", "--lexicon", &lex, "--json", "-f", "-"], &text);
    dash.expect_code(0);
    assert_eq!(dash.stdout, from_file.stdout);
    assert_eq!(from_file.json()["label"], "product_owner");
}

#[test]
fn missing_file_and_conflicting_arguments_are_usage_errors() {
    let wd = Workdir::new();
    let r = wd.run(&["check", "-f", "nope.txt"]);
    r.expect_code(2);
    assert!(r.err().contains("nope.txt"), "{r:?}");
    assert!(r.stdout.is_empty());
    let r = wd.run(&["check", "-f", "a.txt", "some text"]);
    r.expect_code(2);
}
