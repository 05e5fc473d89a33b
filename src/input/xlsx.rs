//! Reading postings from an Excel workbook (`.xlsx`, `.xlsm`).
//!
//! One worksheet is read: the first, or the one named with `--sheet`. Its
//! first non-empty row is the header (unless `--no-headers`); every later
//! non-empty row is a record. Cells become text with [`cell_text`]: numbers
//! without a spurious `.0`, dates as ISO 8601, booleans as `true`/`false`.
//!
//! The sheet streams: `calamine`'s cell reader runs on a thread of its own
//! and hands the rows over a short queue, so the sheet is never held, only a
//! few rows of it. What calamine keeps for the whole run is the workbook's
//! shared-strings table (the text of the string cells, as Excel saves them)
//! and its styles; [`crate::input::zip_limits`] refuses a workbook whose
//! parts inflate past its limits before any of that is read.
//! [`Record::line`] is the row number Excel shows.

use std::borrow::Cow;
use std::io::{Cursor, Read, Seek};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use calamine::{Data, DataRef, Reader, Xlsx};

use crate::error::{Error, Result};
use crate::input::record::{Opened, Record, RecordReader};
use crate::input::zip_limits::{check_archive, ZipLimits};

/// Rows read ahead of the worker threads by the sheet's reading thread.
const ROWS_AHEAD: usize = 64;

/// Excel's last column (XFD): a cell past it is a broken file, and is never
/// padded out to (a wrapped column number would ask for billions of fields).
const MAX_COLUMNS: usize = 16_384;

/// The text of a cell: integral numbers without `.0`, dates as ISO 8601
/// (`2024-03-01`, or `2024-03-01T09:30:00` with a time), durations as
/// `HH:MM:SS`, errors as Excel shows them (`#N/A`), empty cells empty.
pub fn cell_text(cell: &Data) -> Cow<'_, str> {
    match cell {
        Data::Empty => Cow::Borrowed(""),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(f) => Cow::Owned(number_text(*f)),
        Data::Bool(true) => Cow::Borrowed("true"),
        Data::Bool(false) => Cow::Borrowed("false"),
        Data::Error(e) => Cow::Owned(e.to_string()),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                let secs = (dt.as_f64() * 86_400.0).round() as i64;
                let sign = if secs < 0 { "-" } else { "" };
                let secs = secs.abs();
                return Cow::Owned(format!(
                    "{sign}{:02}:{:02}:{:02}",
                    secs / 3600,
                    secs / 60 % 60,
                    secs % 60
                ));
            }
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            let time = if ms > 0 {
                format!("{h:02}:{mi:02}:{s:02}.{ms:03}")
            } else {
                format!("{h:02}:{mi:02}:{s:02}")
            };
            Cow::Owned(if (0.0..1.0).contains(&dt.as_f64()) {
                time
            } else if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{time}")
            })
        }
    }
}

/// A float as text: integral values (below 2^53) without a fraction.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// The text of a streamed cell (see [`cell_text`]).
fn cell_ref_text<'a>(cell: &'a DataRef<'_>) -> Cow<'a, str> {
    match cell {
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::String(s) => Cow::Borrowed(s),
        DataRef::Empty => Cow::Borrowed(""),
        other => Cow::Owned(cell_text(&Data::from(other.clone())).into_owned()),
    }
}

/// One non-empty row of the sheet: its Excel row number and its cells from
/// the sheet's first column on.
struct SheetRow {
    line: u64,
    fields: csv::ByteRecord,
}

/// [`RecordReader`] over the rows the sheet's reading thread sends.
struct SheetRows {
    rows: Receiver<Result<SheetRow>>,
}

impl RecordReader for SheetRows {
    fn next_record(&mut self, rec: &mut Record) -> Result<bool> {
        match self.rows.recv() {
            Ok(row) => {
                let row = row?;
                rec.fields = row.fields;
                rec.line = row.line;
                Ok(true)
            }
            // The thread has sent its last row and ended.
            Err(_) => Ok(false),
        }
    }
}

/// Reads `sheet` of `wb` cell by cell on the calling thread, sending each
/// non-empty row from the sheet's first column on (as its `<dimension>`
/// says), padded to the width of the first; stops when the receiver is gone.
fn send_rows<RS: Read + Seek>(
    name: &str,
    wb: &mut Xlsx<RS>,
    sheet: &str,
    out: &SyncSender<Result<SheetRow>>,
) {
    let fail = |e: calamine::XlsxError| {
        Error::input(
            "xlsx",
            name,
            None,
            format!("cannot read sheet {sheet:?} of the workbook: {e}"),
        )
    };
    let mut cells = match wb.worksheet_cells_reader(sheet) {
        Ok(c) => c,
        Err(e) => {
            let _ = out.send(Err(fail(e)));
            return;
        }
    };
    // The sheet's first column: its `<dimension>`'s, unless the first cell is
    // left of it (a dimension can be wrong, or reversed: "K1:C3").
    let dims = cells.dimensions();
    let dim_col = if dims.start.1 <= dims.end.1 {
        dims.start.1
    } else {
        0
    };
    let mut first_col: Option<u32> = None;
    // Every row has at least the fields of the first (the header): a row
    // whose last cells are empty still has its text column.
    let mut min_width = 0usize;
    let mut row: Option<u32> = None;
    let mut fields = csv::ByteRecord::new();
    let mut width = 0usize;
    let mut has_value = false;
    loop {
        let next = match cells.next_cell() {
            Ok(c) => c,
            Err(e) => {
                let _ = out.send(Err(fail(e)));
                return;
            }
        };
        let pos = next.as_ref().map(|c| c.get_position());
        if row.is_some() && pos.map(|p| p.0) != row {
            if has_value {
                while fields.len() < min_width {
                    fields.push_field(b"");
                }
                min_width = min_width.max(fields.len());
                let line = u64::from(row.unwrap_or(0)) + 1;
                let done = std::mem::take(&mut fields);
                if out.send(Ok(SheetRow { line, fields: done })).is_err() {
                    return;
                }
            }
            fields.clear();
            width = 0;
            has_value = false;
        }
        let Some(cell) = next else {
            return;
        };
        let (r, c) = cell.get_position();
        row = Some(r);
        let first = *first_col.get_or_insert(dim_col.min(c));
        if c < first {
            // Left of the first row's first cell and of the dimension: not read.
            continue;
        }
        let c = (c - first) as usize;
        if c >= MAX_COLUMNS {
            let _ = out.send(Err(Error::input(
                "xlsx",
                name,
                Some(u64::from(r) + 1),
                format!(
                    "cannot read sheet {sheet:?} of the workbook: a cell of this row is past \
                     column XFD (16,384), Excel's last; re-save the file in a spreadsheet program"
                ),
            )));
            return;
        }
        if c < width {
            // A cell out of order: rare, written by hand-made files; keep the first.
            continue;
        }
        while width < c {
            fields.push_field(b"");
            width += 1;
        }
        let value = cell.get_value();
        has_value |= !matches!(value, DataRef::Empty);
        fields.push_field(cell_ref_text(value).as_bytes());
        width += 1;
    }
}

/// Opens a workbook read from `input` (read into memory first, as the zip
/// format needs to seek).
///
/// # Errors
///
/// As [`open_workbook`], and when reading fails.
pub(crate) fn open(
    name: &str,
    mut input: Box<dyn Read + Send>,
    sheet: Option<&str>,
    has_headers: bool,
    limits: ZipLimits,
) -> Result<Opened> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(name, e))?;
    open_workbook(name, Cursor::new(bytes), sheet, has_headers, limits)
}

/// The names of the worksheets of the workbook in `rs`, in workbook order.
///
/// # Errors
///
/// When `rs` is not an `.xlsx` workbook, or its parts inflate past the
/// default [`ZipLimits`].
pub fn sheet_names<RS: Read + Seek>(name: &str, mut rs: RS) -> Result<Vec<String>> {
    check_archive(name, &mut rs, ZipLimits::default())?;
    let wb: Xlsx<RS> = Xlsx::new(rs).map_err(|e| {
        Error::csv(
            name,
            None,
            format!("cannot read the input as an .xlsx workbook ({e})"),
        )
    })?;
    Ok(wb.sheet_names())
}

/// Opens the workbook in `rs` after checking its parts against `limits`, and
/// starts reading `sheet` (or the first sheet) row by row on a thread of its
/// own; the first row is read before returning.
///
/// # Errors
///
/// When a part of the workbook inflates past `limits`, `rs` is not an
/// `.xlsx` workbook, has no sheet named `sheet` (the message lists the
/// sheets), or the sheet is empty or cannot be read.
pub(crate) fn open_workbook<RS: Read + Seek + Send + 'static>(
    name: &str,
    mut rs: RS,
    sheet: Option<&str>,
    has_headers: bool,
    limits: ZipLimits,
) -> Result<Opened> {
    check_archive(name, &mut rs, limits)?;
    let mut wb = Xlsx::new(rs).map_err(|e| {
        Error::input(
            "xlsx",
            name,
            None,
            format!(
                "cannot read the input as an .xlsx workbook ({e}); \
                 for a text file use --input-format csv, tsv, json or jsonl"
            ),
        )
    })?;
    let names = wb.sheet_names();
    let listed = names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let chosen = match sheet {
        Some(want) => names
            .iter()
            .find(|n| n.as_str() == want)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(want)))
            .ok_or_else(|| {
                Error::usage(format!(
                    "{name}: no sheet named {want:?} for --sheet; the sheets are: {listed}"
                ))
            })?,
        None => names
            .first()
            .ok_or_else(|| Error::input("xlsx", name, None, "the workbook has no worksheet"))?,
    }
    .clone();
    let (tx, rx) = sync_channel(ROWS_AHEAD);
    let thread_name = name.to_string();
    let thread_sheet = chosen.clone();
    std::thread::Builder::new()
        .name("popm-xlsx".to_string())
        .spawn(move || {
            // A panic in the workbook reader (calamine on a malformed part) must
            // become an error, not a sheet that silently ends early.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                send_rows(&thread_name, &mut wb, &thread_sheet, &tx)
            }));
            if read.is_err() {
                let _ = tx.send(Err(Error::input(
                    "xlsx",
                    &thread_name,
                    None,
                    format!(
                        "cannot read sheet {thread_sheet:?} of the workbook: the xlsx reader \
                         failed on a malformed part; re-save the file in a spreadsheet program"
                    ),
                )));
            }
        })
        .map_err(|e| Error::io(name, e))?;
    let empty = || {
        Error::input(
            "xlsx",
            name,
            None,
            format!(
                "sheet {chosen:?} is empty: expected a header row and one posting per row \
                 (the sheets are: {listed}; choose one with --sheet NAME)"
            ),
        )
    };
    let first = rx.recv().map_err(|_| empty())??;
    let width = first.fields.len();
    let reader = SheetRows { rows: rx };
    let (header, pending) = if has_headers {
        let names = first
            .fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect();
        (names, None)
    } else {
        (Vec::new(), Some(first))
    };
    if let Some(first) = pending {
        // No header row: the first row is a record, handed out first.
        return Ok(Opened {
            header,
            width,
            nested: Vec::new(),
            reader: Box::new(FirstThen {
                first: Some(first),
                rest: reader,
            }),
        });
    }
    Ok(Opened {
        header,
        width,
        nested: Vec::new(),
        reader: Box::new(reader),
    })
}

/// A row read ahead, then the rest of the sheet.
struct FirstThen {
    first: Option<SheetRow>,
    rest: SheetRows,
}

impl RecordReader for FirstThen {
    fn next_record(&mut self, rec: &mut Record) -> Result<bool> {
        match self.first.take() {
            Some(row) => {
                rec.fields = row.fields;
                rec.line = row.line;
                Ok(true)
            }
            None => self.rest.next_record(rec),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};
    use rust_xlsxwriter::{ExcelDateTime as WDate, Format, Workbook};

    fn workbook() -> Vec<u8> {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let ws = wb.add_worksheet().set_name("Jobs").unwrap();
        ws.write(0, 0, "id").unwrap();
        ws.write(0, 1, "Description").unwrap();
        ws.write(0, 2, "salary").unwrap();
        ws.write(0, 3, "posted").unwrap();
        ws.write(1, 0, 17).unwrap();
        ws.write(1, 1, "Own the product backlog").unwrap();
        ws.write(1, 2, 61234.5).unwrap();
        let d = WDate::from_ymd(2024, 3, 1).unwrap();
        ws.write_datetime_with_format(1, 3, &d, &date).unwrap();
        // Row 3 is left empty; row 4 has data again.
        ws.write(3, 0, 18).unwrap();
        ws.write(3, 1, "Set the product vision").unwrap();
        let notes = wb.add_worksheet().set_name("Notes").unwrap();
        notes.write(0, 0, "note").unwrap();
        wb.save_to_buffer().unwrap()
    }

    fn fields(rec: &Record) -> Vec<String> {
        rec.fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect()
    }

    fn read(sheet: Option<&str>, has_headers: bool) -> Result<(Vec<String>, Vec<Record>)> {
        read_sheet("w.xlsx", workbook(), sheet, has_headers)
    }

    /// The header and records of a sheet of a workbook.
    fn read_sheet(
        name: &str,
        bytes: Vec<u8>,
        sheet: Option<&str>,
        has_headers: bool,
    ) -> Result<(Vec<String>, Vec<Record>)> {
        let o = open(
            name,
            Box::new(Cursor::new(bytes)),
            sheet,
            has_headers,
            ZipLimits::default(),
        )?;
        let mut reader = o.reader;
        let mut recs = Vec::new();
        let mut rec = Record::default();
        while reader.next_record(&mut rec)? {
            recs.push(rec.clone());
        }
        Ok((o.header, recs))
    }

    #[test]
    fn renders_cells() {
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(-2.5)), "-2.5");
        assert_eq!(cell_text(&Data::Float(1e300)), 1e300.to_string());
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(cell_text(&Data::Empty), "");
        let dt = |v| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(cell_text(&dt(45352.0)), "2024-03-01");
        assert_eq!(cell_text(&dt(45352.5)), "2024-03-01T12:00:00");
        assert_eq!(cell_text(&dt(0.25)), "06:00:00");
        let dur = Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false));
        assert_eq!(cell_text(&dur), "36:00:00");
    }

    #[test]
    fn reads_the_first_sheet() {
        let (header, recs) = read(None, true).unwrap();
        assert_eq!(header, ["id", "Description", "salary", "posted"]);
        assert_eq!(recs.len(), 2, "the empty row is skipped");
        assert_eq!(
            fields(&recs[0]),
            ["17", "Own the product backlog", "61234.5", "2024-03-01"]
        );
        assert_eq!(fields(&recs[1]), ["18", "Set the product vision", "", ""]);
        assert_eq!((recs[0].line, recs[1].line), (2, 4), "Excel row numbers");
    }

    #[test]
    fn reads_a_named_sheet_and_no_headers() {
        let (header, recs) = read(Some("notes"), true).unwrap();
        assert_eq!(header, ["note"]);
        assert!(recs.is_empty());
        let (header, recs) = read(Some("Notes"), false).unwrap();
        assert!(header.is_empty());
        assert_eq!(fields(&recs[0]), ["note"]);
    }

    #[test]
    fn unknown_sheet_lists_the_sheets() {
        let e = read(Some("Postings"), true).unwrap_err().to_string();
        assert!(
            e.contains("\"Postings\"")
                && e.contains("\"Jobs\", \"Notes\"")
                && e.contains("--sheet"),
            "{e}"
        );
    }

    #[test]
    fn lists_the_sheets() {
        assert_eq!(
            sheet_names("w.xlsx", Cursor::new(workbook())).unwrap(),
            ["Jobs", "Notes"]
        );
        let e = sheet_names("x.xlsx", Cursor::new(b"id\n".to_vec()))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("x.xlsx: cannot read the input as an .xlsx workbook"),
            "{e}"
        );
    }

    /// A workbook of one sheet whose XML is `sheet` (shared strings: none).
    fn with_sheet(sheet: &str) -> Vec<u8> {
        use std::io::Write;
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Jobs" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in parts {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// Found by fuzzing (`read_workbook`): a reversed dimension makes calamine
    /// 0.35 subtract with overflow (a panic where overflow is checked, a wrapped
    /// dimension elsewhere). Either way no cell is lost and nothing panics.
    #[test]
    fn a_reversed_dimension_loses_no_cell() {
        let sheet = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="K1:C3"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>description</t></is></c></row><row r="2"><c r="A2"><v>17</v></c><c r="B2" t="inlineStr"><is><t>Own the backlog</t></is></c></row></sheetData></worksheet>"#;
        let opened = open(
            "k.xlsx",
            Box::new(Cursor::new(with_sheet(sheet))),
            None,
            true,
            ZipLimits::default(),
        );
        match opened {
            Ok(o) => {
                assert_eq!(o.header, ["id", "description"]);
                let mut reader = o.reader;
                let mut rec = Record::default();
                assert!(reader.next_record(&mut rec).unwrap());
                assert_eq!(fields(&rec), ["17", "Own the backlog"]);
            }
            Err(e) => {
                let e = e.to_string();
                assert!(e.starts_with("k.xlsx: cannot read sheet \"Jobs\""), "{e}");
            }
        }
    }

    /// Found by fuzzing (`read_workbook`): a cell reference with a column of
    /// a hundred letters overflows calamine's column number (a panic where
    /// overflow is checked, a wrapped number elsewhere). Either way it is an
    /// error naming the file, never billions of empty fields.
    #[test]
    fn a_cell_past_the_last_column_is_an_error() {
        let letters = "W".repeat(100);
        let sheet = format!(
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>description</t></is></c></row><row r="2"><c r="{letters}2" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#
        );
        let e = read_all("c.xlsx", with_sheet(&sheet))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.xlsx"), "{e}");
        for col in ["XFD", "XFE"] {
            let sheet = format!(
                r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>description</t></is></c><c r="{col}1" t="inlineStr"><is><t>far</t></is></c></row></sheetData></worksheet>"#
            );
            let read = read_all("c.xlsx", with_sheet(&sheet));
            match col {
                "XFD" => assert_eq!(read.unwrap().0.len(), 16_384),
                _ => assert!(read.unwrap_err().to_string().contains("past column XFD")),
            }
        }
    }

    /// The header and records of a workbook's first sheet.
    fn read_all(name: &str, bytes: Vec<u8>) -> Result<(Vec<String>, Vec<Record>)> {
        read_sheet(name, bytes, None, true)
    }

    #[test]
    fn not_a_workbook_is_an_error() {
        let e = open(
            "x.xlsx",
            Box::new(Cursor::new(b"id,description\n".to_vec())),
            None,
            true,
            ZipLimits::default(),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            e.starts_with("x.xlsx: cannot read the input as an .xlsx workbook"),
            "{e}"
        );
    }
}
