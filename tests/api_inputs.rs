//! Inputs as APIs and exports give them: JSON on stdin, nested JSON fields,
//! headers in German, French and Dutch, and headers that hold a known name as
//! one word of several.

use crate::util::Workdir;

const PO: &str = "You own the product backlog, write user stories and run sprint planning.";
const PM: &str = "You own the product roadmap, pricing and go-to-market strategy.";

#[test]
fn stdin_format_is_told_from_the_first_bytes() {
    let wd = Workdir::new();
    let jsonl = format!(
        "\u{feff}\n{{\"id\": \"j1\", \"description\": \"{PO}\"}}\n{{\"id\": \"j2\", \"description\": \"{PM}\"}}\n"
    );
    let array = format!(
        "  [{{\"id\": \"j1\", \"description\": \"{PO}\"}},\n {{\"id\": \"j2\", \"description\": \"{PM}\"}}]"
    );
    let csv = format!("id,description\nj1,{PO:?}\nj2,{PM:?}\n");
    for (input, said) in [
        (jsonl.as_str(), "stdin read as JSON Lines"),
        (array.as_str(), "stdin read as a JSON array"),
        (csv.as_str(), "stdin read as CSV"),
    ] {
        let r = wd.classify_with_stdin(&["-"], input.as_bytes());
        r.expect_code(0);
        let t = r.table();
        assert_eq!(t.column("id"), ["j1", "j2"], "{r:?}");
        assert_eq!(
            t.column("label"),
            ["product_owner", "product_manager"],
            "{r:?}"
        );
        assert!(r.err().trim_end().ends_with(said), "{said}: {r:?}");
    }
    // A named file says nothing about its format; --input-format wins on stdin.
    wd.create("p.json", &array);
    let r = wd.classify(&["p.json"]);
    r.expect_code(0);
    assert!(!r.err().contains("read as"), "{r:?}");
    let r = wd.classify_with_stdin(&["-", "--input-format", "csv"], array.as_bytes());
    r.expect_code(2);
    assert!(r.err().contains("no description column found"), "{r:?}");
}

#[test]
fn dotted_paths_read_nested_json_fields() {
    let wd = Workdir::new();
    wd.create(
        "api.jsonl",
        format!(
            "{{\"ref\": \"r1\", \"job\": {{\"title\": \"Product Owner\", \"description\": \"{PO}\", \"company\": {{\"name\": \"Acme\"}}}}}}\n\
             {{\"ref\": \"r2\", \"job\": {{\"title\": \"Product Manager\", \"description\": \"{PM}\", \"company\": {{\"name\": \"Bolt\"}}}}}}\n"
        ),
    );
    let r = wd.classify(&[
        "api.jsonl",
        "--text-col",
        "job.description",
        "--title-col",
        "job.title",
        "--id-col",
        "ref",
        "--keep",
        "job.company.name",
    ]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.column("job.company.name"), ["Acme", "Bolt"], "{r:?}");
    assert_eq!(t.column("id"), ["r1", "r2"]);
    assert_eq!(t.column("label"), ["product_owner", "product_manager"]);
    assert_eq!(t.column("self_role"), ["product_owner", "product_manager"]);
    // A path that is not there names the paths one level down.
    let r = wd.classify(&["api.jsonl", "--text-col", "job.body"]);
    r.expect_code(2);
    assert!(
        r.err()
            .contains("no column or path \"job.body\" for --text-col")
            && r.err().contains("job.title, job.description, job.company"),
        "{r:?}"
    );
}

#[test]
fn usual_names_are_found_one_level_down_with_a_note() {
    let wd = Workdir::new();
    wd.create(
        "nested.json",
        format!(
            "[{{\"job\": {{\"id\": 7, \"title\": \"Product Owner\", \"description\": \"{PO}\"}}}},\n \
             {{\"job\": {{\"id\": 8, \"title\": \"Product Manager\", \"description\": \"{PM}\"}}}}]"
        ),
    );
    let r = wd.classify(&["nested.json"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.column("id"), ["7", "8"], "{r:?}");
    assert_eq!(t.column("label"), ["product_owner", "product_manager"]);
    for (what, path) in [
        ("text", "job.description"),
        ("title", "job.title"),
        ("id", "job.id"),
    ] {
        let note = format!("popm: note: nested.json: the {what} is read from {path}");
        assert!(r.err().contains(&note), "{note}: {r:?}");
    }
    // A text key whose value is an object is read at its text inside.
    wd.create(
        "content.jsonl",
        format!("{{\"id\": \"c1\", \"content\": {{\"plain\": \"{PO}\", \"lang\": \"en\"}}}}\n"),
    );
    let r = wd.classify(&["content.jsonl"]);
    r.expect_code(0);
    assert_eq!(r.table().column("label"), ["product_owner"], "{r:?}");
    assert!(
        r.err().contains("the text is read from content.plain"),
        "{r:?}"
    );
    let r = wd.classify(&["-q", "content.jsonl"]);
    assert!(r.err().is_empty(), "-q silences the note: {r:?}");
}

#[test]
fn german_french_and_dutch_headers_are_recognised() {
    let wd = Workdir::new();
    for (name, header) in [
        ("de.csv", "Stellen-ID;Titel;Stellenbeschreibung"),
        ("de2.csv", "ID;Stellenbezeichnung;Beschreibung"),
        ("fr.csv", "id;Intitulé du poste;Description du poste"),
        ("nl.csv", "id;Functietitel;Functieomschrijving"),
        ("nl2.csv", "id;titel;omschrijving"),
    ] {
        wd.create(
            name,
            format!("{header}\n1;Product Owner;{PO}\n2;Product Manager;{PM}\n"),
        );
        let r = wd.classify(&[name]);
        r.expect_code(0);
        let t = r.table();
        assert_eq!(
            t.column("label"),
            ["product_owner", "product_manager"],
            "{name}: {r:?}"
        );
        assert_eq!(
            t.column("self_role"),
            ["product_owner", "product_manager"],
            "{name}: {r:?}"
        );
    }
}

#[test]
fn a_header_holding_a_known_word_is_the_text_when_it_is_the_only_one() {
    let wd = Workdir::new();
    wd.create(
        "word.csv",
        format!("posting_id,job_description_text,Job Title (EN)\np1,{PO:?},Product Owner\n"),
    );
    let r = wd.classify(&["word.csv"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.column("label"), ["product_owner"], "{r:?}");
    assert_eq!(t.column("self_role"), ["product_owner"], "{r:?}");
    wd.create(
        "two.csv",
        format!("Job Description (full),company_description\n{PO:?},We build payments.\n"),
    );
    let r = wd.classify(&["two.csv", "-o", "out.csv"]);
    r.expect_code(2);
    assert!(
        r.err().contains(
            "two columns could be the posting's text, \"Job Description (full)\" (column 1) \
             and \"company_description\" (column 2); choose one with --text-col"
        ),
        "{r:?}"
    );
    assert!(!wd.path().join("out.csv").exists());
    let r = wd.classify(&["two.csv", "--text-col", "Job Description (full)"]);
    r.expect_code(0);
    assert_eq!(r.table().column("label"), ["product_owner"], "{r:?}");
    let r = wd.classify(&["two.csv", "--ignore-cols", "company_description"]);
    r.expect_code(0);
    assert_eq!(r.table().column("label"), ["product_owner"], "{r:?}");
}
