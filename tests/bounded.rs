//! Every input bounded: workbooks that inflate past the limits (decompression
//! bombs) are refused before they take memory, and the opt-in 1 GB cases
//! (`POPM_TEST_HUGE=1`, best with `--release`) check that a JSON array and a
//! workbook of Excel's 1,048,576 rows stream in under 64 MB.

use std::io::{Cursor, Write};

use serde_json::json;
use zip::write::SimpleFileOptions;

use crate::util::{generate_postings, run_measured, Run, Workdir};

/// Peak memory a bounded run stays under, in KiB.
const BOUND_KIB: u64 = 64 * 1024;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Jobs" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>"#;

/// A workbook of one sheet ("Jobs": a `description` header and one posting,
/// both shared strings) whose shared-strings part is `strings`, deflated.
fn workbook_with_strings(strings: &[u8]) -> Vec<u8> {
    workbook(SHEET.as_bytes(), strings)
}

/// A workbook of one sheet ("Jobs") whose sheet and shared-strings parts are
/// `sheet` and `strings`, deflated.
fn workbook(sheet: &[u8], strings: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings),
    ] {
        zip.start_file(name, opts).expect("zip entry");
        zip.write_all(content).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

/// Shared strings: `description`, then one posting padded with `pad` spaces.
fn shared_strings(pad: usize) -> Vec<u8> {
    let mut s = br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>description</t></si><si><t xml:space="preserve">You own the product backlog."#.to_vec();
    s.resize(s.len() + pad, b' ');
    s.extend_from_slice(b"</t></si></sst>");
    s
}

/// Rewrites the uncompressed size that the central directory of `zip`
/// declares for `part` (a zip that lies about its sizes).
fn declare_size(zip: &mut [u8], part: &str, size: u32) {
    let sig = b"PK\x01\x02";
    let at = (0..zip.len() - 46)
        .find(|&i| {
            zip[i..].starts_with(sig) && {
                let name_len = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
                zip.get(i + 46..i + 46 + name_len) == Some(part.as_bytes())
            }
        })
        .expect("the part's central directory entry");
    zip[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
}

/// `r` ran to the end and read the skeleton workbook's one posting.
fn assert_reads_the_posting(r: &Run) {
    r.expect_code(0);
    assert_eq!(
        r.table().column("po_evidence"),
        ["product backlog×1"],
        "{r:?}"
    );
}

#[test]
fn the_skeleton_workbook_reads() {
    // The fixtures below differ from this one only in their shared strings.
    let wd = Workdir::new();
    wd.create("ok.xlsx", workbook_with_strings(&shared_strings(10)));
    let r = wd.classify(&["ok.xlsx"]);
    assert_reads_the_posting(&r);
}

#[test]
fn a_workbook_declaring_a_huge_part_is_refused_before_reading() {
    let wd = Workdir::new();
    let mut bomb = workbook_with_strings(&shared_strings(10));
    declare_size(&mut bomb, "xl/sharedStrings.xml", 400_000_000);
    assert!(bomb.len() < 4096, "a few KB: {}", bomb.len());
    wd.create("bomb.xlsx", &bomb);
    let args = ["classify", "bomb.xlsx", "-o", "out.csv"];
    let (r, peak_kib) = run_measured(&mut wd.command(&args), &args);
    r.expect_code(2);
    let err = r.err();
    assert!(
        err.contains("bomb.xlsx: refusing the workbook: its part \"xl/sharedStrings.xml\" declares that it unzips to 381.5 MiB")
            && err.contains("--max-unzip-ratio 100"),
        "{r:?}"
    );
    assert!(!wd.path().join("out.csv").exists(), "{r:?}");
    assert!(peak_kib < BOUND_KIB, "peak {peak_kib} KiB");
}

#[test]
fn a_workbook_that_really_inflates_past_its_ratio_is_refused_while_counting() {
    let wd = Workdir::new();
    // 48 MB of spaces deflate to about 47 KB; the zip says the part is 2 KB.
    let mut bomb = workbook_with_strings(&shared_strings(48 << 20));
    declare_size(&mut bomb, "xl/sharedStrings.xml", 2000);
    assert!(bomb.len() < 64 << 10, "{}", bomb.len());
    wd.create("liar.xlsx", &bomb);
    let args = ["classify", "liar.xlsx", "-o", "out.csv"];
    let (r, peak_kib) = run_measured(&mut wd.command(&args), &args);
    r.expect_code(2);
    let err = r.err();
    assert!(
        err.contains("liar.xlsx: refusing the workbook: its part \"xl/sharedStrings.xml\" unzips to more than")
            && err.contains("times its compressed")
            && err.contains("(--max-unzip-ratio 100)"),
        "{r:?}"
    );
    assert!(!wd.path().join("out.csv").exists(), "{r:?}");
    // Without the count, calamine would hold the 48 MB string, and more.
    assert!(peak_kib < 40 * 1024, "peak {peak_kib} KiB");
    // Raised past deflate's best ratio, the same file reads.
    let r = wd.classify(&["liar.xlsx", "--max-unzip-ratio", "2000"]);
    assert_reads_the_posting(&r);
}

/// A sheet that lies about its size is refused while its rows are read:
/// rows were already classified, yet the run ends with exit 2 and leaves no
/// output file.
#[test]
fn a_sheet_that_inflates_past_its_ratio_is_refused_mid_read() {
    let wd = Workdir::new();
    let mut sheet = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row><c t="s"><v>0</v></c></row>"#.to_vec();
    for _ in 0..2000 {
        sheet.extend_from_slice(br#"<row><c t="s"><v>1</v></c></row>"#);
    }
    // 40 MB of white space between rows: deflates about a thousand times.
    sheet.resize(sheet.len() + (40 << 20), b' ');
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    let mut bomb = workbook(&sheet, &shared_strings(0));
    declare_size(&mut bomb, "xl/worksheets/sheet1.xml", 60_000);
    wd.create("rows.xlsx", &bomb);
    let r = wd.classify(&["rows.xlsx", "-o", "out.csv"]);
    r.expect_code(2);
    assert!(
        r.err().contains(
            "rows.xlsx: refusing the workbook: its part \"xl/worksheets/sheet1.xml\" unzips to more than"
        ),
        "{r:?}"
    );
    assert!(!wd.path().join("out.csv").exists(), "{r:?}");
    let files: Vec<_> = std::fs::read_dir(wd.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".popm-"))
        .collect();
    assert!(files.is_empty(), "temporary files left: {files:?}");
}

#[test]
fn max_unzipped_size_refuses_a_big_part_and_can_be_raised() {
    let wd = Workdir::new();
    // 3 MB of shared strings, compressed about 1000 times. (A part that
    // declares less than it holds is counted: the test above.)
    wd.create("big.xlsx", workbook_with_strings(&shared_strings(3 << 20)));
    let r = wd.classify(&[
        "big.xlsx",
        "--max-unzipped-size",
        "2M",
        "--max-unzip-ratio",
        "5000",
    ]);
    r.expect_code(2);
    assert!(
        r.err().contains(
            "its part \"xl/sharedStrings.xml\" declares that it unzips to 3.0 MiB, past the \
             limit of 2.0 MiB a part (--max-unzipped-size 2097152)"
        ),
        "{r:?}"
    );
    let r = wd.classify(&["big.xlsx", "--max-unzip-ratio", "5000"]);
    r.expect_code(0);
    for bad in [
        &["big.xlsx", "--max-unzip-ratio", "0"][..],
        &["big.xlsx", "--max-unzipped-size", "lots"][..],
    ] {
        let r = wd.classify(bad);
        r.expect_code(2);
        assert!(r.stdout.is_empty(), "{r:?}");
    }
}

// ---------------------------------------------------------------------------
// Opt-in: 1 GB inputs (POPM_TEST_HUGE=1; minutes in a debug build, so run
// them with `cargo test --release --test tests bounded`).

fn is_huge_enabled() -> bool {
    std::env::var_os("POPM_TEST_HUGE").is_some_and(|v| v == "1")
}

#[test]
fn huge_json_array_streams_in_bounded_memory() {
    if !is_huge_enabled() {
        eprintln!("skipped: set POPM_TEST_HUGE=1 to classify a 1 GB JSON array");
        return;
    }
    let wd = Workdir::new();
    let (rows, _) = generate_postings(2000, 25);
    let path = wd.path().join("huge.json");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut written = 0u64;
    let mut n = 0usize;
    out.write_all(b"[\n").expect("write");
    while written < 1_000_000_000 {
        let row = &rows[1 + n % (rows.len() - 1)];
        let obj = json!({"id": n, "title": row[1], "description": row[2]}).to_string();
        if n > 0 {
            out.write_all(b",\n").expect("write");
        }
        out.write_all(obj.as_bytes()).expect("write");
        written += obj.len() as u64 + 2;
        n += 1;
    }
    out.write_all(b"\n]\n").expect("write");
    out.flush().expect("flush");
    drop(out);
    let args = ["classify", "huge.json", "-q", "-o", "out.csv"];
    let (r, peak_kib) = run_measured(&mut wd.command(&args), &args);
    r.expect_code(0);
    let out = std::fs::read(wd.path().join("out.csv")).expect("output");
    let lines = out.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(lines, n + 1, "one row per element, and the header");
    eprintln!("1 GB JSON array ({n} postings): peak RSS {peak_kib} KiB");
    assert!(peak_kib < BOUND_KIB, "peak {peak_kib} KiB");
}

#[test]
fn huge_workbook_streams_in_bounded_memory() {
    if !is_huge_enabled() {
        eprintln!("skipped: set POPM_TEST_HUGE=1 to classify workbooks of 1,048,576 rows");
        return;
    }
    // Excel's limit: a header and 1,048,575 postings (an id and the first 240
    // bytes of a description, made distinct), written as inline strings, row
    // by row, as popm writes its own, and with a shared-strings table, as
    // Excel saves (280 MB of strings).
    for (name, shared) in [("inline.xlsx", false), ("shared.xlsx", true)] {
        let wd = Workdir::new();
        let (rows, _) = generate_postings(500, 26);
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = if shared {
            book.add_worksheet()
        } else {
            book.add_worksheet_with_constant_memory()
        };
        sheet.write(0, 0, "id").expect("cell");
        sheet.write(0, 1, "description").expect("cell");
        for i in 0..1_048_575u32 {
            let desc = &rows[1 + i as usize % (rows.len() - 1)][2];
            let mut cut = desc.len().min(240);
            while !desc.is_char_boundary(cut) {
                cut -= 1;
            }
            sheet.write(i + 1, 0, i).expect("cell");
            sheet
                .write(i + 1, 1, format!("{i} {}", &desc[..cut]))
                .expect("cell");
        }
        book.save(wd.path().join(name)).expect("save");
        drop(book);
        let args = ["classify", name, "-q", "-o", "out.csv"];
        let (r, peak_kib) = run_measured(&mut wd.command(&args), &args);
        r.expect_code(0);
        let out = std::fs::read(wd.path().join("out.csv")).expect("output");
        let lines = out.iter().filter(|&&b| b == b'\n').count();
        assert_eq!(
            lines, 1_048_576,
            "{name}: 1,048,575 postings and the header"
        );
        eprintln!("{name}, 1,048,576 rows: peak RSS {peak_kib} KiB");
        assert!(peak_kib < BOUND_KIB, "{name}: peak {peak_kib} KiB");
    }
}

/// Sentences of the kind that fill most of a real posting (company, place,
/// benefits, how to apply) and name no lexicon phrase.
const FILLER: &[&str] = &[
    "Our office is a short walk from the central station.",
    "We offer thirty days of holiday, a pension plan and a yearly training budget.",
    "The team meets in person twice a week and works from home otherwise.",
    "Founded in 2009, the company now has offices in four countries.",
    "Please send your application with your salary expectations and earliest start date.",
    "We welcome applications from people of every background.",
];

#[test]
fn a_huge_field_costs_at_most_three_times_its_size() {
    if !is_huge_enabled() {
        eprintln!("skipped: set POPM_TEST_HUGE=1 to classify a CSV with one 92 MB field");
        return;
    }
    let wd = Workdir::new();
    // Postings with the filler that makes up most of a real one (a generated
    // posting alone is all phrases: memory past twice the field is per
    // match, see BENCHMARKS.md), as one description.
    let (rows, _) = generate_postings(200, 27);
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 92_000_000 {
        text.push_str(&rows[1 + i % (rows.len() - 1)][2]);
        for k in 0..16 {
            text.push(' ');
            text.push_str(FILLER[(i + k) % FILLER.len()]);
        }
        text.push('\n');
        i += 1;
    }
    let field = text.len() as u64;
    wd.create(
        "one.csv",
        format!("id,description\n1,\"{}\"\n", text.replace('"', "\"\"")),
    );
    drop(text);
    let args = ["classify", "one.csv", "-q", "-o", "out.csv"];
    let (r, peak_kib) = run_measured(&mut wd.command(&args), &args);
    r.expect_code(0);
    let ratio = (peak_kib * 1024) as f64 / field as f64;
    eprintln!("one {field}-byte field: peak RSS {peak_kib} KiB, {ratio:.2} times the field");
    assert!(ratio <= 3.0, "peak {peak_kib} KiB for a {field}-byte field");
}

/// A JSON Lines row of more than `HELD_ROW_MATCHES` matches is written
/// through a temporary file a chunk at a time instead of held: it must come
/// out whole, valid, and in its place between the rows around it.
#[test]
fn a_row_of_a_quarter_million_matches_comes_out_whole_and_in_order() {
    let wd = Workdir::new();
    let dense = "We write user stories. ".repeat(210_000);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "description"]).expect("row");
    w.write_record(["before", "Own the roadmap and the pricing."])
        .expect("row");
    w.write_record(["dense", dense.as_str()]).expect("row");
    w.write_record(["after", "Own the product backlog."])
        .expect("row");
    wd.create("dense.csv", w.into_inner().expect("CSV"));
    let r = wd.classify(&["-q", "dense.csv", "--format", "jsonl", "-o", "out.jsonl"]);
    r.expect_code(0);
    let out = wd.read("out.jsonl");
    let rows = crate::util::parse_jsonl(&out);
    assert_eq!(ids(&rows), ["before", "dense", "after"]);
    let matches = match_count(&rows[1]);
    assert!(matches >= 210_000, "{matches}");
    assert_eq!(rows[1]["label"], "product_owner");
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 3);

    // The same row first in a batch of rows that outgrow the output buffer
    // (at -j 16, 16 blocks of postings), which go straight to the file.
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "description"]).expect("row");
    let plain = "Own the product backlog, write user stories and run sprint planning. ".repeat(8);
    for i in 0..2_000 {
        if i == 1_000 {
            w.write_record(["dense", dense.as_str()]).expect("row");
        }
        w.write_record([format!("p{i}").as_str(), plain.as_str()])
            .expect("row");
    }
    wd.create("dense2.csv", w.into_inner().expect("CSV"));
    let r = wd.classify(&[
        "-q",
        "dense2.csv",
        "-j",
        "16",
        "--format",
        "jsonl",
        "-o",
        "out2.jsonl",
    ]);
    r.expect_code(0);
    let out = wd.read("out2.jsonl");
    let rows = crate::util::parse_jsonl(&out);
    let want: Vec<String> = (0..2_000)
        .flat_map(|i| {
            (i == 1_000)
                .then(|| "dense".to_string())
                .into_iter()
                .chain([format!("p{i}")])
        })
        .collect();
    assert_eq!(ids(&rows), want);
    assert_eq!(rows[999]["evidence"], rows[1_001]["evidence"]);
    assert_eq!(match_count(&rows[1_000]), matches);
}

/// The `id` of each JSON Lines row.
fn ids(rows: &[serde_json::Value]) -> Vec<&str> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap_or(""))
        .collect()
}

/// How many matches a JSON Lines row's evidence lists.
fn match_count(row: &serde_json::Value) -> usize {
    row["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| e["matches"].as_array().map_or(0, Vec::len))
        .sum()
}
