//! The HTML report (`classify -o report.html`, `popm report`, `check --html`)
//! as files: one self-contained page, its data complete and escaped, its
//! policy naming exactly its own script and style. The browser checks are in
//! `browser.rs`.

use popm::report::html::csp::hash_source;
use serde_json::Value;

use crate::util::{parse_table, sample, Workdir};

/// The text between `open` and the next `close` after it.
fn between<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    let start = s.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    let len = s[start..]
        .find(close)
        .unwrap_or_else(|| panic!("no {close}"));
    &s[start..start + len]
}

/// The report's embedded data, parsed.
fn data_of(html: &str) -> Value {
    let raw = between(
        html,
        "<script type=\"application/json\" id=\"popm-data\">",
        "</script>",
    );
    for c in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
        assert!(!raw.contains(c), "{c:?} in the embedded data");
    }
    serde_json::from_str(raw).expect("the embedded data is JSON")
}

/// Hostile fields: markup, attribute break-outs, script links, separators.
const HOSTILE_CSV: &str = "id,title,description\n\
    x1,\"<script>document.title='pwned'</script>Product Owner\",\"We need a Product Owner for the product backlog. \
    </script><script>window.pwned=1</script> \"\"><img src=x onerror=alert(1)> \
    <a href=\"\"javascript:alert(1)\"\">Product Manager link</a> \u{2028}\"\n";

#[test]
fn classify_writes_one_self_contained_page_with_every_row() {
    let wd = Workdir::new();
    let postings = sample("postings.csv");
    wd.run(&[
        "classify", &postings, "--keep", "title", "-q", "-o", "r.csv",
    ])
    .expect_code(0);
    wd.run(&[
        "classify",
        &postings,
        "--keep",
        "title",
        "-q",
        "-o",
        "report.html",
    ])
    .expect_code(0);
    let html = String::from_utf8(wd.read("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing is fetched: no tag has a source or a link (input text is escaped,
    // so every `<` opens one of popm's own tags), and the style loads nothing.
    for tag in html.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        assert!(!tag.contains(" src=") && !tag.contains(" href="), "<{tag}>");
    }
    let style = between(&html, "<style>", "</style>");
    assert!(!style.contains("@import") && !style.contains("url("));
    let data = data_of(&html);
    let table = parse_table(&wd.read("r.csv"), b',');
    let rows = data["rows"].as_array().unwrap();
    assert_eq!(rows.len(), table.rows.len());
    let labels = data["labels"].as_array().unwrap();
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0], table.get(i, "id"));
        assert_eq!(row[1][0], table.get(i, "title"));
        let label = &labels[row[2].as_u64().unwrap() as usize];
        assert_eq!(label, table.get(i, "label"));
    }
    assert_eq!(data["columns"], serde_json::json!(["title"]));
    assert_eq!(data["text"], "full");
    // Every posting's details hold its text.
    assert!(data["details"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["t"].is_array()));
    // The summary band is drawn as SVG in the file.
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 7);
    assert!(html.contains("popm-default@"), "lexicon identity");
    assert!(html.contains("--min-score"), "settings");
}

#[test]
fn the_policy_allows_exactly_the_inline_script_and_style() {
    let wd = Workdir::new();
    wd.run(&["classify", &sample("postings.csv"), "-q", "-o", "r.html"])
        .expect_code(0);
    let html = String::from_utf8(wd.read("r.html")).unwrap();
    let policy = between(
        &html,
        "http-equiv=\"Content-Security-Policy\" content=\"",
        "\"",
    );
    let style = between(&html, "<style>", "</style>");
    let script = between(&html, "</script>\n<script>", "</script>");
    assert!(policy.starts_with("default-src 'none'; "), "{policy}");
    assert!(
        policy.contains(&format!("script-src {};", hash_source(script))),
        "{policy}"
    );
    assert!(
        policy.contains(&format!("style-src {};", hash_source(style))),
        "{policy}"
    );
    assert!(!policy.contains("unsafe"), "{policy}");
    assert_eq!(html.matches("<script").count(), 2);
}

#[test]
fn hostile_fields_never_appear_as_markup() {
    let wd = Workdir::new();
    wd.create("hostile.csv", HOSTILE_CSV);
    wd.run(&[
        "classify",
        "hostile.csv",
        "--keep",
        "title",
        "-q",
        "-o",
        "h.html",
    ])
    .expect_code(0);
    wd.run(&[
        "classify",
        "hostile.csv",
        "--keep",
        "title",
        "-q",
        "-o",
        "h.jsonl",
    ])
    .expect_code(0);
    wd.run(&["report", "h.jsonl", "-q", "-o", "hj.html"])
        .expect_code(0);
    wd.run(&[
        "check",
        "-f",
        "hostile.csv",
        "--html",
        "c.html",
        "--color",
        "never",
    ])
    .expect_code(0);
    for page in ["h.html", "hj.html", "c.html"] {
        let html = String::from_utf8(wd.read(page)).unwrap();
        for raw in [
            "<img",
            "<a ",
            "document.title='pwned'</script>",
            "<script>window",
        ] {
            assert!(!html.contains(raw), "{page} holds {raw}");
        }
    }
    let data = data_of(&String::from_utf8(wd.read("h.html")).unwrap());
    assert!(data["rows"][0][1][0]
        .as_str()
        .unwrap()
        .starts_with("<script>document.title"));
    let c = String::from_utf8(wd.read("c.html")).unwrap();
    assert!(
        c.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "shown as text"
    );
}

#[test]
fn report_reads_every_result_format_and_says_what_each_leaves_out() {
    let wd = Workdir::new();
    let postings = sample("postings.csv");
    for ext in ["csv", "tsv", "jsonl", "xlsx"] {
        let out = format!("r.{ext}");
        wd.run(&["classify", &postings, "--keep", "title", "-q", "-o", &out])
            .expect_code(0);
        let page = format!("{ext}.html");
        let run = wd.run(&["report", &out, "-o", &page]);
        run.expect_code(0);
        assert!(run.err().contains("report of 16 postings"), "{}", run.err());
        let html = String::from_utf8(wd.read(&page)).unwrap();
        let data = data_of(&html);
        assert_eq!(data["rows"].as_array().unwrap().len(), 16, "{ext}");
        assert_eq!(data["columns"][0], "title", "{ext}");
        if ext == "jsonl" {
            assert_eq!(data["text"], "snippets");
            assert!(html.contains("each match is shown in its snippet"));
            // Snippets carry their matches, with contributions.
            assert!(data["details"][0]["t"][0][1].to_string().contains("[\""));
            assert!(data["details"][0]["e"][0][3].is_number());
        } else {
            assert_eq!(data["text"], "none", "{ext}");
            assert!(html.contains("carry phrases and counts only"), "{ext}");
            assert!(data["details"][0]["e"][0][3].is_null(), "{ext}");
        }
    }
    // The lexicon comes from the results: JSON Lines always name it, CSV with --provenance.
    let jsonl = String::from_utf8(wd.read("jsonl.html")).unwrap();
    assert!(
        jsonl.contains("<th>lexicon</th><td>popm-default@"),
        "lexicon of JSON Lines"
    );
    let csv = String::from_utf8(wd.read("csv.html")).unwrap();
    assert!(
        csv.contains("not recorded in the results"),
        "lexicon of plain CSV"
    );
    wd.run(&["classify", &postings, "--provenance", "-q", "-o", "p.csv"])
        .expect_code(0);
    wd.run(&["report", "p.csv", "-q", "-o", "p.html"])
        .expect_code(0);
    let p = String::from_utf8(wd.read("p.html")).unwrap();
    assert!(
        p.contains("<th>lexicon</th><td>popm-default@"),
        "lexicon of --provenance CSV"
    );
    // Several results add up; a mix says what the poorest leaves out.
    wd.run(&["report", "r.jsonl", "r.csv", "-q", "-o", "both.html"])
        .expect_code(0);
    let data = data_of(&String::from_utf8(wd.read("both.html")).unwrap());
    assert_eq!(data["rows"].as_array().unwrap().len(), 32);
    assert_eq!(data["text"], "none");
}

#[test]
fn a_file_that_is_not_a_result_is_refused_and_nothing_is_written() {
    let wd = Workdir::new();
    wd.create(
        "postings.csv",
        "id,description\n1,We need a Product Owner.\n",
    );
    wd.create("report.html", "old");
    let run = wd.run(&["report", "postings.csv", "-o", "report.html"]);
    run.expect_code(2);
    assert!(run.err().contains("not a popm result"), "{}", run.err());
    assert!(run.err().contains("`label`"), "{}", run.err());
    assert_eq!(wd.read("report.html"), b"old");
    assert_eq!(wd.listing(), ["postings.csv", "report.html"]);
}

#[test]
fn check_html_marks_every_match_in_the_file() {
    let wd = Workdir::new();
    let text = "We are looking for a Product Owner to own the product backlog. \
                You will work closely with our Product Manager.";
    let run = wd.run(&["check", text, "--html", "one.html", "--color", "never"]);
    run.expect_code(0);
    assert!(
        run.out().starts_with("product_owner"),
        "the explanation still prints"
    );
    let html = String::from_utf8(wd.read("one.html")).unwrap();
    assert!(html.contains("script-src 'none'"));
    assert!(!html.contains("<script"));
    assert!(html.contains(">Product Owner</mark>"));
    assert!(html.contains(">product backlog</mark>"));
    // The colleague mention is marked as not counted.
    let colleague = between(&html, "<mark class=\"hl pm m-c\"", "</mark>");
    assert!(colleague.ends_with(">Product Manager"), "{colleague}");
    // `-` writes the page to stdout instead of the explanation.
    let run = wd.run(&["check", text, "--html", "-"]);
    run.expect_code(0);
    assert!(run.out().starts_with("<!DOCTYPE html>"));
}

#[test]
fn format_html_is_chosen_by_flag_or_extension_and_refuses_csv_flags() {
    let wd = Workdir::new();
    let postings = sample("postings.csv");
    let run = wd.run(&["classify", &postings, "-q", "--format", "html"]);
    run.expect_code(0);
    assert!(run.out().starts_with("<!DOCTYPE html>"));
    wd.run(&["classify", &postings, "-q", "-o", "r.htm"])
        .expect_code(0);
    assert!(wd.read("r.htm").starts_with(b"<!DOCTYPE html>"));
    let run = wd.run(&["classify", &postings, "--excel", "-o", "r.html"]);
    run.expect_code(2);
    assert!(run.err().contains("not HTML"), "{}", run.err());
}

#[test]
fn report_reads_stdin_once_and_writes_stdout() {
    let wd = Workdir::new();
    let run = wd.run(&[
        "classify",
        &sample("postings.csv"),
        "-q",
        "--format",
        "jsonl",
    ]);
    run.expect_code(0);
    let piped = wd.run_with_stdin(&["report", "-", "-q"], &run.stdout);
    piped.expect_code(0);
    let html = piped.out();
    assert!(html.contains("<p class=\"sub\">&lt;stdin&gt; · lexicon popm-default@"));
    assert_eq!(data_of(&html)["rows"].as_array().unwrap().len(), 16);
    let twice = wd.run_with_stdin(&["report", "-", "-", "-o", "r.html"], &run.stdout);
    twice.expect_code(2);
    assert!(twice.err().contains("read only once"), "{}", twice.err());
    assert!(!wd.file("r.html").exists());
}
