//! Spreadsheet output: native xlsx (read back with calamine), CSV for Excel
//! (BOM, CRLF, formula neutralisation), European CSV, filters and provenance.

use crate::util::{self, sample, Workdir};
use calamine::{open_workbook, Data, Reader, Xlsx};

/// Three postings whose titles and ids are hostile to spreadsheets.
const HOSTILE: &str = "\
id,title,description
=1+1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"As Product Owner you own the product backlog, write user stories and acceptance criteria, and run sprint planning with the scrum team.\"
@SUM(A1),+cmd|' /C calc'!A0,\"The Product Manager owns the product vision and roadmap, does market research and competitive analysis, and sets pricing and go-to-market.\"
-3,\tTabbed,\"Nothing about either role here.\"
";

fn cell_str(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

#[test]
fn xlsx_has_postings_and_summary_sheets_read_back_with_calamine() {
    let wd = Workdir::new();
    wd.classify(&[&sample("postings.csv"), "-o", "out.xlsx", "--keep", "title"])
        .expect_code(0);
    assert!(wd.listing().iter().all(|f| !f.contains(".popm-")));
    let mut book: Xlsx<_> = open_workbook(wd.file("out.xlsx")).expect("a valid workbook");
    assert_eq!(book.sheet_names(), vec!["Postings", "Summary"]);
    let sheet = book.worksheet_range("Postings").expect("Postings sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(cell_str).collect())
        .collect();
    assert_eq!(rows.len(), 17, "header + one row per posting");
    assert_eq!(rows[0][0], "title");
    assert_eq!(rows[0][1], "id");
    assert_eq!(rows[0][2], "label");
    assert_eq!(rows[0][5], "content_lean");
    assert_eq!(rows[0][6], "self_role");
    assert_eq!(rows[0][7], "mismatch");
    assert_eq!(rows[1][1], "p01");
    // Numbers are numbers, labels and ids are text.
    let first: Vec<&Data> = sheet.rows().nth(1).unwrap().iter().collect();
    assert!(matches!(first[3], Data::Float(_)), "{:?}", first[3]);
    assert!(matches!(first[4], Data::Float(_)), "{:?}", first[4]);
    assert!(matches!(first[5], Data::Float(_)), "{:?}", first[5]);
    assert!(matches!(first[2], Data::String(_)));

    // The CSV output of the same run has the same labels in the same order.
    let csv = wd.classify(&[&sample("postings.csv"), "--keep", "title"]);
    let table = csv.expect_code(0).table();
    let csv_labels = table.column("label");
    let xlsx_labels: Vec<&str> = rows[1..].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(csv_labels, xlsx_labels);

    // The summary counts the labels of the postings sheet.
    let summary = book.worksheet_range("Summary").expect("Summary sheet");
    let srows: Vec<Vec<String>> = summary
        .rows()
        .map(|r| r.iter().map(cell_str).collect())
        .collect();
    for label in [
        "product_owner",
        "product_manager",
        "hybrid",
        "unclear",
        "other",
    ] {
        let want = csv_labels.iter().filter(|l| **l == label).count();
        let row = srows
            .iter()
            .find(|r| r.first().map(String::as_str) == Some(label))
            .unwrap_or_else(|| panic!("no summary row for {label}: {srows:?}"));
        assert_eq!(row[1], want.to_string(), "{label}");
    }
    let text = srows.concat().join("\n");
    assert!(
        text.contains("plumb@1.0.0#"),
        "lexicon identity on the summary"
    );
    assert!(
        text.contains("product backlog"),
        "top phrases on the summary"
    );
}

#[test]
fn xlsx_stores_formula_like_input_as_text() {
    let wd = Workdir::new();
    wd.create("hostile.csv", HOSTILE);
    wd.classify(&["hostile.csv", "-o", "out.xlsx", "--keep", "title"])
        .expect_code(0);
    let mut book: Xlsx<_> = open_workbook(wd.file("out.xlsx")).unwrap();
    let sheet = book.worksheet_range("Postings").unwrap();
    let title = sheet.get_value((1, 0)).unwrap();
    assert_eq!(
        title,
        &Data::String("=HYPERLINK(\"http://x\",\"y\")".to_string()),
        "stored as a string, exactly"
    );
    assert_eq!(
        sheet.get_value((1, 1)).unwrap(),
        &Data::String("=1+1".into())
    );
    // No cell of the workbook is a formula.
    let formulas = book.worksheet_formula("Postings").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formulas"
    );
}

#[test]
fn excel_csv_has_bom_crlf_and_inert_formulas_but_numbers_stay_numbers() {
    let wd = Workdir::new();
    wd.create("hostile.csv", HOSTILE);
    let r = wd.classify(&["hostile.csv", "--excel", "--keep", "title"]);
    r.expect_code(0);
    let out = r.out();
    assert!(out.starts_with('\u{feff}'), "BOM");
    let body = &out['\u{feff}'.len_utf8()..];
    assert!(body.lines().count() >= 4);
    assert_eq!(
        body.matches("\r\n").count(),
        body.matches('\n').count(),
        "CRLF only"
    );
    let t = util::parse_table(body.as_bytes(), b',');
    assert_eq!(t.get(0, "title"), "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(t.get(0, "id"), "'=1+1");
    assert_eq!(t.get(1, "id"), "'@SUM(A1)");
    assert_eq!(t.get(1, "title"), "'+cmd|' /C calc'!A0");
    assert_eq!(t.get(2, "id"), "'-3");
    assert_eq!(t.get(2, "title"), "'\tTabbed");
    // popm's own numbers are not touched: a negative lean is still a number.
    let lean = t.get(0, "lean");
    assert!(lean.starts_with('-'), "{lean}");
    assert!(lean.parse::<f64>().is_ok(), "{lean}");
    assert_eq!(t.get(0, "label"), "product_owner");
    // Without --excel the cells are left exactly as they came.
    let plain = wd.classify(&["hostile.csv", "--keep", "title"]);
    let t = plain.expect_code(0).table();
    assert_eq!(t.get(0, "id"), "=1+1");
    assert!(!plain.out().starts_with('\u{feff}'));
    assert!(!plain.out().contains('\r'));
}

#[test]
fn bom_and_crlf_work_on_their_own() {
    let wd = Workdir::new();
    let bom = wd.classify(&[&sample("postings.csv"), "--bom"]);
    assert!(bom.expect_code(0).out().starts_with('\u{feff}'));
    assert!(!bom.out().contains('\r'));
    let crlf = wd.classify(&[&sample("postings.csv"), "--crlf", "--format", "tsv"]);
    let out = crlf.expect_code(0).out();
    assert!(!out.starts_with('\u{feff}'));
    assert!(out.lines().all(|l| !l.is_empty()));
    assert_eq!(out.matches("\r\n").count(), 17);
    assert!(out.lines().next().unwrap().contains('\t'));
}

#[test]
fn european_csv_uses_semicolons_and_decimal_commas() {
    let wd = Workdir::new();
    let r = wd.classify(&[
        &sample("postings.csv"),
        "--out-delimiter",
        ";",
        "--decimal-comma",
    ]);
    let t = r.expect_code(0).table_with(b';');
    assert_eq!(t.rows.len(), 16);
    let conf = t.get(0, "confidence");
    assert!(conf.contains(',') && !conf.contains('.'), "{conf}");
    assert!(t.get(0, "po_score").contains(','));
    assert!(!t.get(0, "po_evidence").is_empty());
}

#[test]
fn text_options_are_refused_for_jsonl_and_xlsx() {
    let wd = Workdir::new();
    for args in [
        vec!["--format", "jsonl", "--excel"],
        vec!["-o", "x.xlsx", "--bom"],
        vec!["--format", "tsv", "--out-delimiter", ";"],
        vec!["--out-delimiter", "ab"],
    ] {
        let mut all = vec![sample("postings.csv")];
        all.extend(args.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let r = wd.classify(&refs);
        r.expect_code(2);
        assert!(r.err().contains("error:"), "{args:?}: {}", r.err());
    }
    assert!(wd.listing().is_empty(), "{:?}", wd.listing());
}

#[test]
fn only_and_min_confidence_filter_rows_and_say_so() {
    let wd = Workdir::new();
    let all = wd
        .classify(&[&sample("postings.csv")])
        .expect_code(0)
        .table();
    let r = wd.classify(&[&sample("postings.csv"), "--only", "product_owner,hybrid"]);
    let t = r.expect_code(0).table();
    let want: Vec<&str> = all
        .column("id")
        .into_iter()
        .zip(all.column("label"))
        .filter(|(_, l)| *l == "product_owner" || *l == "hybrid")
        .map(|(id, _)| id)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(t.column("id"), want, "same rows, same order");
    assert!(r.err().contains("filtered out"), "{}", r.err());

    let r = wd.classify(&[&sample("postings.csv"), "--min-confidence", "0.9"]);
    let t = r.expect_code(0).table();
    assert!(!t.rows.is_empty());
    for c in t.column("confidence") {
        assert!(c.parse::<f64>().unwrap() >= 0.9, "{c}");
    }
    let r = wd.classify(&[&sample("postings.csv"), "--only", "manager"]);
    r.expect_code(2);
    assert!(
        r.err().contains("product_manager"),
        "lists the labels: {}",
        r.err()
    );
    wd.classify(&[&sample("postings.csv"), "--min-confidence", "2"])
        .expect_code(2);
}

#[test]
fn only_other_keeps_the_postings_for_other_jobs() {
    let wd = Workdir::new();
    wd.create(
        "jobs.csv",
        "id,description\n\
         o1,As a Product Owner you own the product backlog and write user stories.\n\
         o2,We are hiring a Scrum Master to coach two teams and run their retrospectives.\n\
         o3,We are hiring a Product Manager to own pricing and lead market research.\n\
         o4,Keep the office running and welcome our visitors.\n\
         o5,\"We are looking for a Backend Engineer to build our APIs. \
         You will work closely with the Product Owner.\"\n",
    );
    let all = wd.classify(&["jobs.csv"]).expect_code(0).table();
    assert_eq!(
        all.column("label"),
        [
            "product_owner",
            "other",
            "product_manager",
            "unclear",
            "other"
        ]
    );
    let r = wd.classify(&["jobs.csv", "--only", "other"]);
    let t = r.expect_code(0).table();
    assert_eq!(t.column("id"), ["o2", "o5"], "same rows, same order");
    assert_eq!(t.column("label"), ["other", "other"]);
    assert_eq!(t.column("self_role"), ["scrum_master", "engineer"]);
    assert!(r.err().contains("filtered out"), "{}", r.err());
    // With another label, each keeps its own rows.
    let t = wd
        .classify(&["jobs.csv", "--only", "unclear,other"])
        .expect_code(0)
        .table();
    assert_eq!(t.column("id"), ["o2", "o4", "o5"]);
}

#[test]
fn provenance_column_names_the_lexicon_as_jsonl_does() {
    let wd = Workdir::new();
    let t = wd
        .run(&["classify", &sample("postings.csv"), "--provenance"])
        .expect_code(0)
        .table();
    let ids = t.column("lexicon");
    assert!(ids[0].starts_with("popm-default@"), "{}", ids[0]);
    assert!(ids.iter().all(|i| *i == ids[0]));
    let j = wd
        .run(&["classify", &sample("postings.csv"), "--format", "jsonl"])
        .expect_code(0)
        .jsonl();
    assert_eq!(j[0]["lexicon"], ids[0]);
    // Another lexicon, another identity.
    let other = wd
        .classify(&[&sample("postings.csv"), "--provenance"])
        .expect_code(0)
        .table();
    assert!(other.get(0, "lexicon").starts_with("plumb@"));
}

#[test]
fn self_role_names_the_role_a_posting_hires_for() {
    let wd = Workdir::new();
    wd.create(
        "roles.csv",
        "id,title,description\n\
         a,Scrum Master (m/w/d),\"You coach the scrum team and work with the Product Owner on the backlog.\"\n\
         b,,\"We are hiring a Product Manager to own the roadmap.\"\n\
         c,,\"Join our team. You will work closely with the Product Owner.\"\n\
         d,Senior Product Owner,\"Own the product backlog.\"\n",
    );
    let t = wd.run(&["classify", "roles.csv"]).expect_code(0).table();
    assert_eq!(
        t.column("self_role"),
        vec!["scrum_master", "product_manager", "", "product_owner"]
    );
    let j = wd
        .run(&["classify", "roles.csv", "--format", "jsonl"])
        .expect_code(0)
        .jsonl();
    assert_eq!(j[0]["self_role"], "scrum_master");
    assert!(j[2]["self_role"].is_null());
}

#[test]
fn xlsx_cuts_cells_over_excels_limit_with_a_marker_and_a_warning() {
    let wd = Workdir::new();
    let long = "word ".repeat(8_000); // 40,000 characters
    wd.create(
        "long.csv",
        format!(
            "id,notes,description\n1,{long},Own the product backlog.\n2,short,Own the roadmap.\n"
        ),
    );
    let r = wd.classify(&["long.csv", "--keep", "notes", "-o", "out.xlsx"]);
    r.expect_code(0);
    assert!(r.err().contains("32767"), "{}", r.err());
    assert!(r.err().contains("notes"), "names the column: {}", r.err());
    let mut book: Xlsx<_> = open_workbook(wd.file("out.xlsx")).unwrap();
    let sheet = book.worksheet_range("Postings").unwrap();
    let cell = cell_str(sheet.get_value((1, 0)).unwrap());
    assert_eq!(cell.chars().count(), 32_767);
    assert!(cell.ends_with("[cut]"));
    assert_eq!(cell_str(sheet.get_value((2, 0)).unwrap()), "short");

    // Warnings come in the rows' order, a row's workbook warning with it.
    wd.create(
        "mixed.csv",
        format!("id,notes,description\n1,{long},Own the backlog.\n2\n3,{long},Own the roadmap.\n"),
    );
    let r = wd.classify(&["mixed.csv", "--keep", "notes", "-o", "mixed.xlsx"]);
    let err = r.err();
    let at = |what: &str| {
        err.find(what)
            .unwrap_or_else(|| panic!("no {what:?} in {err}"))
    };
    assert!(at("xlsx row 2:") < at("mixed.csv:3: row 2:"), "{err}");
    assert!(at("mixed.csv:3: row 2:") < at("xlsx row 4:"), "{err}");
}

/// Past 1,048,576 rows the postings go on in a second sheet. Writing that many
/// rows takes minutes in a debug build: opt in with POPM_TEST_HUGE=1.
#[test]
fn xlsx_continues_on_a_second_sheet_past_excels_row_limit() {
    if std::env::var_os("POPM_TEST_HUGE").is_none() {
        eprintln!("skipped: set POPM_TEST_HUGE=1 to write 1,100,000 rows to xlsx");
        return;
    }
    let wd = Workdir::new();
    let mut csv = String::from("id,description\n");
    for i in 0..1_100_000 {
        csv.push_str(&format!("{i},Own the product backlog.\n"));
    }
    wd.create("many.csv", csv);
    wd.classify(&["many.csv", "-o", "out.xlsx"]).expect_code(0);
    let mut book: Xlsx<_> = open_workbook(wd.file("out.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["Postings", "Postings 2", "Summary"]
    );
    let first = book.worksheet_range("Postings").unwrap().height();
    let second = book.worksheet_range("Postings 2").unwrap().height();
    assert_eq!(first, 1_048_576);
    assert_eq!(first - 1 + second - 1, 1_100_000);
}
