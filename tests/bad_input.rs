//! Bad and unusual input, and the exit codes: 0 ok, 1 some rows had errors,
//! 2 usage or unrecoverable error.

mod util;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use util::{generate_postings, plumb, to_csv, Workdir, HEADER};

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
    assert!(r.err().contains("nope.csv"), "{r:?}");
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
    input.extend_from_slice(b"u1,Run market research and own pricing.\n");
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
        "\u{feff}id,description\nb1,Own the product backlog.\n",
    );
    let r = wd.classify(&["bom.csv", "--keep", "id"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.header[0], "id_input");
    assert_eq!(t.column("id"), ["b1"]);
    assert_eq!(t.column("label"), ["product_owner"]);
}

#[test]
fn twenty_megabyte_description_is_classified() {
    let wd = Workdir::new();
    let block = format!("{} ", "x".repeat(999));
    let filler = block.repeat((20 << 20) / block.len() + 1);
    assert!(filler.len() >= 20 << 20);
    let desc = format!(
        "As a Product Owner you own the product backlog. {filler}Finally: market research."
    );
    let mut csv = String::with_capacity(desc.len() + 64);
    csv.push_str("id,description\nbig,\"");
    csv.push_str(&desc);
    csv.push_str("\"\nsmall,Own pricing.\n");
    wd.create("big.csv", csv);
    drop(desc);
    let r = wd.classify(&["big.csv"]);
    r.expect_code(0);
    let t = r.table();
    assert_eq!(t.column("id"), ["big", "small"]);
    assert_eq!(t.get(0, "error"), "");
    assert_eq!(t.get(0, "label"), "product_owner");
    // The phrase after 20 MB of text was found too.
    assert_eq!(t.get(0, "pm_evidence"), "market research×1");
    assert_eq!(t.get(1, "label"), "product_manager");
    assert!(r.err().ends_with("; 0 warnings\n"), "{r:?}");
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
