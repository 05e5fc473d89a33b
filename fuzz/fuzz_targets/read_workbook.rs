//! Bytes as an `.xlsx` workbook: the zip limits, popm's workbook reader (its
//! package, styles, shared strings, spilled to files at once under fuzzing,
//! and sheet) and its rows must never panic. Half the inputs are the raw file;
//! the other half are put into a zip around a fixed, valid workbook skeleton,
//! as its sheet XML and its shared strings, so that the fuzzer reaches the
//! sheet reader instead of the zip parser. The limits are small, so that
//! inputs reach them too.
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use popm::io::{InputFormat, ReadOptions, Record, Source, ZipLimits};
use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Jobs" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A workbook whose sheet XML and shared strings are `sheet` and `strings`.
fn workbook(sheet: &[u8], strings: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default();
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

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let file = if pick & 1 == 0 {
        rest.to_vec()
    } else {
        // Sheet XML, then (after a NUL) the shared strings.
        let cut = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        let strings = rest.get(cut + 1..).unwrap_or_default();
        workbook(&rest[..cut], strings)
    };
    let opts = ReadOptions {
        format: Some(InputFormat::Xlsx),
        has_headers: pick & 2 == 0,
        zip_limits: ZipLimits {
            max_unzipped: 1 << 20,
            max_ratio: 50,
        },
        ..ReadOptions::default()
    };
    let Ok(mut source) = Source::from_reader(
        "fuzz.xlsx",
        Box::new(Cursor::new(file)),
        InputFormat::Xlsx,
        &opts,
    ) else {
        return;
    };
    let width = source.width();
    let mut batch: Vec<Record> = Vec::new();
    let mut last_row = 0;
    loop {
        let more = match source.read_batch(&mut batch) {
            Ok(more) => more,
            Err(e) => {
                assert!(e.to_string().starts_with("fuzz.xlsx"), "{e}");
                break;
            }
        };
        for rec in &batch {
            assert_eq!(rec.row, last_row + 1, "rows are numbered in order");
            last_row = rec.row;
            assert!(rec.line >= 1, "Excel rows are numbered from 1");
            assert!(rec.fields.len() >= width, "a row has at least the header's fields");
        }
        if !more {
            break;
        }
    }
});
