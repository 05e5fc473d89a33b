//! Bad and unusual input, and the exit codes: 0 ok, 1 some rows had errors,
//! 2 usage or unrecoverable error.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::util::{self, generate_postings, plumb, to_csv, Workdir, HEADER};

#[test]
fn empty_file_is_an_error_naming_the_file() {
    let wd = Workdir::new();
    wd.create("empty.csv", "");
    let r = wd.classify(&["empty.csv"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty(), "{r:?}");
    let err = r.err();
    assert!(err.contains("empty.csv"), "{r:?}");
    assert!(err.contains("empty"), "{r:?}");
    assert_eq!(err.lines().count(), 1, "one clear message: {r:?}");

    let r = wd.classify_with_stdin(&["-"], b"");
    r.expect_code(2);
    assert!(r.err().contains("<stdin>"), "{r:?}");
}

#[test]
fn missing_input_file_is_an_error_naming_it() {
    let wd = Workdir::new();
    let r = wd.classify(&["nope.csv"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty());
    assert!(r.err().starts_with("popm: error: nope.csv: "), "{r:?}");
    // The system's reason, once.
    assert_eq!(r.err().matches("os error 2").count(), 1, "{r:?}");
    assert_eq!(r.err().lines().count(), 1, "{r:?}");
    // The same for the commands that read results.
    let r = wd.run(&["summary", "nope.csv"]);
    r.expect_code(2);
    assert_eq!(r.err().matches("os error 2").count(), 1, "{r:?}");
}

#[test]
fn header_only_gives_only_the_header() {
    let wd = Workdir::new();
    wd.create("h.csv", "id,title,description\n");
    let r = wd.classify(&["h.csv"]);
    r.expect_code(0);
    assert_eq!(r.out(), format!("{HEADER}\n"));
    assert!(r.err().starts_with("popm: 0 rows:"), "{r:?}");
    // JSON Lines has no header: nothing at all.
    let r = wd.classify(&["h.csv", "--format", "jsonl"]);
    r.expect_code(0);
    assert!(r.stdout.is_empty(), "{r:?}");
    // Without a final newline too.
    wd.create("h2.csv", "id,description");
    let r = wd.classify(&["h2.csv"]);
    r.expect_code(0);
    assert_eq!(r.out(), format!("{HEADER}\n"));
}

#[test]
fn missing_text_column_lists_the_columns_and_names_the_flag() {
    let wd = Workdir::new();
    wd.create("m.csv", "id,summary,body2\n1,x,Own the product backlog\n");
    let r = wd.classify(&["m.csv"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty(), "nothing written: {r:?}");
    let err = r.err();
    assert!(err.contains("m.csv"), "{r:?}");
    for col in ["1=\"id\"", "2=\"summary\"", "3=\"body2\""] {
        assert!(err.contains(col), "column {col} not listed: {r:?}");
    }
    assert!(err.contains("--text-col"), "{r:?}");
    // Naming it works.
    wd.classify(&["m.csv", "--text-col", "body2"])
        .expect_code(0);
}

#[test]
fn ragged_row_is_an_error_row_and_the_others_are_kept_in_order() {
    let wd = Workdir::new();
    wd.copy_data("ragged.csv");
    let r = wd.classify(&["ragged.csv"]);
    r.expect_code(1);
    let t = r.table();
    assert_eq!(t.column("id"), ["r1", "r2", "r3"]);
    assert_eq!(
        t.column("label"),
        ["product_owner", "error", "product_manager"]
    );
    assert_eq!(t.get(0, "error"), "");
    assert_eq!(t.get(2, "error"), "");
    let e = t.get(1, "error");
    assert!(!e.is_empty());
    assert!(e.contains("description"), "{e}");
    // The numeric cells of the error row are empty.
    for c in [
        "confidence",
        "lean",
        "po_score",
        "pm_score",
        "po_evidence",
        "pm_evidence",
    ] {
        assert_eq!(t.get(1, c), "", "{c}");
    }
    let err = r.err();
    assert!(
        err.contains("ragged.csv:3: row 2:"),
        "warning names the row: {r:?}"
    );
    assert!(err.contains("1 error;"), "{r:?}");

    // JSON Lines: an error object with an empty evidence list.
    let r = wd.classify(&["-q", "ragged.csv", "--format", "jsonl"]);
    r.expect_code(1);
    let rows = r.jsonl();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["label"], "error");
    assert_eq!(rows[1]["id"], "r2");
    assert!(rows[1]["error"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(rows[1]["evidence"], serde_json::json!([]));
    assert_eq!(rows[0]["error"], serde_json::Value::Null);

    // With -o the (complete) file is still written.
    let r = wd.classify(&["-q", "ragged.csv", "-o", "out.csv"]);
    r.expect_code(1);
    let t = util::parse_table(&wd.read("out.csv"), b',');
    assert_eq!(t.rows.len(), 3);
}

#[test]
fn invalid_utf8_is_replaced_and_warned_about() {
    let wd = Workdir::new();
    let mut input = b"id,description\n".to_vec();
    // A UTF-8 export (é, –) with damaged bytes in one row: read as UTF-8, the
    // bad bytes replaced (a file with no UTF-8 at all is read as Windows-1252).
    input.extend_from_slice("u1,Run market research – and own pricing in café.\n".as_bytes());
    input.extend_from_slice(b"u2,Own the product backlog \xff\xfe and write user stories.\n");
    wd.create("u.csv", &input);
    let r = wd.classify(&["u.csv"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.column("id"), ["u1", "u2"]);
    assert_eq!(t.get(1, "label"), "product_owner");
    assert_eq!(t.get(1, "error"), "");
    let err = r.err();
    let warning = err
        .lines()
        .find(|l| l.contains("warning"))
        .unwrap_or_else(|| panic!("no warning: {r:?}"));
    assert!(warning.contains("u.csv:3: row 2"), "{warning}");
    assert!(warning.contains("UTF-8"), "{warning}");
    assert!(err.contains("; 1 warning\n"), "{r:?}");

    // -q hides the warning; JSON Lines carries it on the row.
    let r = wd.classify(&["-q", "u.csv", "--format", "jsonl"]);
    r.expect_code(0);
    assert_eq!(r.err(), "");
    let rows = r.jsonl();
    assert_eq!(rows[0]["warnings"], serde_json::json!([]));
    let w = rows[1]["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1);
    assert!(w[0].as_str().unwrap().contains("row 2"));
    // Offsets refer to the decoded text (bad bytes → U+FFFD).
    let decoded =
        String::from_utf8_lossy(b"Own the product backlog \xff\xfe and write user stories.")
            .into_owned();
    util::assert_offsets(&rows[1], &|_| decoded.clone());
}

#[test]
fn utf8_bom_is_skipped() {
    let wd = Workdir::new();
    wd.create(
        "bom.csv",
        "\u{feff}id,description\nb1,As Product Owner you own the product backlog.\n",
    );
    let r = wd.classify(&["bom.csv", "--keep", "id"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.header[0], "id_input");
    assert_eq!(t.column("id"), ["b1"]);
    assert_eq!(t.column("label"), ["product_owner"]);
}

#[test]
fn output_into_a_missing_directory_fails_cleanly() {
    let wd = Workdir::new();
    wd.copy_data("small.csv");
    let r = wd.classify(&["small.csv", "-o", "nodir/out.csv"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty());
    let err = r.err();
    assert!(err.contains("nodir"), "{r:?}");
    assert!(err.contains("does not exist"), "{r:?}");
    assert_eq!(err.lines().count(), 1, "{r:?}");
    assert!(!wd.file("nodir").exists());
    assert_eq!(wd.listing(), ["small.csv"]);
}

#[test]
fn failing_run_with_output_leaves_no_file_and_no_temp_file() {
    let wd = Workdir::new();
    wd.copy_data("small.csv");
    // The second input does not exist: the run fails after the output was opened.
    let r = wd.classify(&["small.csv", "missing.csv", "-o", "out.csv"]);
    r.expect_code(2);
    assert!(r.err().contains("missing.csv"), "{r:?}");
    assert_eq!(wd.listing(), ["small.csv"], "no out.csv, no .popm-*.tmp");

    // The second input has no text column.
    wd.create("notext.csv", "id,body2\n1,x\n");
    let r = wd.classify(&["small.csv", "notext.csv", "-o", "out.csv"]);
    r.expect_code(2);
    assert_eq!(wd.listing(), ["notext.csv", "small.csv"]);

    // A bad first input: no output either.
    let r = wd.classify(&["notext.csv", "-o", "out.csv"]);
    r.expect_code(2);
    assert_eq!(wd.listing(), ["notext.csv", "small.csv"]);

    // An existing output survives a failing run unchanged.
    wd.create("out.csv", "precious\n");
    let r = wd.classify(&["small.csv", "missing.csv", "-o", "out.csv"]);
    r.expect_code(2);
    assert_eq!(wd.read("out.csv"), b"precious\n");
    assert_eq!(wd.listing(), ["notext.csv", "out.csv", "small.csv"]);
}

#[test]
fn closed_stdout_ends_quietly_with_exit_0() {
    let wd = Workdir::new();
    // Enough output (descriptions copied by --keep-all) to fill any pipe buffer.
    let (rows, _) = generate_postings(3000, 7);
    let input = to_csv(&rows);
    assert!(input.len() > 500_000);
    wd.create("big.csv", &input);
    let lex = plumb();
    let mut child = wd
        .command(&["classify", "big.csv", "--keep-all", "--lexicon", &lex])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start popm");
    let stdout = child.stdout.take().unwrap();
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(
        first.starts_with("id_input,title,description,id,label"),
        "{first:?}"
    );
    drop(reader); // like `| head -1`
    let out = child.wait_with_output().expect("wait for popm");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "exit status {:?}, stderr: {stderr}",
        out.status
    );
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let wd = Workdir::new();
    wd.copy_data("small.csv");
    for args in [
        &["classify", "small.csv", "--format", "xml"][..],
        &["classify", "small.csv", "--delimiter", ";;"][..],
        &["classify", "small.csv", "--delimiter", "\""][..],
        &["classify", "small.csv", "--threads", "many"][..],
        &["frobnicate"][..],
        &[][..],
    ] {
        let r = wd.run(args);
        r.expect_code(2);
        assert!(r.stdout.is_empty(), "{r:?}");
        assert!(!r.err().is_empty(), "{r:?}");
    }
}

// ---------------------------------------------------------------------------
// Helpers for the cases below.

/// Whether the opt-in heavy variants run (`POPM_TEST_HUGE=1`).
fn is_huge_enabled() -> bool {
    std::env::var_os("POPM_TEST_HUGE").is_some_and(|v| v == "1")
}

/// Whether the tests run as root (permission-based cases cannot fail then).
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The warning lines of a run's stderr.
fn warnings(r: &util::Run) -> Vec<String> {
    r.err()
        .lines()
        .filter(|l| l.starts_with("popm: warning: "))
        .map(str::to_string)
        .collect()
}

/// The listing of a directory, asserting that no temporary output is left.
#[track_caller]
fn assert_no_temp_files(wd: &Workdir) {
    let names = wd.listing();
    assert!(
        !names.iter().any(|n| n.starts_with(".popm-")),
        "temporary file left behind: {names:?}"
    );
}

// ---------------------------------------------------------------------------
// Headers.

#[test]
fn duplicate_header_names_use_the_first_column_of_that_name() {
    // Columns are looked up by name from the left, so of two `description`
    // columns the first is the text; `--text-col N` picks another by number.
    let wd = Workdir::new();
    wd.create(
        "dup.csv",
        "id,description,description\nd1,Own the product backlog.,Run market research.\n",
    );
    for args in [
        &["dup.csv"][..],
        &["dup.csv", "--text-col", "description"][..],
    ] {
        let r = wd.classify(args);
        r.expect_code(0);
        let t = r.table();
        assert_eq!(t.column("id"), ["d1"], "{r:?}");
        assert_eq!(t.get(0, "po_evidence"), "product backlog×1", "{r:?}");
        assert_eq!(t.get(0, "pm_evidence"), "", "{r:?}");
    }
    let r = wd.classify(&["dup.csv", "--text-col", "3"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.get(0, "po_evidence"), "");
    assert_eq!(t.get(0, "pm_evidence"), "market research×1");

    // Two id columns: the first is the id.
    wd.create("dupid.csv", "id,id,description\nA,B,Own pricing.\n");
    let r = wd.classify(&["dupid.csv"]);
    r.expect_code(0);
    assert_eq!(r.table().column("id"), ["A"]);
}

#[test]
fn keep_all_with_duplicate_header_names_copies_each_column() {
    let wd = Workdir::new();
    wd.create(
        "dup.csv",
        "id,description,description\nd1,Own the product backlog.,Run market research.\n",
    );
    let r = wd.classify(&["dup.csv", "--keep-all"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.rows[0][1], "Own the product backlog.", "{r:?}");
    assert_eq!(t.rows[0][2], "Run market research.", "{r:?}");
}

#[test]
fn bom_glued_to_the_first_header_name_still_finds_it_by_name() {
    let wd = Workdir::new();
    let body = "As Product Owner you own the product backlog.,b1\n";
    wd.create("bom.csv", format!("\u{feff}description,id\n{body}"));
    wd.create("bomq.csv", format!("\u{feff}\"Description\",id\n{body}"));
    wd.create(
        "boms.csv",
        "\u{feff}Job Description;ID\nAs Product Owner you own the product backlog.;b1\n",
    );
    for args in [
        &["bom.csv"][..],
        &["bomq.csv"][..],
        &["boms.csv"][..],
        &["bom.csv", "--text-col", "description"][..],
        &["bomq.csv", "--text-col", "description", "--id-col", "id"][..],
    ] {
        let r = wd.classify(args);
        r.expect_code(0);
        let t = r.table();
        assert_eq!(t.column("id"), ["b1"], "{r:?}");
        assert_eq!(t.column("label"), ["product_owner"], "{r:?}");
    }
    // From stdin, and as the second of two inputs (each file's BOM is skipped).
    let r = wd.classify_with_stdin(&["-"], format!("\u{feff}description,id\n{body}").as_bytes());
    r.expect_code(0);
    assert_eq!(r.table().column("id"), ["b1"]);
    let r = wd.classify(&["bomq.csv", "bom.csv"]);
    r.expect_code(0);
    assert_eq!(
        r.table().column("label"),
        ["product_owner", "product_owner"]
    );
}

// ---------------------------------------------------------------------------
// Ragged rows, quotes and line endings.

#[test]
fn rows_with_fewer_and_more_fields_than_the_header() {
    // Too few fields to reach the text column: an error row naming file, line,
    // row and column. Extra fields beyond the header are ignored.
    let wd = Workdir::new();
    wd.create(
        "rag.csv",
        "id,title,description\n\
         r1,Product Owner,Own the product backlog.\n\
         r2,Short\n\
         r3,Product Manager,Run market research.,extra,more\n\
         r4\n\
         r5,,As Product Manager you own pricing.\n",
    );
    let r = wd.classify(&["rag.csv"]);
    r.expect_code(1);
    let t = r.table();
    assert_eq!(t.column("id"), ["r1", "r2", "r3", "r4", "r5"]);
    assert_eq!(
        t.column("label"),
        [
            "product_owner",
            "error",
            "product_manager",
            "error",
            "product_manager"
        ]
    );
    assert_eq!(
        t.get(1, "error"),
        "row has 2 fields, so text column \"description\" (column 3) is missing; \
         check the quoting of this row"
    );
    assert!(t.get(3, "error").starts_with("row has 1 fields"), "{r:?}");
    assert_eq!(t.get(2, "error"), "");
    assert_eq!(
        t.get(2, "pm_evidence"),
        "product manager×1; market research×1"
    );
    let w = warnings(&r);
    assert_eq!(w.len(), 2, "{r:?}");
    assert!(
        w[0].starts_with("popm: warning: rag.csv:3: row 2: row has 2 fields"),
        "{r:?}"
    );
    assert!(
        w[1].starts_with("popm: warning: rag.csv:5: row 4: row has 1 fields"),
        "{r:?}"
    );
    assert!(r.err().contains("popm: 5 rows: "), "{r:?}");
    assert!(r.err().ends_with(" 2 error; 2 warnings\n"), "{r:?}");
}

#[test]
fn unclosed_quote_at_the_end_of_the_file_warns_and_exits_1() {
    // The open quote swallows the rest of the file into one field (that is what
    // the CSV says), so 3 lines give 2 records; a warning names the line.
    let wd = Workdir::new();
    wd.create(
        "q.csv",
        "id,description\nq1,As Product Owner you own the product backlog.\nq2,\"Run market research.\nq3,Own pricing.\n",
    );
    let r = wd.classify(&["q.csv"]);
    r.expect_code(1);
    let t = r.table();
    assert_eq!(t.column("id"), ["q1", "q2"]);
    assert_eq!(t.column("label"), ["product_owner", "product_manager"]);
    assert_eq!(t.get(1, "pm_evidence"), "market research×1; pricing×1");
    let w = warnings(&r);
    assert_eq!(w.len(), 1, "{r:?}");
    assert!(
        w[0].starts_with("popm: warning: q.csv:3: the input has an unbalanced quote character"),
        "{r:?}"
    );
    assert!(w[0].contains("check the quoting"), "{r:?}");
    assert!(r.err().contains("popm: 2 rows: "), "{r:?}");
    assert!(r.err().ends_with("; 1 warning\n"), "{r:?}");

    // The run finished (exit 1, not 2): -o writes the whole file, no temp left.
    let r = wd.classify(&["-q", "q.csv", "-o", "out.csv"]);
    r.expect_code(1);
    assert_eq!(util::parse_table(&wd.read("out.csv"), b',').rows.len(), 2);
    assert_eq!(wd.listing(), ["out.csv", "q.csv"]);
}

#[test]
fn stray_quotes_inside_unquoted_fields_are_kept_as_text() {
    // A pair of quotes inside an unquoted field is text; the row reads fine.
    let wd = Workdir::new();
    wd.create(
        "pair.csv",
        "id,description\n\
         s1,As Product Owner you own the \"product backlog\" daily.\n\
         s2,As Product Manager you own pricing.\n",
    );
    let r = wd.classify(&["pair.csv", "--keep", "description"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(
        t.column("description"),
        [
            "As Product Owner you own the \"product backlog\" daily.",
            "As Product Manager you own pricing."
        ]
    );
    assert_eq!(t.column("label"), ["product_owner", "product_manager"]);
    assert_eq!(
        t.get(0, "po_evidence"),
        "product owner×1; product backlog×1"
    );
    assert!(warnings(&r).is_empty(), "{r:?}");

    // A single stray quote (inches) is kept too, but the quote count is odd,
    // which could also be an unclosed quote: warning, exit 1, rows intact.
    wd.create(
        "one.csv",
        "id,description\n\
         s1,As Product Owner you get a 27\" screen and the product backlog.\n\
         s2,As Product Manager you own pricing.\n",
    );
    let r = wd.classify(&["one.csv", "--keep", "description"]);
    r.expect_code(1);
    let t = r.table();
    assert_eq!(t.column("id"), ["s1", "s2"]);
    assert_eq!(
        t.get(0, "description"),
        "As Product Owner you get a 27\" screen and the product backlog."
    );
    assert_eq!(t.column("label"), ["product_owner", "product_manager"]);
    let w = warnings(&r);
    assert_eq!(w.len(), 1, "{r:?}");
    assert!(w[0].contains("one.csv:"), "{r:?}");
    assert!(w[0].contains("a field holds a stray quote"), "{r:?}");
}

#[test]
fn stray_quote_warning_names_the_line_that_holds_it() {
    let wd = Workdir::new();
    wd.create(
        "one.csv",
        "id,description\ns1,A 27\" screen and the product backlog.\ns2,Own pricing.\n",
    );
    let r = wd.classify(&["one.csv"]);
    r.expect_code(1);
    assert!(
        warnings(&r)[0].starts_with("popm: warning: one.csv:2:"),
        "{r:?}"
    );
}

/// CR, LF and CRLF in one file, and a quoted field holding a CRLF.
const MIXED_ENDINGS: &str = "id,description\r\n\
    m1,As Product Owner you own the product backlog.\n\
    m2,As Product Manager you run market research.\r\
    m3,\"As Product Manager you own\r\npricing.\"\r\n\
    m4\n\
    m5,As Product Owner you write user stories.\r";

#[test]
fn mixed_line_endings_keep_every_row_in_order() {
    let wd = Workdir::new();
    wd.create("mixed.csv", MIXED_ENDINGS);
    let r = wd.classify(&["mixed.csv"]);
    r.expect_code(1);
    let t = r.table();
    assert_eq!(t.column("id"), ["m1", "m2", "m3", "m4", "m5"]);
    assert_eq!(
        t.column("label"),
        [
            "product_owner",
            "product_manager",
            "product_manager",
            "error",
            "product_owner"
        ]
    );
    assert_eq!(t.get(2, "pm_evidence"), "product manager×1; pricing×1");
    assert_eq!(
        t.get(4, "po_evidence"),
        "product owner×1; write user stories×1"
    );
    let rows: Vec<u64> = wd
        .classify(&["-q", "mixed.csv", "--format", "jsonl"])
        .jsonl()
        .iter()
        .map(|v| v["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, [1, 2, 3, 4, 5]);

    // With LF and CRLF only, the line numbers in messages are right.
    wd.create(
        "lfcrlf.csv",
        "id,description\r\nm1,Own pricing.\nm2\r\nm3,\"Own\r\npricing.\"\nm4\r\n",
    );
    let r = wd.classify(&["lfcrlf.csv"]);
    r.expect_code(1);
    let w = warnings(&r);
    assert_eq!(w.len(), 2, "{r:?}");
    assert!(
        w[0].starts_with("popm: warning: lfcrlf.csv:3: row 2: "),
        "{r:?}"
    );
    assert!(
        w[1].starts_with("popm: warning: lfcrlf.csv:6: row 4: "),
        "{r:?}"
    );
}

#[test]
fn cr_only_line_endings_count_as_lines_in_messages() {
    let wd = Workdir::new();
    wd.create("mixed.csv", MIXED_ENDINGS);
    let r = wd.classify(&["mixed.csv"]);
    r.expect_code(1);
    let w = warnings(&r);
    assert_eq!(w.len(), 1, "{r:?}");
    // m4 starts on line 6: CRLF, LF, CR, CRLF inside quotes, CRLF.
    assert!(
        w[0].starts_with("popm: warning: mixed.csv:6: row 4: "),
        "{r:?}"
    );
}

// ---------------------------------------------------------------------------
// Control characters and size.

#[test]
fn nul_and_control_characters_are_classified_and_output_stays_valid_csv() {
    let wd = Workdir::new();
    let descriptions = [
        "As Product Owner you own the\0 product\u{1}backlog \u{1b}[31mnow\u{1b}[0m.",
        "Run\u{7f} market\u{b}research\u{c} and\u{85}pricing\u{2028}today.",
        "\0\0\u{1}\u{2}\u{3}",
        "As Product Owner you own the product backlog,\r\nwith \"quotes\"\0 and\ttabs.",
    ];
    let mut rows = vec![vec!["id".to_string(), "description".to_string()]];
    for (i, d) in descriptions.iter().enumerate() {
        rows.push(vec![format!("c{i}\0"), d.to_string()]);
    }
    wd.create("ctl.csv", to_csv(&rows));
    let r = wd.classify(&["ctl.csv", "--keep-all"]);
    r.expect_code(0);
    // Parsed with the csv crate: same number of fields everywhere, cells round-trip.
    let t = r.table();
    assert_eq!(t.rows.len(), descriptions.len());
    assert_eq!(t.column("description"), descriptions);
    assert_eq!(t.column("id_input")[0], "c0\0");
    assert_eq!(
        t.column("label"),
        [
            "product_owner",
            "product_manager",
            "unclear",
            "product_owner"
        ]
    );
    assert_eq!(
        t.get(0, "po_evidence"),
        "product owner×1; product backlog×1"
    );
    assert_eq!(t.get(1, "pm_evidence"), "market research×1; pricing×1");
    assert!(t.column("error").iter().all(|e| e.is_empty()));
    assert!(r.err().ends_with("; 0 warnings\n"), "{r:?}");

    // JSON Lines: every line parses, offsets slice the original text.
    let r = wd.classify(&["ctl.csv", "--format", "jsonl"]);
    r.expect_code(0);
    let objs = r.jsonl();
    assert_eq!(objs.len(), descriptions.len());
    for (o, d) in objs.iter().zip(descriptions) {
        util::assert_offsets(o, &|_| d.to_string());
    }
}

#[test]
fn fifty_megabyte_description_is_classified() {
    let wd = Workdir::new();
    let block = format!("{} ", "x".repeat(999));
    let filler = block.repeat((50 << 20) / block.len() + 1);
    assert!(filler.len() >= 50 << 20);
    let desc = format!(
        "As a Product Owner you own the product backlog. {filler}Finally: market research."
    );
    let mut csv = String::with_capacity(desc.len() + 64);
    csv.push_str("id,description\nbig,\"");
    csv.push_str(&desc);
    csv.push_str("\"\nsmall,As Product Manager you own pricing.\n");
    wd.create("big.csv", csv);
    drop(desc);
    let r = wd.classify(&["big.csv"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.column("id"), ["big", "small"]);
    assert_eq!(t.get(0, "error"), "");
    assert_eq!(t.get(0, "label"), "product_owner");
    // The phrase after 50 MB of text was found too.
    assert_eq!(t.get(0, "pm_evidence"), "market research×1");
    assert_eq!(t.get(1, "label"), "product_manager");
    assert!(r.err().ends_with("; 0 warnings\n"), "{r:?}");
}

/// Classifies `n` generated one-line rows into a file and checks that every
/// row comes out once, in order.
fn rows_in_equal_rows_out(n: usize) {
    use std::io::Write;
    let wd = Workdir::new();
    {
        let f = std::fs::File::create(wd.file("rows.csv")).unwrap();
        let mut w = std::io::BufWriter::new(f);
        writeln!(w, "id,description").unwrap();
        for i in 0..n {
            let text = match i % 3 {
                0 => "As Product Owner you own the product backlog.",
                1 => "As Product Manager you run market research.",
                _ => "",
            };
            writeln!(w, "r{i},{text}").unwrap();
        }
        w.flush().unwrap();
    }
    let r = wd.classify(&["rows.csv", "-o", "out.csv"]);
    r.expect_code(0);
    assert!(r.err().starts_with(&format!("popm: {n} rows: ")), "{r:?}");
    let out = std::fs::File::open(wd.file("out.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(std::io::BufReader::new(out));
    let mut count = 0;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.expect("output row is well-formed CSV");
        assert_eq!(&rec[0], format!("r{i}"), "row {i} out of order");
        let want = ["product_owner", "product_manager", "unclear"][i % 3];
        assert_eq!(&rec[1], want, "row {i}");
        count += 1;
    }
    assert_eq!(count, n);
    assert_eq!(wd.listing(), ["out.csv", "rows.csv"]);
}

#[test]
fn hundred_thousand_rows_in_equal_rows_out() {
    rows_in_equal_rows_out(100_000);
}

#[test]
#[ignore = "about 70 s in a debug build on 2 shared cores; run with --ignored, or set \
            POPM_TEST_HUGE=1 for the opt-in variant"]
fn million_rows_in_equal_rows_out() {
    rows_in_equal_rows_out(1_000_000);
}

#[test]
fn million_rows_in_equal_rows_out_when_opted_in() {
    if !is_huge_enabled() {
        eprintln!("skipped: set POPM_TEST_HUGE=1 to classify 1,000,000 rows");
        return;
    }
    rows_in_equal_rows_out(1_000_000);
}

#[test]
fn two_gigabyte_file_when_opted_in() {
    use std::io::Write;
    if !is_huge_enabled() {
        eprintln!("skipped: set POPM_TEST_HUGE=1 to generate and classify a 2 GB file");
        return;
    }
    let wd = Workdir::new();
    let filler = "Hybrid work, two days in the office, lunch on Fridays. ".repeat(18);
    let mut n = 0u64;
    let mut size = 0u64;
    {
        let f = std::fs::File::create(wd.file("huge.csv")).unwrap();
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        w.write_all(b"id,description\n").unwrap();
        while size < 2 << 30 {
            let text = if n % 2 == 0 {
                "Own the product backlog."
            } else {
                "Own pricing."
            };
            let line = format!("h{n},{text} {filler}\n");
            w.write_all(line.as_bytes()).unwrap();
            size += line.len() as u64;
            n += 1;
        }
        w.flush().unwrap();
    }
    let r = wd.classify(&["huge.csv", "-o", "out.csv"]);
    r.expect_code(0);
    assert!(r.err().starts_with(&format!("popm: {n} rows: ")), "{r:?}");
    let out = std::fs::File::open(wd.file("out.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(std::io::BufReader::new(out));
    let mut count = 0u64;
    for rec in rdr.records() {
        let rec = rec.expect("output row is well-formed CSV");
        assert_eq!(&rec[0], format!("h{count}"));
        let want = if count % 2 == 0 {
            "product_owner"
        } else {
            "product_manager"
        };
        assert_eq!(&rec[1], want, "row {count}");
        count += 1;
    }
    assert_eq!(count, n);
}

// ---------------------------------------------------------------------------
// HTML.

#[test]
fn broken_html_still_gives_the_text_as_evidence() {
    let wd = Workdir::new();
    let rows = [
        (
            "h1",
            "<p>Own the <b>product backlog<p>and <i>write user stories",
        ),
        (
            "h2",
            "if a < b then pricing <<< and <3 market research > done",
        ),
        ("h3", "<div class='x' <span>Own the product backlog</span>"),
        ("h4", "<ul><li>Own pricing</li><li unclosed"),
        (
            "h5",
            "x &lt; y &AMP; a<b>c</b> R&D&NBSP;market&NBSP;research",
        ),
        (
            "h6",
            "<!-- a --> Own pricing. <!-- product backlog never closed",
        ),
    ];
    let mut csv = vec![vec!["id".to_string(), "description".to_string()]];
    csv.extend(rows.iter().map(|(i, d)| vec![i.to_string(), d.to_string()]));
    wd.create("html.csv", to_csv(&csv));
    let r = wd.classify(&["html.csv"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.column("id"), ["h1", "h2", "h3", "h4", "h5", "h6"]);
    assert_eq!(
        t.get(0, "po_evidence"),
        "product backlog×1; write user stories×1"
    );
    assert_eq!(t.get(1, "pm_evidence"), "market research×1; pricing×1");
    assert_eq!(t.get(2, "po_evidence"), "product backlog×1");
    assert_eq!(t.get(3, "pm_evidence"), "pricing×1");
    assert_eq!(t.get(4, "pm_evidence"), "market research×1");
    // An unclosed comment runs to the end, as in a browser.
    assert_eq!(t.get(5, "pm_evidence"), "pricing×1");
    assert_eq!(t.get(5, "po_evidence"), "");
    // Offsets still slice the original text.
    let r = wd.classify(&["html.csv", "--format", "jsonl"]);
    for (o, (_, d)) in r.jsonl().iter().zip(rows) {
        util::assert_offsets(o, &|_| d.to_string());
    }
}

#[test]
fn html_nested_ten_thousand_deep_is_classified() {
    let wd = Workdir::new();
    let closed = "<div>".repeat(10_000)
        + "As Product Owner you own the product backlog."
        + &"</div>".repeat(10_000);
    let unclosed =
        "<b><i><span class=\"a\">".repeat(10_000) + "As Product Manager you run market research.";
    let lists = "<ul><li>".repeat(10_000) + "As Product Manager you own pricing.";
    let rows = vec![
        vec!["id".to_string(), "description".to_string()],
        vec!["n1".to_string(), closed],
        vec!["n2".to_string(), unclosed],
        vec!["n3".to_string(), lists],
    ];
    wd.create("deep.csv", to_csv(&rows));
    let r = wd.classify(&["deep.csv"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.column("id"), ["n1", "n2", "n3"]);
    assert_eq!(
        t.column("label"),
        ["product_owner", "product_manager", "product_manager"]
    );
    assert_eq!(
        t.get(0, "po_evidence"),
        "product owner×1; product backlog×1"
    );
    assert_eq!(
        t.get(1, "pm_evidence"),
        "product manager×1; market research×1"
    );
    assert_eq!(t.get(2, "pm_evidence"), "product manager×1; pricing×1");
}

#[test]
fn script_and_style_content_is_not_evidence() {
    let wd = Workdir::new();
    let block = "<script>var s = 'product backlog'; /* product backlog */</script>\
                 <STYLE media=\"x\">.product-backlog::after { content: 'product backlog'; }</STYLE>\
                 <script type=\"text/template\"><p>Own the product backlog</p></script >";
    let page = format!(
        "{}<p>As Product Manager you run market research.</p>",
        block.repeat(200)
    );
    // `</script` inside a string does not end the script; the real one does.
    let tricky =
        "<script>s='</scr'+'ipt>product backlog';</script>As Product Manager you own pricing.";
    // A script left open runs to the end of the text, as in a browser.
    let open = "As Product Manager you own pricing. <script>product backlog";
    let rows = vec![
        vec!["id".to_string(), "description".to_string()],
        vec!["s1".to_string(), page],
        vec!["s2".to_string(), tricky.to_string()],
        vec!["s3".to_string(), open.to_string()],
    ];
    wd.create("script.csv", to_csv(&rows));
    let r = wd.classify(&["script.csv"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.column("label"), ["product_manager"; 3]);
    assert_eq!(t.column("po_evidence"), [""; 3]);
    assert_eq!(t.column("po_score"), ["0.00"; 3]);
    assert_eq!(
        t.get(0, "pm_evidence"),
        "product manager×1; market research×1"
    );
    assert_eq!(t.get(1, "pm_evidence"), "product manager×1; pricing×1");
    assert_eq!(t.get(2, "pm_evidence"), "product manager×1; pricing×1");
}

// ---------------------------------------------------------------------------
// Lexicons given with --lexicon.

const LEX_HEAD: &str = "[lexicon]\nname = \"t\"\nversion = \"1\"\n\n[[category]]\nname = \"a\"\nrole = \"po\"\nentries = [\n";

/// A lexicon whose line 9 is `entry` (one PO category, and a PM one after it).
fn lexicon_with(entry: &str) -> String {
    format!(
        "{LEX_HEAD}  {{ phrase = \"product backlog\", weight = 3 }},\n  {entry}\n]\n\n\
         [[category]]\nname = \"b\"\nrole = \"pm\"\nentries = [{{ phrase = \"pricing\", weight = 3 }}]\n"
    )
}

/// Runs `classify --lexicon lex.toml` and `lexicon check lex.toml` on a bad
/// lexicon; both must name `lex.toml:line` and say `what`.
#[track_caller]
fn assert_lexicon_refused(wd: &Workdir, text: &str, line: usize, what: &str) {
    wd.create("lex.toml", text);
    wd.copy_data("small.csv");
    let r = wd.run(&["classify", "small.csv", "--lexicon", "lex.toml"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty(), "{r:?}");
    let err = r.err();
    assert!(
        err.starts_with(&format!("popm: error: lex.toml:{line}: ")),
        "{r:?}"
    );
    assert!(err.contains(what), "{what:?} not in {r:?}");
    assert_eq!(err.lines().count(), 1, "{r:?}");
    let r = wd.run(&["lexicon", "check", "lex.toml"]);
    r.expect_code(1);
    assert!(r.out().starts_with(&format!("lex.toml:{line}: ")), "{r:?}");
    assert!(r.out().contains(what), "{what:?} not in {r:?}");
}

#[test]
fn lexicon_syntax_error_names_its_line() {
    let wd = Workdir::new();
    let text = lexicon_with("{ phrase = \"user stories\" weight = 1 },");
    assert_lexicon_refused(&wd, &text, 10, "missing comma");
    // TOML 1.1 lets an inline table go on over the next line, so an unclosed
    // one is found where that line fails to continue it: the `]` of line 11.
    let text = lexicon_with("{ phrase = \"user stories\", weight = 1 ,");
    assert_lexicon_refused(&wd, &text, 11, "invalid inline table");
}

#[test]
fn lexicon_bad_weights_are_refused_with_the_rule() {
    // The rule (lexicon/README.md): a number above 0 and at most 10.
    let wd = Workdir::new();
    for w in [
        "0", "-1", "-0.0", "nan", "inf", "-inf", "11", "10.5", "1e308",
    ] {
        let text = lexicon_with(&format!("{{ phrase = \"user stories\", weight = {w} }},"));
        assert_lexicon_refused(&wd, &text, 10, "use a number above 0 and at most 10");
    }
    // Not a number at all: a type error, on its line.
    let text = lexicon_with("{ phrase = \"user stories\", weight = \"3\" },");
    assert_lexicon_refused(&wd, &text, 10, "invalid lexicon");
    // The bounds themselves are fine.
    for w in ["10", "0.01"] {
        wd.create(
            "ok.toml",
            lexicon_with(&format!("{{ phrase = \"user stories\", weight = {w} }},")),
        );
        wd.run(&["lexicon", "check", "ok.toml"]).expect_code(0);
    }
}

#[test]
fn lexicon_ten_thousand_character_phrase_is_refused() {
    let wd = Workdir::new();
    let long = "product backlog ".repeat(625);
    let text = lexicon_with(&format!("{{ phrase = {:?}, weight = 1 }},", long.trim()));
    assert_lexicon_refused(&wd, &text, 10, "is 9999 characters long: the limit is 80");
}

#[test]
fn lexicon_lone_wildcard_is_refused() {
    let wd = Workdir::new();
    let text = lexicon_with("{ phrase = \"*\", weight = 1 },");
    assert_lexicon_refused(&wd, &text, 10, "bad wildcard in \"*\"");
    let text = lexicon_with("{ phrase = [\"user stories\", \"*\"], weight = 1 },");
    assert_lexicon_refused(&wd, &text, 10, "bad wildcard in \"*\"");
}

/// A lexicon of `n` generated PO entries (distinct two-word phrases) and one PM entry.
fn generated_lexicon(n: usize) -> String {
    let mut s = String::with_capacity(n * 48 + 256);
    s.push_str(LEX_HEAD);
    for i in 0..n {
        s.push_str(&format!("  {{ phrase = \"zq{i} term\", weight = 1 }},\n"));
    }
    s.push_str("]\n\n[[category]]\nname = \"b\"\nrole = \"pm\"\nentries = [{ phrase = \"pricing\", weight = 3 }]\n");
    s
}

/// Builds a lexicon of `n` entries and classifies with it.
fn many_entries_build_and_match(n: usize) {
    let wd = Workdir::new();
    wd.create("many.toml", generated_lexicon(n));
    let last = n - 1;
    wd.create(
        "p.csv",
        format!("id,description\np1,zq0 term and zq{last} term; pricing.\n"),
    );
    let r = wd.run(&["classify", "p.csv", "--lexicon", "many.toml"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(
        t.get(0, "po_evidence"),
        format!("zq0 term×1; zq{last} term×1")
    );
    assert_eq!(t.get(0, "pm_evidence"), "pricing×1");
}

#[test]
fn lexicon_of_twenty_thousand_entries_builds() {
    many_entries_build_and_match(20_000);
}

#[test]
fn lexicon_of_a_hundred_thousand_entries_when_opted_in() {
    if !is_huge_enabled() {
        eprintln!("skipped: set POPM_TEST_HUGE=1 to build a 100,000-entry lexicon (~40 s CPU)");
        return;
    }
    // 99,999 PO entries and the PM one: exactly the limit of 100,000 forms.
    many_entries_build_and_match(99_999);
}

#[test]
fn lexicon_over_the_form_limit_is_refused_at_the_entry_that_crosses_it() {
    // MAX_FORMS in src/lexicon/parse.rs: 100,000 forms per file. One entry with
    // 100,001 forms crosses it (cheaper to parse than as many entries).
    let wd = Workdir::new();
    let forms: Vec<String> = (0..100_001).map(|i| format!("w{i}")).collect();
    let text = lexicon_with(&format!("{{ phrase = {forms:?}, weight = 1 }},"));
    assert_lexicon_refused(
        &wd,
        &text,
        10,
        "too many phrases: this entry brings the lexicon to 100002 forms, and the limit is 100000",
    );
}

// ---------------------------------------------------------------------------
// Output files.

#[test]
fn output_whose_parent_is_a_regular_file_fails_cleanly() {
    let wd = Workdir::new();
    wd.copy_data("small.csv");
    wd.create("somefile", "keep me\n");
    let r = wd.classify(&["small.csv", "-o", "somefile/out.csv"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.err().contains("somefile/out.csv"), "{r:?}");
    assert_eq!(r.err().lines().count(), 1, "{r:?}");
    assert_eq!(wd.read("somefile"), b"keep me\n");
    assert_eq!(wd.listing(), ["small.csv", "somefile"]);
}

#[test]
fn output_whose_parent_is_a_regular_file_says_so() {
    let wd = Workdir::new();
    wd.copy_data("small.csv");
    wd.create("somefile", "keep me\n");
    let r = wd.classify(&["small.csv", "-o", "somefile/out.csv"]);
    r.expect_code(2);
    assert!(r.err().contains("somefile is not a directory"), "{r:?}");
    assert!(!r.err().contains("does not exist"), "{r:?}");
}

#[test]
fn output_to_an_existing_directory_fails_cleanly() {
    let wd = Workdir::new();
    wd.copy_data("small.csv");
    std::fs::create_dir(wd.file("outdir")).unwrap();
    let r = wd.classify(&["small.csv", "-o", "outdir"]);
    r.expect_code(2);
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(
        r.err()
            .starts_with("popm: error: cannot open output outdir: "),
        "{r:?}"
    );
    assert_eq!(wd.listing(), ["outdir", "small.csv"]);
    assert!(std::fs::read_dir(wd.file("outdir"))
        .unwrap()
        .next()
        .is_none());
}

#[test]
fn output_to_dev_full_is_a_clear_error() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full on this system");
        return;
    }
    let wd = Workdir::new();
    wd.copy_data("small.csv");
    let r = wd.classify(&["small.csv", "-o", "/dev/full"]);
    r.expect_code(2);
    assert!(
        r.err().starts_with("popm: error: cannot write /dev/full: "),
        "{r:?}"
    );
    assert_eq!(r.err().lines().count(), 1, "{r:?}");
    assert_no_temp_files(&wd);

    // Rows that fail to go out in the middle of the run, not when it ends:
    // the system's reason is given once.
    let text =
        "You own the product backlog and write user stories with acceptance criteria. ".repeat(20);
    let rows: String = (0..600).map(|i| format!("p{i},{text}\n")).collect();
    wd.create("many.csv", format!("id,description\n{rows}"));
    let r = wd.classify(&["many.csv", "--format", "jsonl", "-o", "/dev/full"]);
    r.expect_code(2);
    assert!(
        r.err().starts_with("popm: error: cannot write /dev/full: "),
        "{r:?}"
    );
    assert_eq!(r.err().matches("os error").count(), 1, "{r:?}");
    assert_eq!(r.err().lines().count(), 1, "{r:?}");

    // stdout redirected to /dev/full (`popm classify x > /dev/full`).
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let lex = plumb();
    let out = wd
        .command(&["classify", "small.csv", "--lexicon", &lex])
        .stdin(Stdio::null())
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("popm: error: cannot write to stdout: "),
        "{err}"
    );
    assert_eq!(wd.listing(), ["many.csv", "small.csv"]);
}

#[test]
fn output_into_a_read_only_directory_fails_cleanly() {
    use std::os::unix::fs::PermissionsExt;
    if is_root() {
        eprintln!("skipped: running as root, which may write into read-only directories");
        return;
    }
    let wd = Workdir::new();
    wd.copy_data("small.csv");
    let ro = wd.file("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let r = wd.classify(&["small.csv", "-o", "ro/out.csv"]);
    let entries: Vec<_> = std::fs::read_dir(&ro).unwrap().collect();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    r.expect_code(2);
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(
        r.err()
            .starts_with("popm: error: cannot create a temporary file in ro for the output"),
        "{r:?}"
    );
    assert!(entries.is_empty(), "nothing written into ro: {entries:?}");
}

#[test]
fn workbooks_are_known_by_their_bytes_whatever_their_name() {
    let wd = Workdir::new();
    // An .xlsx export saved under a .csv name reads as the workbook it is.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "description").expect("cell");
    sheet
        .write(
            1,
            0,
            "Own the product backlog, write user stories and run sprint planning with the scrum team.",
        )
        .expect("cell");
    wd.create("export.csv", book.save_to_buffer().expect("workbook"));
    let r = wd.classify(&["export.csv"]);
    r.expect_code(0);
    let out = r.out();
    let row = out.lines().nth(1).unwrap_or_default();
    assert!(row.contains("product_owner"), "{r:?}");
    // An old .xls or an encrypted workbook (an OLE compound file) is named
    // for what it is, from a file or stdin, not read as CSV.
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(4096, 0);
    wd.create("old.xls", &ole);
    for (r, name) in [
        (wd.classify(&["old.xls"]), "old.xls"),
        (wd.classify_with_stdin(&["-"], &ole), "<stdin>"),
    ] {
        r.expect_code(2);
        let err = r.err();
        assert!(
            err.contains(&format!(
                "{name}: this is an old .xls workbook or an encrypted"
            )),
            "{r:?}"
        );
        assert_eq!(err.lines().count(), 1, "one clear message: {r:?}");
    }
}

#[test]
fn a_header_that_is_not_one_is_listed_short() {
    let wd = Workdir::new();
    // A first line of binary read as text: each name is cut, and at most 50 listed.
    let names: Vec<String> = (0..80)
        .map(|i| format!("{i}{}", "\u{fffd}x".repeat(400)))
        .collect();
    wd.create("bin.csv", format!("{}\n1,2\n", names.join(",")));
    let r = wd.classify(&["bin.csv"]);
    r.expect_code(2);
    let err = r.err();
    assert!(err.contains("no description column found"), "{r:?}");
    assert!(
        err.contains("…, 2=\"1"),
        "names cut with an ellipsis: {err}"
    );
    assert!(err.contains("… (80 columns in all)"), "{err}");
    assert!(err.len() < 12_000, "{} bytes of message", err.len());
}

/// A path that is a pipe (`<(cmd)`, `/dev/stdin`) is never read ahead for its
/// format, which would lose those bytes; a workbook through one is read into
/// memory first (a zip needs to seek).
#[cfg(target_os = "linux")]
#[test]
fn a_pipe_named_as_a_file_loses_no_bytes() {
    let wd = Workdir::new();
    let csv = "id,description\n7,Own the product backlog and write user stories.\n";
    wd.create("p.csv", csv);
    let from_file = wd.classify(&["p.csv"]);
    let from_pipe = wd.classify_with_stdin(&["/dev/stdin"], csv.as_bytes());
    from_pipe.expect_code(0);
    assert_eq!(from_pipe.out(), from_file.out());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "description").expect("cell");
    sheet.write(1, 0, "Own the product backlog.").expect("cell");
    let bytes = book.save_to_buffer().expect("workbook");
    let r = wd.classify_with_stdin(&["/dev/stdin", "--input-format", "xlsx"], &bytes);
    r.expect_code(0);
    assert_eq!(r.out().lines().count(), 2, "{r:?}");
}

/// A named FIFO reads whole and its writer is not cut off (popm opens it
/// once, by the reader; opening and closing it first to look at its bytes
/// could end its writer, or leave popm waiting for one).
#[cfg(target_os = "linux")]
#[test]
fn a_named_fifo_is_read_whole() {
    let wd = Workdir::new();
    let fifo = wd.path().join("jobs.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let (postings, _) = generate_postings(300, 7);
    let rows = postings.len() - 1;
    let csv = to_csv(&postings);
    let writer = {
        let fifo = fifo.clone();
        let csv = csv.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo)?;
            f.write_all(&csv)
        })
    };
    let r = wd.classify(&["jobs.csv"]);
    assert!(
        writer.join().expect("writer thread").is_ok(),
        "the writer was cut off"
    );
    r.expect_code(0);
    assert_eq!(r.out().lines().count(), rows + 1, "{r:?}");
}
