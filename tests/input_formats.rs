//! Input formats and encodings: the real binary reads Windows-1252, UTF-16,
//! JSON Lines, JSON arrays and `.xlsx` workbooks, and gives the same labels
//! for the same postings whatever the format.

use crate::util::{Run, Table, Workdir};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::{json, Value};

/// The postings every fixture holds: id, title, description. The texts use
/// characters that differ between encodings (é, €, en dash, curly quotes).
const POSTINGS: &[(&str, &str, &str)] = &[
    (
        "p1",
        "Product Owner – Payments",
        "As a Product Owner you own the product backlog, write user stories with \
         acceptance criteria and run sprint planning. Café culture, “hybrid” work.",
    ),
    (
        "p2",
        "Product Manager, Growth",
        "We are hiring a Product Manager to set the product vision and the product \
         strategy: market research, pricing and go to market. Salary €70,000.",
    ),
    (
        "p3",
        "Data Engineer",
        "Build data pipelines in Python and SQL; “clean” data, naïve café jokes.",
    ),
    (
        "p4",
        "Product Owner / Product Manager",
        "Own the product strategy and roadmap – and the product backlog with \
         acceptance criteria and the sprint review.",
    ),
];

/// The postings as rows, header first.
fn rows() -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "id".to_string(),
        "title".to_string(),
        "description".to_string(),
    ]];
    rows.extend(
        POSTINGS
            .iter()
            .map(|(i, t, d)| vec![i.to_string(), t.to_string(), d.to_string()]),
    );
    rows
}

/// The postings as UTF-8 text with `delimiter`.
fn delimited(delimiter: u8) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for r in rows() {
        w.write_record(&r).expect("write row");
    }
    String::from_utf8(w.into_inner().expect("finish")).expect("UTF-8")
}

/// The postings as JSON objects.
fn objects() -> Vec<Value> {
    POSTINGS
        .iter()
        .map(|(i, t, d)| json!({"id": i, "title": t, "description": d}))
        .collect()
}

fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut v = vec![0xff, 0xfe];
    v.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    v
}

fn utf16be_bom(text: &str) -> Vec<u8> {
    let mut v = vec![0xfe, 0xff];
    v.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    v
}

fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable, "fixture text must fit Windows-1252");
    bytes.into_owned()
}

/// Writes the postings to `name` as a workbook: first sheet `first` (with
/// something else in it when it is not "Jobs"), then "Jobs" when needed.
fn write_workbook(wd: &Workdir, name: &str, notes_first: bool) -> String {
    let path = wd.file(name);
    let mut wb = Workbook::new();
    if notes_first {
        let notes = wb.add_worksheet().set_name("Notes").expect("sheet name");
        notes.write(0, 0, "remark").expect("cell");
        notes.write(1, 0, "exported by hand").expect("cell");
    }
    let ws = wb.add_worksheet().set_name("Jobs").expect("sheet name");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["id", "title", "description", "posted", "openings"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *h).expect("header cell");
    }
    for (r, (id, title, desc)) in POSTINGS.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write(r, 0, *id).expect("cell");
        ws.write(r, 1, *title).expect("cell");
        ws.write(r, 2, *desc).expect("cell");
        let d = ExcelDateTime::from_ymd(2024, 3, r as u8).expect("date");
        ws.write_datetime_with_format(r, 3, &d, &date)
            .expect("date cell");
        ws.write(r, 4, r as f64).expect("number cell");
    }
    wb.save(&path).expect("save workbook");
    path.display().to_string()
}

/// `id → label` of a CSV output.
fn labels(t: &Table) -> Vec<(String, String)> {
    t.column("id")
        .into_iter()
        .zip(t.column("label"))
        .map(|(i, l)| (i.to_string(), l.to_string()))
        .collect()
}

/// The classification columns (everything but kept columns), per row.
fn results(t: &Table) -> Vec<Vec<String>> {
    let cols = [
        "id",
        "label",
        "confidence",
        "lean",
        "po_evidence",
        "pm_evidence",
    ];
    (0..t.rows.len())
        .map(|r| cols.iter().map(|c| t.get(r, c).to_string()).collect())
        .collect()
}

/// The run on the plain UTF-8 CSV, the reference for the other formats.
fn reference(wd: &Workdir) -> Table {
    wd.create("ref.csv", delimited(b','));
    let r = wd.classify(&["-q", "ref.csv", "--keep", "title"]);
    r.expect_code(0);
    r.table()
}

#[track_caller]
fn assert_same_postings(r: &Run, reference: &Table) {
    let t = r.table();
    assert_eq!(results(&t), results(reference), "{r:?}");
    assert_eq!(
        t.column("title"),
        reference.column("title"),
        "kept titles: {r:?}"
    );
}

#[test]
fn reference_labels_are_distinct() {
    let wd = Workdir::new();
    let t = reference(&wd);
    let l = labels(&t);
    assert_eq!(l[0], ("p1".into(), "product_owner".into()));
    assert_eq!(l[1], ("p2".into(), "product_manager".into()));
    assert_eq!(t.get(0, "title"), "Product Owner – Payments");
}

#[test]
fn windows_1252_csv_is_decoded_with_a_warning() {
    let wd = Workdir::new();
    let reference = reference(&wd);
    wd.create("legacy.csv", windows_1252(&delimited(b';')));
    let r = wd.classify(&["legacy.csv", "--keep", "title"]);
    r.expect_code(0);
    assert_same_postings(&r, &reference);
    let err = r.err();
    assert!(
        err.contains("legacy.csv: decoded as windows-1252") && err.contains("--encoding"),
        "{r:?}"
    );
    assert!(!err.contains("U+FFFD"), "no replacement characters: {r:?}");
    // The evidence snippets quote the decoded text.
    let r = wd.classify(&["-q", "legacy.csv", "--format", "jsonl"]);
    let rows = r.jsonl();
    let text = rows[0].to_string();
    assert!(text.contains("Café culture, “hybrid”"), "{text}");
    assert_eq!(rows[0]["kept"], Value::Null);
}

#[test]
fn utf16le_tab_separated_excel_unicode_text() {
    let wd = Workdir::new();
    let reference = reference(&wd);
    // Excel's "Unicode text" export: UTF-16 LE with a BOM, TAB-separated, .txt.
    wd.create(
        "export.txt",
        utf16le_bom(&delimited(b'\t').replace('\n', "\r\n")),
    );
    let r = wd.classify(&["export.txt", "--keep", "title"]);
    r.expect_code(0);
    assert_same_postings(&r, &reference);
    assert!(!r.err().contains("warning:"), "{r:?}");
}

#[test]
fn utf16be_with_bom() {
    let wd = Workdir::new();
    let reference = reference(&wd);
    wd.create("be.csv", utf16be_bom(&delimited(b',')));
    let r = wd.classify(&["-q", "be.csv", "--keep", "title"]);
    r.expect_code(0);
    assert_same_postings(&r, &reference);
}

#[test]
fn explicit_encoding_labels() {
    let wd = Workdir::new();
    let reference = reference(&wd);
    wd.create("latin.csv", windows_1252(&delimited(b',')));
    let r = wd.classify(&["latin.csv", "--keep", "title", "--encoding", "latin1"]);
    r.expect_code(0);
    assert_same_postings(&r, &reference);
    assert!(!r.err().contains("warning:"), "no guess, so no note: {r:?}");
    // ISO-8859-15 puts € at 0xA4 (Windows-1252 has ¤ there).
    wd.create("l9.csv", b"id,description\nx1,Budget \xa4 5\n");
    let r = wd.classify(&[
        "-q",
        "l9.csv",
        "--keep",
        "description",
        "--encoding",
        "iso-8859-15",
    ]);
    r.expect_code(0);
    assert_eq!(r.table().get(0, "description"), "Budget € 5");
    // UTF-8 read as UTF-8 explicitly: unchanged.
    let r = wd.classify(&["-q", "ref.csv", "--keep", "title", "--encoding", "UTF-8"]);
    assert_same_postings(&r, &reference);
}

#[test]
fn unknown_encoding_label_is_a_usage_error() {
    let wd = Workdir::new();
    wd.create("ref.csv", delimited(b','));
    let r = wd.classify(&["ref.csv", "--encoding", "klingon"]);
    r.expect_code(2);
    let err = r.err();
    assert!(
        err.contains("\"klingon\"") && err.contains("utf-8") && err.contains("windows-1252"),
        "{r:?}"
    );
    assert!(r.stdout.is_empty(), "{r:?}");
}

#[test]
fn jsonl_bad_lines_become_error_rows() {
    let wd = Workdir::new();
    let reference = reference(&wd);
    let objs = objects();
    let lines = [
        objs[0].to_string(),
        "{\"id\": \"broken\", \"description\": ".to_string(), // line 2: invalid JSON
        objs[1].to_string(),
        String::new(),                     // line 4: blank, skipped
        "[\"an\", \"array\"]".to_string(), // line 5: not an object
        objs[2].to_string(),
        objs[3].to_string(),
    ];
    wd.create("feed.jsonl", lines.join("\n") + "\n");
    let r = wd.classify(&["feed.jsonl", "--keep", "title"]);
    r.expect_code(1);
    let t = r.table();
    assert_eq!(t.rows.len(), 6, "one output row per non-blank line: {r:?}");
    assert_eq!(t.get(1, "label"), "error");
    assert_eq!(t.get(1, "id"), "2", "the row number stands in for the id");
    let e1 = t.get(1, "error");
    assert!(e1.contains("line 2 is not valid JSON"), "{e1}");
    assert_eq!(t.get(3, "label"), "error");
    assert!(t.get(3, "error").contains("line 5 is an array"), "{r:?}");
    let good: Vec<Vec<String>> = [0, 2, 4, 5]
        .iter()
        .map(|&i| results(&t)[i].clone())
        .collect();
    assert_eq!(good, results(&reference));
    let err = r.err();
    assert!(
        err.contains("feed.jsonl:2: row 2:") && err.contains("feed.jsonl:5: row 4:"),
        "warnings name file and line: {r:?}"
    );
    assert!(err.contains("2 error"), "{r:?}");
}

#[test]
fn jsonl_from_stdin_needs_input_format() {
    let wd = Workdir::new();
    let reference = reference(&wd);
    let text: String = objects().iter().map(|o| o.to_string() + "\n").collect();
    let r = wd.classify_with_stdin(
        &["-q", "-", "--input-format", "jsonl", "--keep", "title"],
        text.as_bytes(),
    );
    r.expect_code(0);
    assert_same_postings(&r, &reference);
}

#[test]
fn json_array_of_objects() {
    let wd = Workdir::new();
    let reference = reference(&wd);
    let mut objs = objects();
    // Non-string values become text; keys after the first object's are looked up by name.
    objs[1] = json!({"description": POSTINGS[1].2, "id": "p2", "title": POSTINGS[1].1,
                     "salary": 70000, "remote": true, "tags": ["pm", "growth"]});
    objs[2]["id"] = json!("p3");
    objs[3] = json!({"id": "p4", "title": POSTINGS[3].1, "description": POSTINGS[3].2,
                     "extra": null});
    let pretty = serde_json::to_string_pretty(&Value::Array(objs)).expect("JSON");
    wd.create("scrape.json", &pretty);
    let r = wd.classify(&["-q", "scrape.json", "--keep", "title"]);
    r.expect_code(0);
    assert_same_postings(&r, &reference);
    // A number as the id column is written as it is.
    wd.create(
        "nums.json",
        r#"[{"id": 101, "description": "Own the product backlog", "score": 2.5, "meta": {"a": [1, null]}, "flag": false, "none": null}]"#,
    );
    let r = wd.classify(&["-q", "nums.json", "--keep-all"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.get(0, "id"), "101");
    assert_eq!(t.get(0, "score"), "2.5");
    assert_eq!(t.get(0, "meta"), r#"{"a":[1,null]}"#);
    assert_eq!(t.get(0, "flag"), "false");
    assert_eq!(t.get(0, "none"), "");
}

#[test]
fn json_array_with_a_non_object_element_and_invalid_json() {
    let wd = Workdir::new();
    wd.create(
        "mixed.json",
        r#"[{"id": "a", "description": "Own the product backlog"}, "oops", {"id": "c", "description": "pricing"}]"#,
    );
    let r = wd.classify(&["mixed.json"]);
    r.expect_code(1);
    let t = r.table();
    assert_eq!(t.rows.len(), 3, "{r:?}");
    assert_eq!(t.get(1, "label"), "error");
    assert!(
        t.get(1, "error")
            .contains("element 2 of the JSON array is a string"),
        "{r:?}"
    );
    // An element that is not valid JSON is one error row; the others are read.
    wd.create(
        "bad.json",
        "[\n  {\"id\": \"a\", \"description\": \"x\"},\n  {\"id\": },\n  {\"id\": \"c\"}\n]\n",
    );
    let r = wd.classify(&["bad.json"]);
    r.expect_code(1);
    let t = r.table();
    assert_eq!(t.column("id"), ["a", "2", "c"], "{r:?}");
    assert!(
        t.get(1, "error")
            .starts_with("element 2 of the JSON array (line 3, byte 39) is not valid JSON"),
        "{r:?}"
    );
    // A break in the array itself stops the run: its line and byte, exit 2, no output file.
    wd.create(
        "broken.json",
        "[\n  {\"id\": \"a\", \"description\": \"x\"}\n  {\"id\": \"b\"}\n]\n",
    );
    let r = wd.classify(&["broken.json", "-o", "out.csv"]);
    r.expect_code(2);
    assert!(
        r.err()
            .contains("broken.json:3: expected , or ] after element 1, found '{' (byte 38)"),
        "{r:?}"
    );
    assert!(!wd.path().join("out.csv").exists(), "{r:?}");
}

#[test]
fn xlsx_input_first_sheet() {
    let wd = Workdir::new();
    let reference = reference(&wd);
    let path = write_workbook(&wd, "jobs.xlsx", false);
    let r = wd.classify(&["-q", &path, "--keep", "title,posted,openings"]);
    r.expect_code(0);
    assert_same_postings(&r, &reference);
    let t = r.table();
    assert_eq!(
        t.column("posted"),
        ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"]
    );
    assert_eq!(t.column("openings"), ["1", "2", "3", "4"], "no spurious .0");
}

#[test]
fn xlsx_sheet_flag_and_unknown_sheet() {
    let wd = Workdir::new();
    let reference = reference(&wd);
    let path = write_workbook(&wd, "book.xlsx", true);
    // The first sheet has no description column.
    let r = wd.classify(&[&path]);
    r.expect_code(2);
    assert!(r.err().contains("remark"), "{r:?}");
    let r = wd.classify(&["-q", &path, "--sheet", "Jobs", "--keep", "title"]);
    r.expect_code(0);
    assert_same_postings(&r, &reference);
    let r = wd.classify(&[&path, "--sheet", "Postings"]);
    r.expect_code(2);
    let err = r.err();
    assert!(
        err.contains("\"Postings\"")
            && err.contains("\"Notes\", \"Jobs\"")
            && err.contains("--sheet"),
        "{r:?}"
    );
    assert!(r.stdout.is_empty(), "{r:?}");
}

#[test]
fn input_format_overrides_the_extension() {
    let wd = Workdir::new();
    let reference = reference(&wd);
    let text: String = objects().iter().map(|o| o.to_string() + "\n").collect();
    wd.create("feed.txt", &text);
    let r = wd.classify(&[
        "-q",
        "feed.txt",
        "--input-format",
        "jsonl",
        "--keep",
        "title",
    ]);
    r.expect_code(0);
    assert_same_postings(&r, &reference);
    // A CSV misnamed .json reads as CSV when told.
    wd.create("really-csv.json", delimited(b','));
    let r = wd.classify(&[
        "-q",
        "really-csv.json",
        "--input-format",
        "csv",
        "--keep",
        "title",
    ]);
    r.expect_code(0);
    assert_same_postings(&r, &reference);
    // Without the flag, the extension wins and the error says what to do.
    let r = wd.classify(&["really-csv.json"]);
    r.expect_code(2);
    assert!(r.err().contains("--input-format csv"), "{r:?}");
    // A workbook saved under another name.
    let book = write_workbook(&wd, "book.xlsx", false);
    std::fs::rename(&book, wd.file("book.dat")).expect("rename");
    let r = wd.classify(&[
        "-q",
        "book.dat",
        "--input-format",
        "xlsx",
        "--keep",
        "title",
    ]);
    r.expect_code(0);
    assert_same_postings(&r, &reference);
    // An unknown format is refused by the argument parser.
    wd.classify(&["feed.txt", "--input-format", "xml"])
        .expect_code(2);
}

#[test]
fn same_labels_from_csv_jsonl_json_and_xlsx() {
    let wd = Workdir::new();
    let csv = reference(&wd);
    let objs = objects();
    wd.create(
        "p.jsonl",
        objs.iter()
            .map(|o| o.to_string() + "\n")
            .collect::<String>(),
    );
    wd.create("p.json", Value::Array(objs).to_string());
    wd.create("p.tsv", delimited(b'\t'));
    wd.create("p-1252.csv", windows_1252(&delimited(b',')));
    wd.create("p-16.csv", utf16le_bom(&delimited(b',')));
    let xlsx = write_workbook(&wd, "p.xlsx", false);
    for input in [
        "p.jsonl",
        "p.json",
        "p.tsv",
        "p-1252.csv",
        "p-16.csv",
        xlsx.as_str(),
    ] {
        let r = wd.classify(&["-q", input, "--keep", "title"]);
        r.expect_code(0);
        assert_same_postings(&r, &csv);
        assert_eq!(labels(&r.table()), labels(&csv), "{input}");
    }
    // All at once: one table with a file column, the same labels per file.
    let r = wd.classify(&["-q", "ref.csv", "p.jsonl", "p.json", &xlsx]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.rows.len(), 4 * POSTINGS.len());
    let per_file: Vec<&[Vec<String>]> = t.rows.chunks(POSTINGS.len()).collect();
    let label = t.col("label");
    for chunk in &per_file[1..] {
        let a: Vec<&str> = chunk.iter().map(|r| r[label].as_str()).collect();
        let b: Vec<&str> = per_file[0].iter().map(|r| r[label].as_str()).collect();
        assert_eq!(a, b);
    }
}

/// Postings over 1 MiB of JSON text are read from their text without building
/// JSON values (to keep a huge description cheap); they must give exactly
/// what the same postings give as CSV, escapes and nested paths included.
#[test]
fn json_objects_over_a_mebibyte_read_as_csv_does() {
    let wd = Workdir::new();
    // Escapes JSON writes (quotes, back slashes, new lines, tabs) and text it
    // does not (é, curly quotes, an emoji), around lexicon phrases.
    let filler =
        "Notes:\t“quoted” \"text\" with a \\ back slash, café 😀.\nWe write user stories. ";
    let big = format!(
        "As a Product Owner you own the product backlog. {}",
        filler.repeat((1 << 20) / filler.len() + 10)
    );
    assert!(big.len() > 1 << 20);
    let postings = [
        ("a1", "Product Owner", big.as_str()),
        ("a2", "Product Manager", POSTINGS[1].2),
        ("a3", "", big.as_str()),
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "title", "description"]).expect("row");
    for (i, t, d) in postings {
        w.write_record([i, t, d]).expect("row");
    }
    wd.create("big.csv", w.into_inner().expect("CSV"));
    let flat: Vec<Value> = postings
        .iter()
        .map(|(i, t, d)| json!({"id": i, "title": t, "description": d}))
        .collect();
    let nested: Vec<Value> = postings
        .iter()
        .map(|(i, t, d)| json!({"id": i, "job": {"title": t, "description": d, "n": 1}}))
        .collect();
    let lines = |objs: &[Value]| {
        objs.iter()
            .map(|o| o.to_string() + "\n")
            .collect::<String>()
    };
    wd.create("big.jsonl", lines(&flat));
    wd.create("big.json", Value::Array(flat.clone()).to_string());
    wd.create("nested.jsonl", lines(&nested));
    let reference = wd.classify(&["-q", "big.csv", "--format", "jsonl"]);
    reference.expect_code(0);
    let evidence = |r: &Run| -> Vec<Value> {
        crate::util::parse_jsonl(&r.stdout)
            .into_iter()
            .map(|mut row| {
                row.as_object_mut().expect("object").remove("row");
                row
            })
            .collect()
    };
    for args in [
        vec!["big.jsonl"],
        vec!["big.json"],
        vec!["nested.jsonl", "--title-col", "job.title"],
    ] {
        let mut all = vec!["-q", "--format", "jsonl"];
        all.extend(&args);
        let r = wd.classify(&all);
        r.expect_code(0);
        let (got, want) = (evidence(&r), evidence(&reference));
        assert_eq!(got.len(), 3, "{args:?}");
        for (g, w) in got.iter().zip(&want) {
            // Evidence names the field it is in: "job.description" for the nested input.
            let strip = |v: &Value| {
                v.to_string()
                    .replace("\"job.description\"", "\"description\"")
                    .replace("\"job.title\"", "\"title\"")
            };
            assert_eq!(strip(g), strip(w), "{args:?}");
        }
    }
}
